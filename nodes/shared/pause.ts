import type {
	IBinaryKeyData,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { keyedToken, rejectCall, verifyCallback } from './callback';
import { downloadPolicy, downloadResults, readDownloadSettings } from './download';
import { toJobItem, type LegnextJob } from './job';
import { readApiKey } from './transport';

/**
 * Pause mode: the job is submitted with this execution's resume URL as its callback, and the execution
 * waits in n8n's database (no worker held, no requests sent) until Legnext calls, or until the deadline.
 */

/** Per-execution token in the resume URL: an HMAC of the execution ID keyed by the API key, so only we can make it. */
async function resumeToken(ctx: IExecuteFunctions | IWebhookFunctions): Promise<string> {
	return keyedToken(await readApiKey(ctx), 'legnext-resume', ctx.getExecutionId());
}

export async function resumeCallbackUrl(ctx: IExecuteFunctions): Promise<string> {
	const resumeUrl = String(ctx.getWorkflowDataProxy(0).$execution.resumeUrl);
	const url = new URL(resumeUrl);
	url.searchParams.set('token', await resumeToken(ctx));
	return url.toString();
}

/**
 * Whether the node runs as an AI agent's tool. n8n 1.x has no `isToolExecution` (it came with 2.0);
 * there the tool variant is the only sign: its type name ends in "Tool" (e.g. `legnextVideoTool`).
 */
export function isToolCall(ctx: IExecuteFunctions): boolean {
	if (typeof ctx.isToolExecution === 'function') return ctx.isToolExecution();
	return ctx.getNode().type.endsWith('Tool');
}

/** Why a run that asked for pause mode polls instead, or `null` when it can pause. */
export function pauseUnavailableReason(ctx: IExecuteFunctions, itemCount: number): string | null {
	if (isToolCall(ctx)) {
		return 'An AI tool call cannot pause the execution, so this job was polled instead.';
	}
	if (itemCount !== 1) {
		return `A paused execution resumes once, so with ${itemCount} items the jobs were polled instead.`;
	}
	return null;
}

/**
 * Puts the execution to wait for the job's callback. If the deadline passes first, n8n continues with
 * the node's input as its output, so that input is replaced by an item saying so (job ID included).
 */
export async function pauseUntilCallback(
	ctx: IExecuteFunctions,
	job: LegnextJob,
	timeoutMs: number,
): Promise<void> {
	const deadline = new Date(Date.now() + timeoutMs);
	const timedOut: INodeExecutionData = {
		json: toJobItem(job, {
			waitMode: 'pause',
			callbackReceived: false,
			error: `No callback from Legnext for job ${job.jobId} by ${deadline.toISOString()}. The job may still finish: read it with the "Get Job" operation and job ID ${job.jobId}.`,
		}),
		pairedItem: { item: 0 },
	};
	const executeData = ctx.getExecuteData();
	executeData.data = { ...executeData.data, main: [[timedOut]] };
	await ctx.putExecutionToWait(deadline);
}

/** The node's `webhook()` in pause mode: checks the call, confirms the job with the API, and resumes with it. */
export async function resumeFromCallback(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const expectedToken = await resumeToken(ctx);
	const verdict = await verifyCallback(ctx, {
		expectedTokens: [expectedToken],
		confirmWithApi: true,
	});
	if (!verdict.accepted) return rejectCall(ctx, verdict.status, verdict.reason);
	const { job } = verdict;
	// The API echoes the callback URL a job was given: a job submitted by another execution carries another token.
	if (job.callbackUrl !== null && !job.callbackUrl.includes(expectedToken)) {
		return rejectCall(ctx, 409, 'This job was not submitted by this execution');
	}

	const json = toJobItem(job, { waitMode: 'pause', callbackReceived: true });
	const settings = readDownloadSettings((name, fallback) => ctx.getNodeParameter(name, fallback));
	let binary: IBinaryKeyData | undefined;
	try {
		binary =
			job.status === 'completed' && settings.mode !== 'none'
				? await downloadResults(ctx, job, settings, 0, undefined, downloadPolicy.webhookBudgetMs)
				: undefined;
	} catch (error) {
		// The execution keeps waiting, so Legnext's repeat of this call can still resume it.
		const reason = error instanceof Error ? error.message : String(error);
		return rejectCall(ctx, 503, `Execution not resumed: ${reason}`);
	}
	return { workflowData: [[{ json, ...(binary ? { binary } : {}), pairedItem: { item: 0 } }]] };
}
