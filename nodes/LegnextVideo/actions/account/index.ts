import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../types';
import * as getActiveTasks from './getActiveTasks.operation';
import * as getBalance from './getBalance.operation';
import * as getInfo from './getInfo.operation';

export const operations: Record<string, OperationModule> = { getActiveTasks, getBalance, getInfo };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		default: 'getBalance',
		options: [
			{
				name: 'Get Active Tasks',
				value: 'getActiveTasks',
				action: 'Get active tasks',
				description: 'List the account\u2019s unfinished jobs (free)',
			},
			{
				name: 'Get Balance',
				value: 'getBalance',
				action: 'Get the account balance',
				description:
					'Read the available credits and the balance in USD (free), e.g. to stop a workflow before it runs out',
			},
			{
				name: 'Get Info',
				value: 'getInfo',
				action: 'Get account info',
				description: 'Read the account details, including how many jobs may run at once (free)',
			},
		],
	},
	...getActiveTasks.description,
	...getBalance.description,
	...getInfo.description,
];
