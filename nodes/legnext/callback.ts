/**
 * Legnext callbacks are unsigned, so anyone who learns the URL can forge one. A callback is a hint:
 * it must carry our token, and (by default) the job is re-read from the API, whose answer is what fires.
 */

import {
	NodeOperationError,
	type IDataObject,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { splitTokenSegment, tokensMatch } from './callbackTokens';
import { isFinished, parseJob, unwrapCallbackBody, type LegnextJob } from './job';
import { readJob } from './wait';

export const MAX_CALLBACK_BYTES = 1024 * 1024;
/** A job object is a few levels deep; far deeper bodies only cost memory and break serialisation downstream. */
const MAX_CALLBACK_DEPTH = 16;

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface CallbackCheck {
	/** The call must carry one of these, in the URL's path or in `?token=` (an empty one matches no call). */
	expectedTokens: string[];
	/** Re-read the job from the API and use that answer. */
	confirmWithApi: boolean;
}

/** A refused call gets a 4xx/5xx; a progress call (job not finished) gets a 2xx and starts nothing too. */
type CallbackVerdict =
	| { accepted: true; job: LegnextJob }
	| { accepted: false; status: number; reason: string };

/**
 * Legnext's own front end handles callbacks for unfinished jobs, so a sender may report progress. Such a call
 * is not an error (a 4xx could make it retry): it is answered 200 and starts or resumes nothing.
 */
function progressCall(status: string): CallbackVerdict {
	return {
		accepted: false,
		status: 200,
		reason: `Job is ${status || 'not finished'}: a progress call, nothing started or resumed`,
	};
}

function refuse(status: number, reason: string): CallbackVerdict {
	return { accepted: false, status, reason };
}

/** The token a call carries: the path's `:token` segment (the Trigger's path form), else `?token=`. */
function tokenOfCall(ctx: IWebhookFunctions): unknown {
	const params = ctx.getParamsData() as IDataObject;
	if (typeof params.token === 'string' && params.token !== '') {
		return splitTokenSegment(params.token).token;
	}
	return (ctx.getQueryData() as IDataObject).token;
}

/** The reference a call's path token segment carries, or `null`. Trusted only once the token matched. */
export function referenceOfCall(ctx: IWebhookFunctions): string | null {
	const params = ctx.getParamsData() as IDataObject;
	return typeof params.token === 'string' ? splitTokenSegment(params.token).reference : null;
}

/** Callers answer within seconds, so the confirming read is retried only briefly. */
const CONFIRM_ATTEMPTS = 2;

export async function verifyCallback(
	ctx: IWebhookFunctions,
	check: CallbackCheck,
): Promise<CallbackVerdict> {
	const headers = ctx.getHeaderData();
	const declared = Number(headers['content-length'] ?? 0);
	// A chunked request declares no length: count the bytes n8n received too.
	const rawBody = (ctx.getRequestObject() as { rawBody?: unknown }).rawBody;
	const received = Buffer.isBuffer(rawBody) ? rawBody.length : 0;
	if (Math.max(declared, received) > MAX_CALLBACK_BYTES) {
		return refuse(413, 'Callback body is too large');
	}

	const given = tokenOfCall(ctx);
	if (!check.expectedTokens.some((expected) => expected !== '' && tokensMatch(given, expected))) {
		return refuse(401, 'Missing or wrong token');
	}

	// n8n has parsed the body already; anything but a JSON job object ends here.
	const parsedBody = ctx.getBodyData();
	if (depthExceeds(parsedBody, MAX_CALLBACK_DEPTH))
		return refuse(400, 'Callback body is nested too deeply');
	const body = unwrapCallbackBody(parsedBody);
	if (!body) return refuse(400, 'Callback body holds no Legnext job (no job_id)');
	const claimed = parseJob(body);
	// The ID goes into the confirming read's path: `..` or `a/b` would read another API path.
	if (!JOB_ID.test(claimed.jobId)) return refuse(400, 'Callback job_id is not a Legnext job ID');
	// A call that reports an unfinished job is progress, not a claim: nothing to confirm, nothing to start.
	if (claimed.status !== '' && !isFinished(claimed)) return progressCall(claimed.status);
	if (!check.confirmWithApi) {
		return isFinished(claimed) ? { accepted: true, job: claimed } : progressCall(claimed.status);
	}

	let confirmed: LegnextJob;
	try {
		confirmed = await readJob(ctx, claimed.jobId, 0, undefined, CONFIRM_ATTEMPTS);
	} catch (error) {
		const code = Number((error as { httpCode?: unknown }).httpCode);
		// The API does not know the job: a forgery or a stale call. Anything else may pass, so ask for a retry.
		if (code === 404) return refuse(404, 'Unknown job');
		// A set-up problem of this node (no credential, a bad Base URL) is named; API details are not.
		if (error instanceof NodeOperationError) {
			return refuse(503, `Could not confirm the job with Legnext: ${error.message}`);
		}
		return refuse(503, 'Could not confirm the job with Legnext');
	}
	// A call that claimed nothing is progress; one that claimed an end the API does not show yet may be early, so
	// 409 asks the sender to try again.
	if (!isFinished(confirmed)) {
		return claimed.status === ''
			? progressCall(confirmed.status)
			: refuse(409, 'Legnext says the job is not finished');
	}
	if (claimed.status !== '' && claimed.status !== confirmed.status) {
		return refuse(409, 'Legnext does not confirm the job status');
	}
	return { accepted: true, job: confirmed };
}

/** Whether a parsed JSON value nests deeper than `limit` (walked without recursion, so no stack is at risk). */
function depthExceeds(value: unknown, limit: number): boolean {
	const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
	while (pending.length > 0) {
		const next = pending.pop() as { value: unknown; depth: number };
		if (next.value === null || typeof next.value !== 'object') continue;
		if (next.depth >= limit) return true;
		for (const child of Object.values(next.value))
			pending.push({ value: child, depth: next.depth + 1 });
	}
	return false;
}

/**
 * Answers a refused call ourselves and tells n8n to start nothing. The sender sees only the status, so the
 * refusal also goes to the n8n log, where the workflow's owner can find why nothing ran.
 */
export function rejectCall(
	ctx: IWebhookFunctions,
	status: number,
	reason: string,
): IWebhookResponseData {
	// A 2xx here is a progress call: acknowledged, not refused, so nothing to warn about.
	if (status >= 300) {
		ctx.logger.warn(
			`Legnext callback refused by node "${ctx.getNode().name}" of workflow ${ctx.getWorkflow().id ?? '(unsaved)'}: ${status} ${reason}`,
		);
	}
	ctx
		.getResponseObject()
		.status(status)
		.json(status < 300 ? { ok: true, ignored: reason } : { ok: false, error: reason });
	return { noWebhookResponse: true };
}
