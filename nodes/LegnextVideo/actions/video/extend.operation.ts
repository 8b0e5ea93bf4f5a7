/** Extend video: `POST /api/v1/extend-video` adds about 4 seconds to one video of a finished video job. */

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
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		default: '',
		typeOptions: { rows: 3 },
		description: 'Optional: what should happen next in the video, up to 8192 characters',
	},
	...submitProperties(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['extend'] } },
	properties,
);

export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemRun {
	const check = new InputChecker(ctx, itemIndex);
	const body: IDataObject = {
		...readSourceVideo(check),
	};
	const prompt = check.text('prompt', 'Prompt');
	if (prompt !== '') body.prompt = check.prompt(prompt, 'Prompt');
	// Priced like the source video, whose quality the node does not know: the message names both prices.
	return planSubmit(ctx, itemIndex, {
		path: '/api/v1/extend-video',
		body,
		creditsNeeded: creditsFor('video:extend'),
		creditsSourceJobId: body.jobId as string,
	});
}
