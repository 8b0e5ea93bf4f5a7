/** Upscale video: `POST /api/v1/video-upscale` renders one video of a finished video job at higher resolution. */

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
import { readSourceVideo, videoJobIdProperty, videoNumberProperty } from './videoJobInputs';

const properties: INodeProperties[] = [
	videoJobIdProperty,
	videoNumberProperty,
	...submitProperties(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['upscale'] } },
	properties,
);

export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemRun {
	const check = new InputChecker(ctx, itemIndex);
	const body: IDataObject = {
		...readSourceVideo(check),
	};
	return planSubmit(ctx, itemIndex, {
		path: '/api/v1/video-upscale',
		body,
		creditsNeeded: creditsFor('video:upscale'),
	});
}
