/** Get job: `GET /api/v1/job/{id}`, optionally waiting until it finishes. Costs no credits. */

import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { InputChecker } from '../../../legnext/validation';
import { readJob } from '../../../legnext/wait';
import { waitOptionsProperty, waitProperties } from '../descriptions';
import { completeJobItem } from '../run';
import { readJobSettings } from '../settings';
import type { ItemRun } from '../types';

const properties: INodeProperties[] = [
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '2cbffb65-10ac-45a2-91d4-19a19a19ab4c',
		description:
			'ID (UUID) of any Legnext job (video or image). Legnext keeps jobs readable and their files for 30 days.',
	},
	...waitProperties(false),
	waitOptionsProperty,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['job'], operation: ['get'] } },
	properties,
);

export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemRun {
	const jobId = new InputChecker(ctx, itemIndex).jobId('jobId', 'Job ID');
	const settings = readJobSettings(ctx, itemIndex);
	return async ({ signal }) => {
		const job = await readJob(ctx, jobId, itemIndex, signal);
		// A read reports a failed job as data rather than as an error.
		return await completeJobItem(ctx, job, settings, itemIndex, signal, { failOnJobError: false });
	};
}
