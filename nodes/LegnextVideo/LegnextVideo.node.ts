import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../legnext/credential';
import { resumeFromCallback } from '../legnext/pause';
import * as account from './actions/account';
import { TOOL_DESCRIPTION } from './actions/aiTool';
import * as image from './actions/image';
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
		description:
			'Create, extend and upscale AI videos and images with Legnext, get them as files, and check your credits',
		defaults: { name: 'Legnext Video' },
		usableAsTool: { replacements: { description: TOOL_DESCRIPTION } },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: 'noData',
				path: '',
				restartWebhook: true,
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'video',
				options: [
					{ name: 'Video', value: 'video' },
					{ name: 'Image', value: 'image' },
					{ name: 'Job', value: 'job' },
					{ name: 'Account', value: 'account' },
				],
			},
			...video.description,
			...image.description,
			...job.description,
			...account.description,
		],
	};

	// Pause mode's resume URL; nothing to register, as the URL goes to Legnext with each job.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await route.call(this)];
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeFromCallback(this);
	}
}
