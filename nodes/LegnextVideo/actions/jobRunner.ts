import {
	NodeApiError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { withTriggerToken } from '../../shared/callback';
import { downloadResults } from '../../shared/download';
import { isFinished, parseJob, toJobItem, type LegnextJob } from '../../shared/job';
import { pauseUntilCallback, resumeCallbackUrl } from '../../shared/pause';
import { legnextRequest } from '../../shared/transport';
import { assertCompleted, pollUntilFinished } from '../../shared/wait';
import type { JobSettings, RunControl } from './common';

/** Submit a job once, then (when asked) wait for it and download its files: the path every submit operation takes. */

export interface SubmitRequest {
	path: string;
	body: IDataObject;
	/** For the "not enough credits" message: the price, or every price the call may have (from `creditsFor`). */
	creditsNeeded: number[];
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
	const send = async (body: IDataObject) =>
		await legnextRequest(ctx, {
			method: 'POST',
			path: request.path,
			body,
			itemIndex,
			signal,
			creditsNeeded: request.creditsNeeded,
		});
	const body = await send(request.body).catch(async (error: unknown) => {
		const renamed = bodyForDisputedField(request, error);
		if (renamed === null) throw error;
		return await send(renamed);
	});
	const job = parseJob(body);
	if (job.jobId === '') {
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
	control.submitted(job.jobId);
	return job;
}

/** Turns a submitted or read job into the node's output item, waiting and downloading as the settings say. */
export async function completeJobItem(
	ctx: IExecuteFunctions,
	job: LegnextJob,
	settings: JobSettings,
	itemIndex: number,
	signal: AbortSignal | undefined,
	failOnJobError = true,
): Promise<INodeExecutionData> {
	let current = job;
	if (settings.wait && !isFinished(current)) {
		current = await pollUntilFinished(ctx, current.jobId, {
			timeoutMs: settings.timeoutMs,
			maxIntervalMs: settings.maxPollIntervalMs,
			itemIndex,
			signal,
		});
	}
	if (failOnJobError) assertCompleted(ctx, current, itemIndex);
	const item: INodeExecutionData = { json: toJobItem(current) };
	if (current.status === 'completed' && settings.download.mode !== 'none') {
		item.binary = await downloadResults(ctx, current, settings.download, itemIndex, signal);
	}
	return item;
}

export async function submitAndComplete(
	ctx: IExecuteFunctions,
	request: SubmitRequest,
	settings: JobSettings,
	itemIndex: number,
	control: RunControl,
): Promise<INodeExecutionData> {
	if (settings.pause && control.pauseUnavailable === null) {
		const body = { ...request.body, callback: await resumeCallbackUrl(ctx) };
		const job = await submitJob(ctx, { ...request, body }, itemIndex, control);
		await pauseUntilCallback(ctx, job, settings.timeoutMs);
		// n8n replaces this with what webhook() returns when Legnext calls back.
		return { json: { ...toJobItem(job), waitMode: 'pause' } };
	}
	const callback = request.body.callback;
	const submit =
		typeof callback === 'string'
			? { ...request, body: { ...request.body, callback: await withTriggerToken(ctx, callback) } }
			: request;
	const job = await submitJob(ctx, submit, itemIndex, control);
	const item = await completeJobItem(ctx, job, settings, itemIndex, control.signal);
	if (settings.wait) {
		item.json.waitMode = 'poll';
		if (settings.pause) item.json.waitNote = control.pauseUnavailable;
	}
	return item;
}
