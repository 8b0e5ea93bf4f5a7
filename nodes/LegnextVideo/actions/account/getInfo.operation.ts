import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { ItemRun } from '../common';
import { numberField, readAccountData } from './shared';

/** Get account info: `GET /api/account/info`, including how many jobs may run at once. Free. */

const properties: INodeProperties[] = [];

export const description = updateDisplayOptions(
	{ show: { resource: ['account'], operation: ['getInfo'] } },
	properties,
);

export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemRun {
	return async ({ signal }) => {
		const data = await readAccountData(ctx, '/api/account/info', itemIndex, signal);
		return {
			json: {
				maxConcurrentTaskCount: numberField(data, 'max_concurrent_task_count'),
				activeTaskCount: numberField(data, 'active_task_count'),
				data,
			},
		};
	};
}
