/** Imagine: `POST /api/v1/diffusion` makes a 2x2 grid of four images from a text prompt. */

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
		placeholder: 'A lighthouse on a cliff at dusk, oil painting --ar 16:9',
		description:
			'What the images should show, 1 to 8192 characters. Midjourney parameters such as --ar 16:9 or --no text can be added at the end.',
	},
	...submitProperties('gridImages'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['imagine'] } },
	properties,
);

export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemRun {
	const check = new InputChecker(ctx, itemIndex);
	const text = check.text('prompt', 'Prompt');
	if (text === '') check.fail('Prompt', 'is empty', 'Describe the images you want.');
	const body: IDataObject = { text: check.prompt(text, 'Prompt') };
	return planSubmit(ctx, itemIndex, {
		path: '/api/v1/diffusion',
		body,
		creditsNeeded: creditsFor('image:imagine'),
	});
}
