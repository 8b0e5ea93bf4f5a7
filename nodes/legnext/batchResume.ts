/**
 * For a batch's callback: are the run's other jobs still rendering? Legnext's list of the account's
 * unfinished jobs (`GET /api/account/active_tasks`, free) answers that in one read, so no unfinished job is
 * read while a batch renders; the other jobs are read (once each, for their results) only when none is listed.
 */

import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { legnextRequest } from './client';
import { isFinished, parseJob, type LegnextJob } from './job';
import { readJob } from './wait';

/** A webhook answers its caller within seconds: the reads here are retried only briefly. */
const READ_ATTEMPTS = 2;

interface RenderingCheck {
	/** How many of the other jobs are (or may be) still rendering; 0 means all are finished. */
	rendering: number;
	/** When `rendering` is 0: every other job as read from the API, by item index. */
	finished: Map<number, LegnextJob>;
}

/** Job IDs in the active-task list, or `null` when it cannot be read (then each job is read instead). */
async function activeJobIds(ctx: IWebhookFunctions): Promise<Set<string> | null> {
	try {
		const body = await legnextRequest(ctx, {
			method: 'GET',
			path: '/api/account/active_tasks',
			maxAttempts: READ_ATTEMPTS,
		});
		// The complete OpenAPI file answers unwrapped (`tasks` at the top); the account endpoints' wrapper is read too.
		const data = (
			body.data !== null && typeof body.data === 'object' ? body.data : body
		) as IDataObject;
		if (!Array.isArray(data.tasks)) return null;
		return new Set(data.tasks.map((task) => parseJob(task).jobId).filter((id) => id !== ''));
	} catch {
		return null;
	}
}

/** `others` maps item index to job ID (the calling job left out). */
export async function stillRendering(
	ctx: IWebhookFunctions,
	others: Map<number, string>,
): Promise<RenderingCheck> {
	const active = await activeJobIds(ctx);
	const listed = [...others.values()].filter((jobId) => active?.has(jobId) === true).length;
	if (listed > 0) return { rendering: listed, finished: new Map() };
	if (active !== null) {
		// The list shows none of them: read them together, for their results.
		const read = await Promise.all(
			[...others].map(async ([itemIndex, jobId]) => {
				const job = await readJob(ctx, jobId, itemIndex, undefined, READ_ATTEMPTS);
				return [itemIndex, job] as const;
			}),
		);
		const unfinished = read.filter(([, job]) => !isFinished(job)).length;
		// Not listed yet not finished: the list lags, so this call is not the last one.
		return unfinished > 0
			? { rendering: unfinished, finished: new Map() }
			: { rendering: 0, finished: new Map(read) };
	}
	const finished = new Map<number, LegnextJob>();
	for (const [itemIndex, jobId] of others) {
		const job = await readJob(ctx, jobId, itemIndex, undefined, READ_ATTEMPTS);
		// Without the list, stop at the first unfinished job: this call is not the last one.
		if (!isFinished(job)) return { rendering: others.size - finished.size, finished: new Map() };
		finished.set(itemIndex, job);
	}
	return { rendering: 0, finished };
}
