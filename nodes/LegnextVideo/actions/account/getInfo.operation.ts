/** Get account info: `GET /api/account/info`, the plan and how many jobs may run at once. Free. */

import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { ItemRun } from '../types';
import { numberField, publicAccountInfo, readAccountData } from './accountData';

const properties: INodeProperties[] = [];

export const description = updateDisplayOptions(
	{ show: { resource: ['account'], operation: ['getInfo'] } },
	properties,
);

export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemRun {
	return async ({ signal }) => {
		// Only allow-listed fields, never the account's API keys the front end's shape carries.
		const data = publicAccountInfo(
			await readAccountData(ctx, '/api/account/info', itemIndex, signal),
		);
		const plan = data.plan;
		return {
			json: {
				plan: typeof plan === 'string' && plan !== '' ? plan : null,
				// The front end's client names it `max_concurrent_task_count`, the active-tasks shape `concurrent_limit`.
				maxConcurrentTaskCount: numberField(data, 'max_concurrent_task_count', 'concurrent_limit'),
				data,
			},
		};
	};
}
