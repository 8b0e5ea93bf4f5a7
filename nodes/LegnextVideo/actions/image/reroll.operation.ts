/** Reroll: `POST /api/v1/reroll` runs an image job's prompt again for four new images. */

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
import { imageJobIdProperty } from './imageJobInputs';

const properties: INodeProperties[] = [
	{
		...imageJobIdProperty,
		description:
			'ID (UUID) of a finished Legnext image job whose prompt should be run again, e.g. the jobId output of an Imagine operation',
	},
	...submitProperties('gridImages'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['reroll'] } },
	properties,
);

export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemRun {
	const check = new InputChecker(ctx, itemIndex);
	const body: IDataObject = { jobId: check.jobId('imageJobId', 'Image Job ID') };
	return planSubmit(ctx, itemIndex, {
		path: '/api/v1/reroll',
		body,
		creditsNeeded: creditsFor('image:reroll'),
	});
}
