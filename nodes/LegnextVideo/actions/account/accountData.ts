/** The account endpoints answer `{code: 200, data: {...}, message: "success"}`; reads cost nothing and are retried. */

import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { legnextRequest } from '../../../legnext/client';
import { SECRET_FIELD_NAME } from '../../../legnext/secrets';

export async function readAccountData(
	ctx: IExecuteFunctions,
	path: string,
	itemIndex: number,
	signal: AbortSignal,
): Promise<IDataObject> {
	const body = await legnextRequest(ctx, { method: 'GET', path, itemIndex, signal });
	const data = body.data;
	// Tolerate an unwrapped answer: then the body itself holds the fields.
	return data !== null && typeof data === 'object' && !Array.isArray(data)
		? (data as IDataObject)
		: body;
}

/** The first of the fields that holds a number (or numeric text), else `null`. */
export function numberField(data: IDataObject, ...names: string[]): number | null {
	for (const name of names) {
		const value = data[name];
		const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
		if (typeof n === 'number' && Number.isFinite(n)) return n;
	}
	return null;
}

/**
 * Account info fields an output may carry, from Legnext's sources: the complete OpenAPI file (`plan`, `balance`,
 * `quota`, ...) and the front end's client (`max_concurrent_task_count`, wallet details). Anything else, such as the
 * front end's `api_keys`, is left out.
 */
const ACCOUNT_INFO_FIELDS = [
	'account_id',
	'email',
	'plan',
	'status',
	'balance',
	'used',
	'quota',
	'wallet',
	'max_concurrent_task_count',
	'concurrent_limit',
	'balance_usd',
	'available_credits',
	'available_points',
	'created_at',
	'updated_at',
];

/** A copy without secret-like fields at any depth. */
function withoutSecrets(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(withoutSecrets);
	if (value === null || typeof value !== 'object') return value;
	return Object.fromEntries(
		Object.entries(value as IDataObject)
			.filter(([name]) => !SECRET_FIELD_NAME.test(name))
			.map(([name, inner]) => [name, withoutSecrets(inner)]),
	);
}

/** The allow-listed, secret-free part of `GET /api/account/info`: the object as Legnext sends it holds API keys. */
export function publicAccountInfo(data: IDataObject): IDataObject {
	const kept = Object.fromEntries(
		Object.entries(data).filter(([name]) => ACCOUNT_INFO_FIELDS.includes(name)),
	);
	return withoutSecrets(kept) as IDataObject;
}
