import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { callbackUrlNote, withTriggerToken } from '../../legnext/callback';
import { downloadResultFiles } from '../../legnext/download';
import { isFinished, parseJob, toJobItem, type LegnextJob } from '../../legnext/job';
import { resumeCallbackUrl } from '../../legnext/pause';
import { legnextRequest, mayHaveCreatedJob } from '../../legnext/client';
import { assertCompleted, pollUntilFinished } from '../../legnext/wait';
import type { JobSettings, RunControl } from './common';
import { earlierSubmit, recordSubmit, submitKey } from './submitLedger';

/** Submit a job once, then (when asked) wait for it and download its files: the path every submit operation takes. */

export interface SubmitRequest {
	path: string;
	body: IDataObject;
	/** For the "not enough credits" message: the price, or every price the call may have (from `creditsFor`). */
	creditsNeeded: number[];
	/** Extend: the source job, whose cost tells this call's (read for the budget guard). */
	creditsSourceJobId?: string;
	/** The item's Reference: in the output, and in a Trigger Callback URL's token segment. */
	reference?: string;
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

/**
 * Turns a submitted or read job into the node's output item, waiting and downloading as the settings say.
 * `wait` holds the fields that say how the node waited; they go before `raw` in the item.
 */
export async function completeJobItem(
	ctx: IExecuteFunctions,
	job: LegnextJob,
	settings: JobSettings,
	itemIndex: number,
	signal: AbortSignal | undefined,
	{
		failOnJobError = true,
		wait = {},
		creditsEstimated,
	}: { failOnJobError?: boolean; wait?: IDataObject; creditsEstimated?: number | null } = {},
): Promise<INodeExecutionData | INodeExecutionData[]> {
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
	const json = toJobItem(current, wait, creditsEstimated);
	if (current.status !== 'completed' || settings.download.mode === 'none') return { json };
	const files = await downloadResultFiles(ctx, current, settings.download, itemIndex, signal);
	if (!settings.split) {
		return { json, binary: Object.fromEntries(files.map(({ key, data }) => [key, data])) };
	}
	// Split Into Items: one item per file, each in the one binary field an upload node reads.
	return files.map(({ file, data }) => ({
		json: {
			jobId: current.jobId,
			fileNumber: file.number < 0 ? 'grid' : file.number,
			fileUrl: file.url,
			fileCount: files.length,
			taskType: current.taskType,
			status: current.status,
			...(creditsEstimated === undefined ? {} : { creditsEstimated }),
		},
		binary: { [settings.download.binaryProperty]: data },
	}));
}

export async function submitAndComplete(
	ctx: IExecuteFunctions,
	request: SubmitRequest,
	settings: JobSettings,
	itemIndex: number,
	control: RunControl,
): Promise<INodeExecutionData | INodeExecutionData[]> {
	if (settings.pause && control.pauseUnavailable === null) {
		const callback = await resumeCallbackUrl(ctx, itemIndex, control.itemCount > 1);
		const job = await submitJob(
			ctx,
			{ ...request, body: { ...request.body, callback } },
			itemIndex,
			control,
		);
		control.awaitCallback(job, settings.timeoutMs);
		return {
			json: toJobItem(
				job,
				{ reference: request.reference || null, waitMode: 'pause' },
				control.creditsEstimated,
			),
		};
	}
	const callback = request.body.callback;
	const submit =
		typeof callback === 'string'
			? {
					...request,
					body: {
						...request.body,
						callback: await withTriggerToken(ctx, callback, request.reference),
					},
				}
			: request;
	const job = await submitJob(ctx, submit, itemIndex, control);
	const wait: IDataObject = { reference: request.reference || null };
	if (settings.wait) wait.waitMode = 'poll';
	if (settings.wait && settings.pause) wait.waitNote = control.pauseUnavailable;
	const callbackNote = typeof callback === 'string' ? callbackUrlNote(ctx, callback) : null;
	if (callbackNote !== null) wait.callbackNote = callbackNote;
	return await completeJobItem(ctx, job, settings, itemIndex, control.signal, {
		wait,
		creditsEstimated: control.creditsEstimated,
	});
}
