/** Upscale image: `POST /api/v1/upscale` renders one image of an image job larger, as a single image. */

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
import { imageJobIdProperty, imageNumberProperty, readSourceImage } from './imageJobInputs';

const properties: INodeProperties[] = [
	imageJobIdProperty,
	imageNumberProperty,
	{
		displayName: 'Upscale Type',
		name: 'upscaleType',
		type: 'options',
		default: 0,
		description: 'How much the upscaler may change the image',
		options: [
			{ name: 'Subtle', value: 0, description: 'Keep the image as it is, only larger' },
			{ name: 'Creative', value: 1, description: 'Allow the upscaler to add and change details' },
		],
	},
	...submitProperties(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['upscale'] } },
	properties,
);

export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemRun {
	const check = new InputChecker(ctx, itemIndex);
	const type = check.optionCode('upscaleType', 'Upscale Type', 1);
	const body: IDataObject = {
		...readSourceImage(check),
		type,
	};
	return planSubmit(ctx, itemIndex, {
		path: '/api/v1/upscale',
		body,
		creditsNeeded: creditsFor('image:upscale', type),
	});
}
