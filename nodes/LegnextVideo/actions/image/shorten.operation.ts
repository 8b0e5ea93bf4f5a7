/** Shorten: `POST /api/v1/shorten` suggests shorter versions of a prompt; the text comes back in `prompts`, no files. */

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

const properties: INodeProperties[] = [
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		default: '',
		required: true,
		typeOptions: { rows: 3 },
		description: 'The image prompt to shorten, 1 to 8192 characters',
	},
	...submitProperties('none'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['shorten'] } },
	properties,
);

export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemRun {
	const check = new InputChecker(ctx, itemIndex);
	const prompt = check.text('prompt', 'Prompt');
	if (prompt === '') check.fail('Prompt', 'is empty', 'Give the prompt to shorten.');
	const body: IDataObject = { prompt: check.prompt(prompt, 'Prompt') };
	return planSubmit(ctx, itemIndex, {
		path: '/api/v1/shorten',
		body,
		creditsNeeded: creditsFor('image:shorten'),
	});
}
