/** Outpaint (zoom out): `POST /api/v1/outpaint` extends one image of an image job on all sides, giving four new images. */

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
		displayName: 'Scale',
		name: 'scale',
		type: 'number',
		default: 1.5,
		typeOptions: { minValue: 1.1, maxValue: 2, numberPrecision: 2 },
		description:
			'How far to zoom out, 1.1 to 2.0 (2 makes the original image half the width and height of the result)',
	},
	remixPromptProperty,
	...submitProperties('gridImages'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['outpaint'] } },
	properties,
);

export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemRun {
	const check = new InputChecker(ctx, itemIndex);
	const body: IDataObject = {
		...readSourceImage(check),
		scale: check.number('scale', 'Scale', 1.1, 2, 1.5),
	};
	addRemixPrompt(check, body);
	return planSubmit(ctx, itemIndex, {
		path: '/api/v1/outpaint',
		body,
		creditsNeeded: creditsFor('image:outpaint'),
	});
}
