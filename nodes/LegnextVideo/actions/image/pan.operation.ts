/** Pan: `POST /api/v1/pan` extends one image of an image job in one direction, giving four new images. */

import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { creditsFor } from '../../../legnext/credits';
import { InputChecker } from '../../../legnext/validation';
import { submitProperties } from '../descriptions';
import { planSubmit } from '../run';
import type { ItemRun } from '../types';
import {
	addRemixPrompt,
	imageJobIdProperty,
	imageNumberProperty,
	remixPromptProperty,
	readSourceImage,
} from './imageJobInputs';

/** Direction codes as Legnext's OpenAPI spec names them (0=Down, 1=Right, 2=Up, 3=Left); the API takes the number. */
const DIRECTIONS = ['down', 'right', 'up', 'left'];

const properties: INodeProperties[] = [
	imageJobIdProperty,
	imageNumberProperty,
	{
		displayName: 'Direction',
		name: 'direction',
		type: 'options',
		default: 1,
		description:
			'Which side of the image to extend. Sent as Legnext\u2019s direction code (0 down, 1 right, 2 up, 3 left); an expression may give the code or the word.',
		options: [
			{ name: 'Down (0)', value: 0 },
			{ name: 'Right (1)', value: 1 },
			{ name: 'Up (2)', value: 2 },
			{ name: 'Left (3)', value: 3 },
		],
	},
	{
		displayName: 'Scale',
		name: 'scale',
		type: 'number',
		default: 1.5,
		typeOptions: { minValue: 1.1, maxValue: 3, numberPrecision: 2 },
		description:
			'How much larger the image gets in that direction, 1.1 to 3.0 (1.5 adds half its size)',
	},
	remixPromptProperty,
	...submitProperties('gridImages'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['pan'] } },
	properties,
);

export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemRun {
	const check = new InputChecker(ctx, itemIndex);
	const body: IDataObject = {
		...readSourceImage(check),
		direction: readDirection(ctx, check, itemIndex),
		scale: check.number('scale', 'Scale', 1.1, 3, 1.5),
	};
	addRemixPrompt(check, body);
	return planSubmit(ctx, itemIndex, {
		path: '/api/v1/pan',
		body,
		creditsNeeded: creditsFor('image:pan'),
	});
}

function readDirection(ctx: IExecuteFunctions, check: InputChecker, itemIndex: number): number {
	const value = ctx.getNodeParameter('direction', itemIndex, 1) as unknown;
	const named = typeof value === 'string' ? DIRECTIONS.indexOf(value.trim().toLowerCase()) : -1;
	return named >= 0 ? named : check.optionCode('direction', 'Direction', 3);
}
