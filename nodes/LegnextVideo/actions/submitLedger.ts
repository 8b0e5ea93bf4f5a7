/**
 * What each item of a running execution submitted, so n8n's "Retry On Fail" never pays twice: a retry runs
 * the node again in the same execution and process, finds the item's earlier submit here, and picks up its
 * job (or refuses to resend a submit that may have reached Legnext) instead of submitting again.
 * Kept in memory: a retry happens within seconds in the same process, and nothing here outlives a restart.
 */

import { createHash } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

type SubmitRecord =
	/** Legnext accepted it: the job body it answered. */
	| { outcome: 'accepted'; job: IDataObject }
	/** No clear answer (5xx, dropped, stopped mid-call): the job may exist. */
	| { outcome: 'uncertain'; reason: string };

interface Entry {
	record: SubmitRecord;
	at: number;
}

/** Retries come seconds to minutes after the try they repeat; a day covers any wait between tries. */
const KEEP_MS = 24 * 60 * 60_000;
const MAX_ENTRIES = 10_000;

const entries = new Map<string, Entry>();

/**
 * One item's submit in one run of the node, keyed by what is sent: an item whose request changed between tries
 * (an expression that gives another prompt) is a new job.
 */
export function submitKey(
	ctx: IExecuteFunctions,
	itemIndex: number,
	path: string,
	body: IDataObject,
): string {
	const request = createHash('sha256')
		.update(`${path}\n${JSON.stringify(body)}`)
		.digest('hex');
	// The run index tells a retry (same run) from the node running again in a loop (a new run, a new job).
	return [
		ctx.getExecutionId(),
		ctx.getNode().id,
		ctx.getWorkflowDataProxy(itemIndex).$thisRunIndex,
		itemIndex,
		request,
	].join(':');
}

export function earlierSubmit(key: string): SubmitRecord | undefined {
	const entry = entries.get(key);
	if (entry === undefined) return undefined;
	if (Date.now() - entry.at > KEEP_MS) {
		entries.delete(key);
		return undefined;
	}
	return entry.record;
}

export function recordSubmit(key: string, record: SubmitRecord): void {
	entries.delete(key); // re-insert: the map's oldest entries are dropped first
	entries.set(key, { record, at: Date.now() });
	while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
}
