/** Variation: `POST /api/v1/variation` makes four new images close to one image of an image job. */

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

const properties: INodeProperties[] = [
	imageJobIdProperty,
	imageNumberProperty,
	{
		displayName: 'Variation Type',
		name: 'variationType',
		type: 'options',
		default: 0,
		description: 'How far the new images may stray from the chosen one',
		options: [
			{ name: 'Subtle', value: 0, description: 'Small changes' },
			{ name: 'Strong', value: 1, description: 'Larger changes' },
		],
	},
	remixPromptProperty,
	...submitProperties('gridImages'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['variation'] } },
	properties,
);

export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemRun {
	const check = new InputChecker(ctx, itemIndex);
	const body: IDataObject = {
		...readSourceImage(check),
		type: check.optionCode('variationType', 'Variation Type', 1),
	};
	addRemixPrompt(check, body);
	return planSubmit(ctx, itemIndex, {
		path: '/api/v1/variation',
		body,
		creditsNeeded: creditsFor('image:variation'),
	});
}
