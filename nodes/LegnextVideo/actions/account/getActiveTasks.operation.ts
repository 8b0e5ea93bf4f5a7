/** Get active tasks: `GET /api/account/active_tasks`, the account's unfinished jobs. Free. */

import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import type { ItemRun } from '../types';
import { numberField, readAccountData } from './accountData';

const properties: INodeProperties[] = [];

export const description = updateDisplayOptions(
	{ show: { resource: ['account'], operation: ['getActiveTasks'] } },
	properties,
);

export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemRun {
	return async ({ signal }) => {
		const data = await readAccountData(ctx, '/api/account/active_tasks', itemIndex, signal);
		const tasks = Array.isArray(data.tasks)
			? data.tasks.filter(
					(task): task is IDataObject =>
						task !== null && typeof task === 'object' && !Array.isArray(task),
				)
			: [];
		return {
			json: {
				// The complete OpenAPI file and the Python SDK name them `total_active` and `concurrent_limit`;
				// `total` and `max_concurrent_task_count` (the info endpoint's name) are read too.
				activeTaskCount: numberField(data, 'total_active', 'total') ?? tasks.length,
				maxConcurrentTaskCount: numberField(data, 'concurrent_limit', 'max_concurrent_task_count'),
				tasks,
				data,
			},
		};
	};
}
