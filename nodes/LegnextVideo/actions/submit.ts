/**
 * Sends a job to Legnext once: a retry of the node picks up the job an earlier try paid for, a submit that may
 * have reached Legnext is not sent again, and a body field whose name the sources dispute is renamed once.
 */

import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
} from 'n8n-workflow';

import { legnextRequest, mayHaveCreatedJob } from '../../legnext/client';
import { parseJob, type LegnextJob } from '../../legnext/job';
import { earlierSubmit, recordSubmit, submitKey } from './submitLedger';
import type { RunControl } from './types';

export interface SubmitRequest {
	path: string;
	body: IDataObject;
	/** For the "not enough credits" message: the price, or every price the call may have (from `creditsFor`). */
	creditsNeeded: number[];
	/** Extend: the source job, whose cost tells this call's (read for the budget guard). */
	creditsSourceJobId?: string;
	/**
	 * A body field whose name the sources dispute: when Legnext answers 400/422 naming either name, the
	 * submit is sent once more with the field renamed (a refused request creates no job and costs nothing).
	 */
	disputedField?: { name: string; alternative: string };
}

/** The body with the disputed field renamed, when `error` is a 400/422 that names the field; else `null`. */
function bodyForDisputedField(request: SubmitRequest, error: unknown): IDataObject | null {
	const disputed = request.disputedField;
	const e = error as { httpCode?: unknown; message?: unknown };
	if (!disputed || !(disputed.name in request.body)) return null;
	if (e?.httpCode !== '400' && e?.httpCode !== '422') return null;
	const message = typeof e.message === 'string' ? e.message.toLowerCase() : '';
	const named = [disputed.name, disputed.alternative].some((n) =>
		message.includes(n.toLowerCase()),
	);
	if (!named) return null;
	const { [disputed.name]: value, ...rest } = request.body;
	return { ...rest, [disputed.alternative]: value };
}

export async function submitJob(
	ctx: IExecuteFunctions,
	request: SubmitRequest,
	itemIndex: number,
	control: RunControl,
): Promise<LegnextJob> {
	const { signal } = control;
	const key = submitKey(ctx, itemIndex, request.path, request.body);
	const earlier = earlierSubmit(key);
	if (earlier?.outcome === 'accepted') {
		// A retry of the node (Retry On Fail): the job was paid for by an earlier try, so pick it up.
		const job = parseJob(earlier.job);
		control.submitted(job.jobId);
		return job;
	}
	if (earlier?.outcome === 'uncertain') {
		throw new NodeOperationError(
			ctx.getNode(),
			`Not submitted again: an earlier try of this node sent this job to Legnext and got no clear answer (${earlier.reason})`,
			{
				itemIndex,
				description:
					'Legnext may have created (and charged) the job then, so a retry does not send it again. Look for it in your Legnext dashboard, or run the workflow again to submit anew.',
			},
		);
	}
	const send = async (body: IDataObject) =>
		await legnextRequest(ctx, {
			method: 'POST',
			path: request.path,
			body,
			itemIndex,
			signal,
			creditsNeeded: request.creditsNeeded,
		});
	const sent = await send(request.body)
		.catch(async (error: unknown) => {
			// Only a 400 that names the disputed field is retried: Legnext took no job then.
			const renamed = bodyForDisputedField(request, error);
			if (renamed === null) throw error;
			return await send(renamed);
		})
		.then(
			(body) => ({ body }),
			(error: unknown) => ({ error }),
		);
	if ('error' in sent) {
		if (mayHaveCreatedJob(sent.error)) {
			recordSubmit(key, { outcome: 'uncertain', reason: (sent.error as Error).message });
		}
		throw sent.error;
	}
	const { body } = sent;
	const job = parseJob(body);
	if (job.jobId === '') {
		recordSubmit(key, { outcome: 'uncertain', reason: 'the answer held no job ID' });
		throw new NodeApiError(
			ctx.getNode(),
			{ message: 'no job_id in response' },
			{
				message: 'Legnext accepted the request but returned no job ID',
				description:
					'The job may exist anyway, so it was not sent again. Check your Legnext dashboard before re-running.',
				itemIndex,
			},
		);
	}
	recordSubmit(key, { outcome: 'accepted', job: body });
	control.submitted(job.jobId);
	return job;
}
