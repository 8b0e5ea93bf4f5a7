import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../types';
import * as create from './create.operation';
import * as extend from './extend.operation';
import * as upscale from './upscale.operation';

export const operations: Record<string, OperationModule> = {
	create,
	extend,
	upscale,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
		default: 'create',
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a video',
				description: 'Make four 4-second videos from an image (or text)',
			},
			{
				name: 'Extend',
				value: 'extend',
				action: 'Extend a video',
				description: 'Add about 4 seconds to one video of a video job',
			},
			{
				name: 'Upscale',
				value: 'upscale',
				action: 'Upscale a video',
				description: 'Render one video of a video job at higher resolution',
			},
		],
	},
	...create.description,
	...extend.description,
	...upscale.description,
];
