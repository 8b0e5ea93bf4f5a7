/**
 * Pause mode: every item's job is submitted with this execution's resume URL as its callback, and the
 * execution waits once in n8n's database (no worker held, no requests sent) until Legnext has called back
 * for every job, or until the deadline.
 *
 * n8n keeps no state between two calls of a waiting node's webhook() (test/probes/batch-pause/FINDINGS.md),
 * so a callback is only a wake-up: the jobs are stored as the node's input when it pauses, and each call asks
 * Legnext which of them are still rendering. The callback of the job that ended last resumes the run with every item.
 */

import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { stillRendering } from './batchResume';
import { rejectCall, verifyCallback } from './callback';
import { keyedToken } from './callbackTokens';
import { readApiKey } from './credential';
import { readDownloadSettings } from './downloadParameters';
import { toJobItem, type LegnextJob } from './job';
import { downloadForWebhook } from './resultFiles';
import { InputChecker } from './validation';

/**
 * Per-execution token in the resume URL: an HMAC of the execution ID (and, in a batch, the job's index)
 * keyed by the API key, so only we can make it. A single job's URL carries no index, as in 0.1.
 */
function resumeToken(apiKey: string, executionId: string, jobIndex: number | null): string {
	return keyedToken(
		apiKey,
		'legnext-resume',
		jobIndex === null ? executionId : `${executionId}:${jobIndex}`,
	);
}

/** The resume URL for item `itemIndex`'s job; in a batch (`batch`) it names the item as `job=`. */
export async function resumeCallbackUrl(
	ctx: IExecuteFunctions,
	itemIndex: number,
	batch: boolean,
): Promise<string> {
	const url = new URL(String(ctx.getWorkflowDataProxy(0).$execution.resumeUrl));
	const jobIndex = batch ? itemIndex : null;
	if (jobIndex !== null) url.searchParams.set('job', String(jobIndex));
	url.searchParams.set('token', resumeToken(await readApiKey(ctx), ctx.getExecutionId(), jobIndex));
	return url.toString();
}

/** What the node adds to a job's own fields (Reference, budget estimate): kept across the wait. */
function addedFields(json: IDataObject | undefined): {
	reference: string | null;
	creditsEstimated: number | null | undefined;
} {
	const estimate = json?.creditsEstimated;
	return {
		reference: typeof json?.reference === 'string' ? json.reference : null,
		creditsEstimated: typeof estimate === 'number' || estimate === null ? estimate : undefined,
	};
}

/** A job waiting for its callback, as stored in the node's input while the execution waits. */
function awaitingItem(
	job: LegnextJob,
	deadline: Date,
	itemIndex: number,
	submitted: IDataObject,
): INodeExecutionData {
	const { reference, creditsEstimated } = addedFields(submitted);
	return {
		json: toJobItem(
			job,
			{
				reference,
				waitMode: 'pause',
				callbackReceived: false,
				error: `No callback from Legnext for job ${job.jobId} by ${deadline.toISOString()}. The job may still finish: read it with the "Get Job" operation and job ID ${job.jobId}.`,
			},
			creditsEstimated,
		),
		pairedItem: { item: itemIndex },
	};
}

/** The job ID of a stored item still waiting for its callback, else `null` (the item is final already). */
function awaitedJobId(item: INodeExecutionData | undefined): string | null {
	const json = item?.json;
	return json?.waitMode === 'pause' &&
		json.callbackReceived === false &&
		typeof json.jobId === 'string'
		? json.jobId
		: null;
}

/**
 * Puts the execution to wait for the callbacks of `awaited` (item index to job); the other items of `items`
 * are final already (a failed item under Continue On Fail). If the deadline passes first, n8n continues
 * with the node's input as its output, so that input is replaced by the items, each awaited one saying
 * that no callback came (job ID included).
 */
export async function pauseUntilCallbacks(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	awaited: Map<number, LegnextJob>,
	timeoutMs: number,
): Promise<INodeExecutionData[]> {
	const deadline = new Date(Date.now() + timeoutMs);
	const stored = items.map((item, itemIndex) => {
		const job = awaited.get(itemIndex);
		return job
			? awaitingItem(job, deadline, itemIndex, item.json)
			: { ...item, pairedItem: { item: itemIndex } };
	});
	const executeData = ctx.getExecuteData();
	executeData.data = { ...executeData.data, main: [stored] };
	await ctx.putExecutionToWait(deadline);
	// n8n replaces this with what webhook() returns when a callback finds every job finished.
	return stored;
}

/**
 * How long a started resume keeps other callbacks of its execution away. n8n marks the execution running
 * within moments of the resume; after that it answers further callbacks 409 itself, before webhook() runs.
 */
const RESUME_CLAIM_MS = 30_000;

/** Executions of this n8n process whose resume a callback has started, with when it started. */
const resumesStarted = new Map<string, number>();

function resumeStarted(executionId: string): boolean {
	const started = resumesStarted.get(executionId);
	return started !== undefined && Date.now() - started < RESUME_CLAIM_MS;
}

/**
 * Claims the resume of an execution for this call; false when another call of this process holds it. A repeated
 * callback (Legnext retries) can arrive while the first one's resume runs: it answers without reading or
 * downloading the batch again. n8n 2.x would let only one resume win, but n8n 1.x resumes once per such call.
 */
function claimResume(executionId: string): boolean {
	const now = Date.now();
	for (const [id, started] of resumesStarted) {
		if (now - started >= RESUME_CLAIM_MS) resumesStarted.delete(id);
	}
	if (resumesStarted.has(executionId)) return false;
	resumesStarted.set(executionId, now);
	return true;
}

/** How long after a job's end its callback is taken to be still on its way (racing this one). */
const CALLBACK_RACE_MS = 30_000;

/**
 * Whether another job of the batch ended after the called one, so recently that its callback is on its way:
 * then that callback resumes the run. The choice is the same in every process (queue mode with several webhook
 * processes, where the claim above does not reach, and n8n 1.x resumes once per call that returns the items).
 */
function laterCallbackResumes(finished: Map<number, LegnextJob>, calledIndex: number): boolean {
	const endOf = (job: LegnextJob | undefined) => Date.parse(job?.endedAt ?? '');
	const calledEnd = endOf(finished.get(calledIndex));
	if (Number.isNaN(calledEnd)) return false;
	return [...finished].some(([itemIndex, job]) => {
		const end = endOf(job);
		if (Number.isNaN(end) || itemIndex === calledIndex) return false;
		const later = end > calledEnd || (end === calledEnd && itemIndex > calledIndex);
		return later && Date.now() - end < CALLBACK_RACE_MS;
	});
}

/** The items stored when the node paused: n8n hands them to webhook() as the node's input. */
function storedItems(ctx: IWebhookFunctions): INodeExecutionData[] {
	const items = ctx.evaluateExpression('{{ $input.all() }}', 0);
	return Array.isArray(items) ? (items as INodeExecutionData[]) : [];
}

/** The `job=` index of a batch callback; `null` for a single job's URL, `NaN` for anything malformed. */
function jobIndexOfCall(ctx: IWebhookFunctions): number | null {
	const given = (ctx.getQueryData() as IDataObject).job;
	if (given === undefined) return null;
	return typeof given === 'string' && /^\d{1,6}$/.test(given) ? Number(given) : NaN;
}

/**
 * The node's `webhook()` in pause mode: checks the call (token, job confirmed with the API, job of this
 * execution), answers at once, and resumes the run only when no job of the batch is still rendering.
 */
export async function resumeFromCallback(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const jobIndex = jobIndexOfCall(ctx);
	if (Number.isNaN(jobIndex)) return rejectCall(ctx, 401, 'Missing or wrong token');
	const expectedToken = resumeToken(await readApiKey(ctx), ctx.getExecutionId(), jobIndex);
	const verdict = await verifyCallback(ctx, {
		expectedTokens: [expectedToken],
		confirmWithApi: true,
	});
	if (!verdict.accepted) return rejectCall(ctx, verdict.status, verdict.reason);
	const { job } = verdict;
	const stored = storedItems(ctx);
	const calledIndex = jobIndex ?? 0;
	// The token binds the call to an item; the stored item says which job that item submitted.
	if (awaitedJobId(stored[calledIndex]) !== job.jobId) {
		return rejectCall(ctx, 409, 'This job was not submitted by this execution');
	}
	const executionId = ctx.getExecutionId();
	const resumedElsewhere = `Job ${job.jobId} noted; another callback of this run is resuming it`;
	if (resumeStarted(executionId)) return rejectCall(ctx, 200, resumedElsewhere);

	const finished = new Map<number, LegnextJob>([[calledIndex, job]]);
	const others = new Map<number, string>();
	stored.forEach((item, itemIndex) => {
		const jobId = awaitedJobId(item);
		if (jobId !== null && itemIndex !== calledIndex) others.set(itemIndex, jobId);
	});
	if (others.size > 0) {
		const check = await stillRendering(ctx, others).catch(() => null);
		if (check === null) return rejectCall(ctx, 503, 'Could not read the other jobs of this run');
		if (check.rendering > 0) {
			return rejectCall(
				ctx,
				200,
				`Job ${job.jobId} noted; ${check.rendering} other job(s) of this run still rendering`,
			);
		}
		for (const [itemIndex, otherJob] of check.finished) finished.set(itemIndex, otherJob);
		if (laterCallbackResumes(finished, calledIndex)) {
			return rejectCall(
				ctx,
				200,
				`Job ${job.jobId} noted; the callback of the job that ended last resumes the run`,
			);
		}
	}
	if (!claimResume(executionId)) return rejectCall(ctx, 200, resumedElsewhere);

	const settings = readDownloadSettings(new InputChecker(ctx, 0));
	try {
		const resumed = await Promise.all(
			stored.map(async (item, itemIndex): Promise<INodeExecutionData> => {
				const done = finished.get(itemIndex);
				if (done === undefined) return { ...item, pairedItem: { item: itemIndex } };
				const { reference, creditsEstimated } = addedFields(item.json);
				const json = toJobItem(
					done,
					{ reference, waitMode: 'pause', callbackReceived: true },
					creditsEstimated,
				);
				const binary = await downloadForWebhook(ctx, done, settings, itemIndex);
				return { json, ...(binary ? { binary } : {}), pairedItem: { item: itemIndex } };
			}),
		);
		return { workflowData: [resumed] };
	} catch (error) {
		// The execution keeps waiting, so Legnext's repeat of this call (or another job's call) can still resume it.
		resumesStarted.delete(executionId);
		const reason = error instanceof Error ? error.message : String(error);
		return rejectCall(ctx, 503, `Execution not resumed: ${reason}`);
	}
}
