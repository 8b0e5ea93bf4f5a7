/** Describe: `POST /api/v1/describe` suggests prompts for an image; the text comes back in `prompts`, no files. */

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
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/picture.png',
		description: 'Public http(s) URL of the image to describe',
	},
	...submitProperties('none'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['describe'] } },
	properties,
);

export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemRun {
	const check = new InputChecker(ctx, itemIndex);
	// `imgUrl` is what the OpenAPI spec, the Postman collection and the vendor's own n8n node send; one version of
	// the docs names it `imageLink`. A 400 naming either name is answered by one more try with the other.
	const body: IDataObject = { imgUrl: check.url('imageUrl', 'Image URL', true) };
	return planSubmit(ctx, itemIndex, {
		path: '/api/v1/describe',
		body,
		creditsNeeded: creditsFor('image:describe'),
		disputedField: { name: 'imgUrl', alternative: 'imageLink' },
	});
}
