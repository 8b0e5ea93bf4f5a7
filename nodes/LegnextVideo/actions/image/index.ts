import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../types';
import * as blend from './blend.operation';
import * as describe from './describe.operation';
import * as imagine from './imagine.operation';
import * as outpaint from './outpaint.operation';
import * as pan from './pan.operation';
import * as reroll from './reroll.operation';
import * as shorten from './shorten.operation';
import * as upscale from './upscale.operation';
import * as variation from './variation.operation';

export const operations: Record<string, OperationModule> = {
	blend,
	describe,
	imagine,
	outpaint,
	pan,
	reroll,
	shorten,
	upscale,
	variation,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['image'] } },
		default: 'imagine',
		options: [
			{
				name: 'Blend',
				value: 'blend',
				action: 'Blend images',
				description: 'Mix 2 to 5 images (by URL) into four new images',
			},
			{
				name: 'Describe',
				value: 'describe',
				action: 'Describe an image',
				description: 'Get prompt suggestions for an image (text, no files)',
			},
			{
				name: 'Imagine',
				value: 'imagine',
				action: 'Create images from a prompt',
				description: 'Make four images (and their 2x2 grid) from a text prompt',
			},
			{
				name: 'Outpaint',
				value: 'outpaint',
				action: 'Zoom out of an image',
				description: 'Extend one image of an image job on all sides (zoom out)',
			},
			{
				name: 'Pan',
				value: 'pan',
				action: 'Pan an image',
				description: 'Extend one image of an image job in one direction',
			},
			{
				name: 'Reroll',
				value: 'reroll',
				action: 'Reroll an image job',
				description: 'Run an image job\u2019s prompt again for four new images',
			},
			{
				name: 'Shorten',
				value: 'shorten',
				action: 'Shorten a prompt',
				description: 'Get shorter versions of an image prompt (text, no files)',
			},
			{
				name: 'Upscale',
				value: 'upscale',
				action: 'Upscale an image',
				description: 'Render one image of an image job larger, as a single image',
			},
			{
				name: 'Variation',
				value: 'variation',
				action: 'Create variations of an image',
				description: 'Make four new images close to one image of an image job',
			},
		],
	},
	...blend.description,
	...describe.description,
	...imagine.description,
	...outpaint.description,
	...pan.description,
	...reroll.description,
	...shorten.description,
	...upscale.description,
	...variation.description,
];
