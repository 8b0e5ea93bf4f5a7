import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { creditsFor } from '../../../legnext/credits';
import { InputChecker } from '../../../legnext/validation';
import { planSubmit, submitProperties, type ItemRun } from '../common';
import { videoJobIdProperty, videoNumberProperty } from './videoJobInputs';

/** Upscale video: `POST /api/v1/video-upscale` renders one video of a finished video job at higher resolution. */

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
		jobId: check.jobId('videoJobId', 'Video Job ID'),
		videoNo: check.resultNumber('videoNumber', 'Video Number'),
	};
	return planSubmit(ctx, itemIndex, check, {
		path: '/api/v1/video-upscale',
		body,
		creditsNeeded: creditsFor('video:upscale'),
	});
}
