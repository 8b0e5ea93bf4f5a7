import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as job from './actions/job';
import { route } from './actions/router';
import * as video from './actions/video';

export class LegnextVideo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Legnext Video',
		name: 'legnextVideo',
		icon: {
			light: 'file:../../icons/legnext.svg',
			dark: 'file:../../icons/legnext.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Create, extend and upscale AI videos with Legnext, and get them as files',
		defaults: { name: 'Legnext Video' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'legnextVideoApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'video',
				options: [
					{ name: 'Video', value: 'video' },
					{ name: 'Job', value: 'job' },
				],
			},
			...video.description,
			...job.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await route.call(this)];
	}
}
