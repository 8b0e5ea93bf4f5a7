import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { legnextRequest } from '../../../shared/transport';

/** The account endpoints answer `{code: 200, data: {...}, message: "success"}`; reads cost nothing and are retried. */

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
