import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { InputChecker } from '../../../shared/validation';
import {
	callbackUrlProperty,
	readJobSettings,
	waitOptionsProperty,
	waitProperties,
	waitStrategyProperty,
	type ItemRun,
} from '../common';
import { submitAndComplete } from '../jobRunner';
import { videoJobIdProperty, videoNumberProperty } from './shared';

/** Upscale video: `POST /api/v1/video-upscale` renders one video of a finished video job at higher resolution. */

const properties: INodeProperties[] = [
	videoJobIdProperty,
	videoNumberProperty,
	callbackUrlProperty,
	...waitProperties(true),
	waitStrategyProperty,
	waitOptionsProperty,
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
	const callback = check.url('callbackUrl', 'Callback URL', false);
	if (callback !== '') body.callback = callback;
	const settings = readJobSettings(ctx, itemIndex);
	const request = { path: '/api/v1/video-upscale', body, creditsNeeded: 480 };
	return async (control) => await submitAndComplete(ctx, request, settings, itemIndex, control);
}
