import { createHmac, timingSafeEqual } from 'crypto';
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { isFinished, parseJob, unwrapCallbackBody, type LegnextJob } from './job';
import { readApiKey } from './client';
import { readJob } from './wait';

/**
 * Legnext callbacks are unsigned, so anyone who learns the URL can forge one. A callback is a hint:
 * it must carry our token, and (by default) the job is re-read from the API, whose answer is what fires.
 */

export const MAX_CALLBACK_BYTES = 1024 * 1024;
/** A job object is a few levels deep; far deeper bodies only cost memory and break serialisation downstream. */
export const MAX_CALLBACK_DEPTH = 16;

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CallbackCheck {
	/** The call must carry one of these, in the URL's path or in `?token=` (an empty one matches no call). */
	expectedTokens: string[];
	/** Re-read the job from the API and use that answer. */
	confirmWithApi: boolean;
}

/** A refused call gets a 4xx/5xx; a progress call (job not finished) gets a 2xx and starts nothing too. */
export type CallbackVerdict =
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

/** A URL token only the API key's holder can make: an HMAC of `<purpose>:<id>` keyed by the key. */
export function keyedToken(apiKey: string, purpose: string, id: string): string {
	return createHmac('sha256', apiKey).update(`${purpose}:${id}`).digest('hex').slice(0, 32);
}

/**
 * The Trigger's token when its Secret Token is left empty, derived from its webhook ID.
 * A Legnext Video node with the same credential can compute it, a forger cannot.
 */
export function derivedTriggerToken(apiKey: string, webhookId: string, reference = ''): string {
	// A reference is covered by the token: a caller who changes it has no matching token.
	return reference === ''
		? keyedToken(apiKey, 'legnext-trigger', webhookId)
		: keyedToken(apiKey, 'legnext-trigger-reference', `${webhookId}\n${reference}`);
}

/** Joins a token and a reference into one path segment: `<token>~<reference, base64url>`. */
const REFERENCE_SEPARATOR = '~';
export const MAX_REFERENCE_LENGTH = 256;

function tokenSegment(token: string, reference: string): string {
	if (reference === '') return token;
	return `${token}${REFERENCE_SEPARATOR}${Buffer.from(reference, 'utf8').toString('base64url')}`;
}

/**
 * A path token segment split into its token and its reference (`null` when it carries none or one that does not
 * decode). The reference rides in the path beside the token, so it survives a sender that drops the query string.
 */
export function splitTokenSegment(segment: string): { token: string; reference: string | null } {
	const at = segment.indexOf(REFERENCE_SEPARATOR);
	if (at < 0) return { token: segment, reference: null };
	const encoded = segment.slice(at + 1);
	const reference = Buffer.from(encoded, 'base64url').toString('utf8');
	const valid =
		/^[A-Za-z0-9_-]+$/.test(encoded) &&
		Buffer.from(reference, 'utf8').toString('base64url') === encoded &&
		reference.length <= MAX_REFERENCE_LENGTH;
	return { token: segment.slice(0, at), reference: valid ? reference : null };
}

/** A Legnext Video Trigger's URL (production or test): `/webhook[-test]/<webhookId>/callback`. */
const TRIGGER_PATH = /\/webhook(?:-test)?\/([0-9a-f-]{36})\/callback\/?$/i;

/**
 * Adds the derived token to a Callback URL that points at a Legnext Video Trigger and carries no token,
 * so users can paste the trigger's URL as it is. The token goes in the path, which survives a sender that
 * drops or rewrites the query string: `/webhook/<id>/callback` becomes `/webhook/<id>/<id>/<token>`, the
 * Trigger's path-token hook. Any other URL is returned unchanged.
 */
export async function withTriggerToken(
	ctx: IExecuteFunctions,
	callbackUrl: string,
	reference = '',
): Promise<string> {
	const url = new URL(callbackUrl);
	const match = TRIGGER_PATH.exec(url.pathname);
	if (!match || url.searchParams.has('token')) return callbackUrl;
	// The token opens that trigger: only this n8n's own webhook address may receive it.
	if (url.origin !== ownWebhookOrigin(ctx)) return callbackUrl;
	const webhookId = match[1].toLowerCase();
	const token = derivedTriggerToken(await readApiKey(ctx), webhookId, reference);
	const segment = tokenSegment(token, reference);
	url.pathname = url.pathname.replace(/\/callback\/?$/i, `/${match[1]}/${segment}`);
	return url.toString();
}

/** This n8n's webhook origin (WEBHOOK_URL), read from the resume URL n8n builds on it. */
function ownWebhookOrigin(ctx: IExecuteFunctions): string | null {
	try {
		return new URL(String(ctx.getWorkflowDataProxy(0).$execution.resumeUrl)).origin;
	} catch {
		return null;
	}
}

/** For the output: why a trigger-looking Callback URL got no token (it is not on this n8n), or null. */
export function callbackUrlNote(ctx: IExecuteFunctions, callbackUrl: string): string | null {
	const url = new URL(callbackUrl);
	if (!TRIGGER_PATH.test(url.pathname) || url.searchParams.has('token')) return null;
	const ownOrigin = ownWebhookOrigin(ctx);
	if (url.origin === ownOrigin) return null;
	return `The Callback URL is not on this n8n's webhook address (${ownOrigin ?? 'unknown'}), so no trigger token was added to it: a Legnext Video Trigger there refuses the call unless the URL carries its Secret Token as ?token=.`;
}

/** The token a call carries: the path's `:token` segment (the Trigger's path form), else `?token=`. */
export function tokenOfCall(ctx: IWebhookFunctions): unknown {
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

export function tokensMatch(given: unknown, expected: string): boolean {
	if (typeof given !== 'string') return false;
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
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
