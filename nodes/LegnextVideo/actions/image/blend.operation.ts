/** Blend: `POST /api/v1/blend` mixes 2 to 5 images (by URL) into four new images. */

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

const MIN_IMAGES = 2;
const MAX_IMAGES = 5;
const ASPECT_RATIOS = ['2:3', '1:1', '3:2'];

const properties: INodeProperties[] = [
	{
		displayName: 'Image URLs',
		name: 'imageUrls',
		type: 'string',
		default: '',
		required: true,
		typeOptions: { rows: 3 },
		placeholder: 'https://example.com/a.png\nhttps://example.com/b.png',
		description:
			'2 to 5 public http(s) image URLs, one per line (spaces or commas between them also work). An expression may also give a list of URLs.',
	},
	{
		displayName: 'Aspect Ratio',
		name: 'aspectRatio',
		type: 'options',
		default: '1:1',
		description: 'Shape of the blended images',
		options: [
			{ name: 'Portrait (2:3)', value: '2:3' },
			{ name: 'Square (1:1)', value: '1:1' },
			{ name: 'Landscape (3:2)', value: '3:2' },
		],
	},
	...submitProperties('gridImages'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['blend'] } },
	properties,
);

export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemRun {
	const check = new InputChecker(ctx, itemIndex);
	const imgUrls = readImageUrls(ctx, check, itemIndex);
	const aspectRatio = check.text('aspectRatio', 'Aspect Ratio');
	if (!ASPECT_RATIOS.includes(aspectRatio)) {
		check.fail('Aspect Ratio', `must be 2:3, 1:1 or 3:2, got "${aspectRatio}"`);
	}
	const body: IDataObject = { imgUrls, aspect_ratio: aspectRatio };
	return planSubmit(ctx, itemIndex, {
		path: '/api/v1/blend',
		body,
		creditsNeeded: creditsFor('image:blend'),
	});
}

/**
 * The URLs from text (split at whitespace, and at commas that start another URL, since a URL may hold
 * commas itself) or from an expression that gives a list.
 */
function readImageUrls(ctx: IExecuteFunctions, check: InputChecker, itemIndex: number): string[] {
	const value = ctx.getNodeParameter('imageUrls', itemIndex, '') as unknown;
	let urls: string[];
	if (Array.isArray(value)) {
		urls = value.map((entry, n) => {
			if (typeof entry !== 'string') {
				check.fail('Image URLs', `entry ${n + 1} must be text, got ${typeof entry}`);
			}
			return entry.trim();
		});
		urls = urls.filter((url) => url !== '');
	} else {
		urls = check
			.text('imageUrls', 'Image URLs')
			.split(/\s+|,(?=\s*https?:\/\/)/i)
			.map((url) => url.trim())
			.filter((url) => url !== '');
	}
	if (urls.length < MIN_IMAGES || urls.length > MAX_IMAGES) {
		check.fail(
			'Image URLs',
			`must hold ${MIN_IMAGES} to ${MAX_IMAGES} URLs, got ${urls.length}`,
			'Give one http(s) image URL per line.',
		);
	}
	urls.forEach((url, n) => check.checkUrl(url, `Image URLs (URL ${n + 1})`));
	return urls;
}
