/** Get balance: `GET /api/account/balance`. Free; lets a workflow stop before it runs out of credits. */

import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { ItemRun } from '../types';
import { numberField, readAccountData } from './accountData';

const properties: INodeProperties[] = [];

export const description = updateDisplayOptions(
	{ show: { resource: ['account'], operation: ['getBalance'] } },
	properties,
);

export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemRun {
	return async ({ signal }) => {
		const data = await readAccountData(ctx, '/api/account/balance', itemIndex, signal);
		return {
			json: {
				availableCredits: numberField(data, 'available_credits'),
				balanceUsd: numberField(data, 'balance_usd'),
				data,
			},
		};
	};
}
