import {
	NodeApiError,
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type IWebhookFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { describeCredits } from './credits';
import { redactUrlSecrets } from './secrets';
import { sleepUnlessAborted } from './sleep';

/** Every Legnext call in this package goes through `legnextRequest`: auth, retries and error mapping live here once. */

export const CREDENTIAL_TYPE = 'legnextVideoApi';
export const DEFAULT_BASE_URL = 'https://api.legnext.ai';

export type LegnextContext = IExecuteFunctions | IWebhookFunctions;

export interface LegnextRequest {
	method: IHttpRequestMethods;
	/** Path below the base URL, e.g. `/api/v1/job/<id>`. */
	path: string;
	body?: IDataObject;
	itemIndex?: number;
	/** Aborts the request and any backoff sleep (the execution's cancel signal). */
	signal?: AbortSignal;
	/** Credits the call may spend (one price, or each it may have), quoted when the account runs short (402). */
	creditsNeeded?: readonly number[];
	/** Fewer tries than the policy's, for callers that must answer quickly. */
	maxAttempts?: number;
}

/**
 * Retry timing. Reads (GET) are retried on 429, 5xx, unreadable bodies and network errors;
 * submits (POST spend credits) only on 429, where the API said it did not take the job.
 * Exported so tests can shorten the delays; the production values are these.
 */
export const retryPolicy = {
	maxAttempts: 6,
	baseDelayMs: 1000,
	maxDelayMs: 30_000,
	maxRetryAfterMs: 120_000,
	requestTimeoutMs: 60_000,
};

interface RawResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** Why an attempt failed, and whether trying again can help. */
interface AttemptFailure {
	status: number | null;
	apiMessage: string;
	retryAfterMs: number | null;
	/** The API said it refused the call, so repeating it cannot create a second job. */
	refusedByApi: boolean;
	transient: boolean;
}

/**
 * n8n loads and decrypts a credential on every read, and in a webhook n8n 2.x also starts an expression isolate
 * for it: 0.1-0.9 s a read on a busy 2-core machine, seconds when a batch's callbacks come together. So one webhook
 * call reads it once, for its token and all its requests. A failed read is not kept: each caller reports it.
 */
const credentialOfWebhookCall = new WeakMap<object, Promise<ICredentialDataDecryptedObject>>();

async function credentialData(ctx: LegnextContext): Promise<ICredentialDataDecryptedObject> {
	// Only a webhook call has a request; a node run may last minutes, so it reads the credential each time.
	if (!('getRequestObject' in ctx)) return await ctx.getCredentials(CREDENTIAL_TYPE);
	let read = credentialOfWebhookCall.get(ctx);
	if (read === undefined) {
		read = ctx.getCredentials(CREDENTIAL_TYPE);
		credentialOfWebhookCall.set(ctx, read);
		read.catch(() => credentialOfWebhookCall.delete(ctx));
	}
	return await read;
}

/** The API key alone, for the tokens derived from it (callback URLs); never sent anywhere. */
export async function readApiKey(ctx: LegnextContext): Promise<string> {
	const credentials = await credentialData(ctx);
	return String(credentials.apiKey ?? '');
}

interface LegnextCredential {
	baseUrl: string;
	apiKey: string;
	/** Handed to n8n's `authenticate` with each request, so n8n does not read the credential again. */
	data: ICredentialDataDecryptedObject;
}

/** The key is read only to keep it out of error texts; the header itself comes from the credential's `authenticate`. */
async function readCredential(ctx: LegnextContext, itemIndex?: number): Promise<LegnextCredential> {
	const credentials = await credentialData(ctx).catch((error: unknown) => {
		// n8n's own message for this ("Node does not have any credentials set") names neither the field nor the item.
		if (ctx.getNode().credentials?.[CREDENTIAL_TYPE] !== undefined) throw error;
		throw new NodeOperationError(
			ctx.getNode(),
			`Credential to connect with is empty: no Legnext Video API credential is selected${itemIndex === undefined ? '' : ` (item ${itemIndex})`}`,
			{
				itemIndex,
				description:
					'Choose or create a "Legnext Video API" credential (API key and base URL) in the node\u2019s "Credential to connect with" field.',
			},
		);
	});
	const baseUrl = normalizeBaseUrl(String(credentials.baseUrl ?? '')) || DEFAULT_BASE_URL;
	if (!/^https?:\/\/[^\s/?#]+[^\s]*$/i.test(baseUrl)) {
		// The value is not quoted: a key pasted into the wrong field must not show up in the error.
		throw new NodeOperationError(
			ctx.getNode(),
			`Base URL of the Legnext Video API credential must be an http:// or https:// URL${itemIndex === undefined ? '' : ` (item ${itemIndex})`}`,
			{ itemIndex, description: `Use ${DEFAULT_BASE_URL} unless you go through a gateway.` },
		);
	}
	return { baseUrl, apiKey: String(credentials.apiKey ?? ''), data: credentials };
}

/**
 * The API's root, whatever form the user pasted: Legnext's docs and OpenAPI `servers` write the base as
 * `https://api.legnext.ai/api` (paths then start at `/v1`), while this package's paths start at `/api`.
 * Trailing slashes and one trailing `/api` are dropped, so both forms reach `/api/v1/...`, never `/api/api/...`.
 */
export function normalizeBaseUrl(baseUrl: string): string {
	return baseUrl
		.trim()
		.replace(/\/+$/, '')
		.replace(/\/api$/i, '');
}

/** Errors of calls that failed for a passing reason (no answer, 429, 5xx, an unreadable body): a later call may succeed. */
const transientErrors = new WeakSet<object>();

/** Errors of submits that may have reached Legnext (no answer, 5xx, unreadable 2xx, stopped mid-call). */
const uncertainSubmitErrors = new WeakSet<object>();

/** Whether a submit that failed with this error may still have created (and charged) its job. */
export function mayHaveCreatedJob(error: unknown): boolean {
	return typeof error === 'object' && error !== null && uncertainSubmitErrors.has(error);
}

/** Whether `legnextRequest` gave up on a passing failure (after its retries) rather than on a refusal such as 401 or 404. */
export function isTransientError(error: unknown): boolean {
	return typeof error === 'object' && error !== null && transientErrors.has(error);
}

export async function legnextRequest(
	ctx: LegnextContext,
	request: LegnextRequest,
): Promise<IDataObject> {
	const credential = await readCredential(ctx, request.itemIndex);
	const { baseUrl, apiKey } = credential;
	const isSubmit = request.method !== 'GET';

	for (let attempt = 1; ; attempt++) {
		const outcome = await attemptOnce(ctx, credential, request);
		if (outcome.ok) return outcome.body;
		const { failure } = outcome;

		const retryable = isSubmit ? failure.status === 429 : failure.transient;
		const maxAttempts = request.maxAttempts ?? retryPolicy.maxAttempts;
		if (!retryable || attempt >= maxAttempts || request.signal?.aborted) {
			const error = toNodeApiError(ctx, request, failure, {
				apiKey,
				baseUrl,
				attempts: attempt,
			});
			if (failure.transient) transientErrors.add(error);
			if (isSubmit && submitMayHaveArrived(failure)) uncertainSubmitErrors.add(error);
			throw error;
		}
		await sleepUnlessAborted(backoffDelay(attempt, failure.retryAfterMs), request.signal);
	}
}

async function attemptOnce(
	ctx: LegnextContext,
	credential: LegnextCredential,
	request: LegnextRequest,
): Promise<{ ok: true; body: IDataObject } | { ok: false; failure: AttemptFailure }> {
	const { baseUrl } = credential;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: retryPolicy.requestTimeoutMs,
		abortSignal: request.signal,
		headers: { accept: 'application/json' },
		// A redirect would carry the x-api-key header (and a paid submit, for 307/308) to wherever it points.
		disableFollowRedirect: true,
	};
	if (request.body !== undefined) options.body = request.body;

	let response: RawResponse;
	try {
		const selected = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
		response = (await ctx.helpers.httpRequestWithAuthentication.call(
			ctx,
			CREDENTIAL_TYPE,
			options,
			{
				// The credential as read above: without it n8n would read (and decrypt) it again for each request.
				credentialsDecrypted: {
					id: selected?.id ?? '',
					name: selected?.name ?? '',
					type: CREDENTIAL_TYPE,
					data: { ...credential.data },
				},
			},
		)) as RawResponse;
	} catch (error) {
		if (request.signal?.aborted) {
			if (request.method === 'GET') throw cancelledError(ctx, request.itemIndex);
			const stopped = cancelledError(
				ctx,
				request.itemIndex,
				'The request had been sent when the execution was stopped, so Legnext may have created (and charged) the job; its ID never arrived. Look for it in your Legnext dashboard before running again.',
				'Stopped while submitting the Legnext job: the job may have been created',
			);
			uncertainSubmitErrors.add(stopped);
			throw stopped;
		}
		// No answer at all: a submit may still have reached Legnext, so it must not be repeated.
		const failure: AttemptFailure = {
			status: null,
			apiMessage: networkErrorText(error),
			retryAfterMs: null,
			refusedByApi: false,
			transient: true,
		};
		return { ok: false, failure };
	}

	const { statusCode, body } = response;
	if (statusCode >= 300 && statusCode < 400) {
		const failure: AttemptFailure = {
			status: statusCode,
			apiMessage: redirectText(baseUrl, response.headers?.location),
			retryAfterMs: null,
			refusedByApi: false,
			transient: false,
		};
		return { ok: false, failure };
	}
	const bodyObject = body !== null && typeof body === 'object' ? (body as IDataObject) : null;
	const embeddedCode = bodyObject ? embeddedErrorCode(bodyObject) : null;

	if (statusCode >= 200 && statusCode < 300 && bodyObject && embeddedCode === null) {
		return { ok: true, body: bodyObject };
	}
	const status = statusCode >= 200 && statusCode < 300 ? (embeddedCode ?? statusCode) : statusCode;
	const unreadable = bodyObject === null;
	const failure: AttemptFailure = {
		status,
		apiMessage: bodyObject ? apiErrorMessage(bodyObject) : unreadableBodyText(body),
		retryAfterMs: parseRetryAfter(response.headers?.['retry-after']),
		refusedByApi: status === 429,
		transient: status === 429 || status >= 500 || (unreadable && status < 300),
	};
	return { ok: false, failure };
}

/** Both error shapes: `{code, message}` and the job-shaped `{job_id:"", error:{code, message}}`. */
export function apiErrorMessage(body: IDataObject): string {
	const error = (body.error ?? {}) as IDataObject;
	const candidates = [error.message, body.message, error.raw_message, body.raw_message];
	const text = candidates.find((c) => typeof c === 'string' && c.trim() !== '');
	return typeof text === 'string' ? text.trim() : '';
}

/** A 2xx body can still carry an error: `{code: 401, ...}` or a job with `error.code` and no job id. */
function embeddedErrorCode(body: IDataObject): number | null {
	if (typeof body.code === 'number' && body.code >= 400 && !body.job_id) return body.code;
	const error = body.error as IDataObject | undefined;
	if (
		'job_id' in body &&
		!body.job_id &&
		error &&
		typeof error.code === 'number' &&
		error.code >= 400
	) {
		return error.code;
	}
	return null;
}

function parseRetryAfter(header: unknown): number | null {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string' && typeof value !== 'number') return null;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/** Capped exponential backoff with full jitter; a Retry-After from the API is a floor. */
export function backoffDelay(attempt: number, retryAfterMs: number | null): number {
	const ceiling = Math.min(retryPolicy.maxDelayMs, retryPolicy.baseDelayMs * 2 ** (attempt - 1));
	const jittered = ceiling / 2 + Math.random() * (ceiling / 2);
	if (retryAfterMs === null) return jittered;
	return Math.min(retryPolicy.maxRetryAfterMs, Math.max(retryAfterMs, jittered));
}

function networkErrorText(error: unknown): string {
	// n8n-core may wrap the socket error; look at it and at its cause.
	const e = error as {
		code?: unknown;
		message?: unknown;
		cause?: { code?: unknown; message?: unknown };
	};
	const code = [e?.code, e?.cause?.code].find((c): c is string => typeof c === 'string') ?? '';
	const message = [e?.message, e?.cause?.message].filter((m) => typeof m === 'string').join(' ');
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message)) {
		return 'the request timed out';
	}
	if (code === 'ECONNREFUSED') return 'the connection was refused';
	if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(message)) {
		return 'the connection was dropped';
	}
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name could not be resolved';
	return code ? `network error ${code}` : 'the connection failed without an answer';
}

/** Names where a redirect pointed (origin and path, never its query), so the user can fix the Base URL. */
function redirectText(baseUrl: string, location: unknown): string {
	const value = Array.isArray(location) ? location[0] : location;
	if (typeof value !== 'string' || value === '') return 'a redirect without a target';
	try {
		const target = new URL(value, baseUrl);
		return `a redirect to ${target.origin}${target.pathname}`;
	} catch {
		return 'a redirect to an unreadable address';
	}
}

function unreadableBodyText(body: unknown): string {
	const text = typeof body === 'string' ? body.trim() : '';
	if (text.startsWith('<')) return 'Legnext answered with an HTML page instead of JSON';
	if (text === '') return 'Legnext answered with an empty body';
	return 'Legnext answered with a body that is not valid JSON';
}

interface ErrorContext {
	apiKey: string;
	baseUrl: string;
	attempts: number;
}

const STATUS_ADVICE: Record<number, { message: string; description: string }> = {
	400: {
		message: 'Legnext rejected the request parameters',
		description: 'Check the field named in the message.',
	},
	401: {
		message: 'Legnext did not accept the API key',
		description: 'Check the API key (and Base URL) in the Legnext Video API credential.',
	},
	402: {
		message: 'Not enough Legnext credits',
		description: 'Top up your Legnext account, then run the workflow again.',
	},
	403: {
		message: 'Legnext refused the request',
		description:
			'The prompt or image may break the content rules, or the feature is not on your plan: rephrase the prompt or check your plan.',
	},
	413: {
		message: 'The request is too large for Legnext',
		description: 'Shorten the prompt or use fewer or smaller inputs.',
	},
	429: {
		message: 'Legnext is busy: too many jobs at once for this account',
		description:
			'Standard accounts run 6 jobs at a time. Lower "Max Concurrent Jobs" or run the workflow again later.',
	},
};

/**
 * What was called decides what a 404 means (Legnext's output-storage docs: job IDs stay readable, files are
 * kept 30 days, follow-ups only work on source jobs younger than 3 days).
 */
export type CallKind = 'jobRead' | 'followUp' | 'submit' | 'account';

export function callKindOf(request: Pick<LegnextRequest, 'method' | 'path' | 'body'>): CallKind {
	if (request.path.startsWith('/api/account/')) return 'account';
	if (request.method === 'GET') return 'jobRead';
	return typeof request.body?.jobId === 'string' ? 'followUp' : 'submit';
}

const NOT_FOUND_ADVICE: Record<CallKind, { message: string; description: string }> = {
	jobRead: {
		message: 'Legnext does not know this job',
		description:
			'Check the job ID (and that it belongs to this API key): Legnext keeps job IDs readable and result files for 30 days.',
	},
	followUp: {
		message: 'Legnext refused the follow-up: the source job is unknown or too old',
		description:
			'Extend, upscale and animate only work on source jobs younger than 3 days. Check the job ID, or start again from a newer job.',
	},
	submit: {
		message: 'Legnext does not offer this endpoint at this Base URL',
		description:
			'Check the Base URL in the Legnext API credential: use https://api.legnext.ai (or your gateway).',
	},
	account: {
		message: 'Legnext does not offer this account endpoint at this Base URL',
		description:
			'Check the Base URL in the Legnext API credential: use https://api.legnext.ai (or your gateway). A 404 here is not about a job.',
	},
};

function adviceFor(
	status: number | null,
	kind: CallKind,
): {
	message: string;
	description: string;
} {
	if (status === 404) return NOT_FOUND_ADVICE[kind];
	if (status !== null && STATUS_ADVICE[status]) return STATUS_ADVICE[status];
	if (status === 422) return STATUS_ADVICE[400];
	if (status !== null && status >= 300 && status < 400) {
		return {
			message: `The Legnext Base URL answered with a redirect (HTTP ${status}), which was not followed`,
			description:
				'The API key is sent to the Base URL only, never to where a redirect points, and a submit is never re-sent there. Set the Base URL to the address the API itself answers at (https://api.legnext.ai unless you use a gateway).',
		};
	}
	if (status !== null && status >= 200 && status < 300) {
		// Only an unreadable body makes a 2xx a failure (an error code in the body replaces the status).
		return {
			message: `Legnext\u2019s answer could not be read (HTTP ${status})`,
			description: 'The answer was cut off or garbled on the way, e.g. by a proxy.',
		};
	}
	if (status !== null && status >= 500) {
		return {
			message: `Legnext had a server error (HTTP ${status})`,
			description: 'This is on Legnext\u2019s side: run the workflow again later.',
		};
	}
	if (status === null) {
		return {
			message: 'Could not reach Legnext',
			description: 'Check the Base URL and the network, then retry.',
		};
	}
	return { message: `Legnext answered HTTP ${status}`, description: '' };
}

/** No answer, a server error, or a 2xx we could not read: the job may exist, so the submit is not repeated. */
function submitMayHaveArrived(failure: AttemptFailure): boolean {
	if (failure.refusedByApi) return false;
	return failure.status === null || failure.status >= 500 || failure.status < 300;
}

function toNodeApiError(
	ctx: LegnextContext,
	request: LegnextRequest,
	failure: AttemptFailure,
	context: ErrorContext,
): NodeApiError {
	const advice = adviceFor(failure.status, callKindOf(request));
	const detail = failure.apiMessage ? `: ${failure.apiMessage}` : '';
	const where = failure.status === null ? ` at ${context.baseUrl}` : '';
	const notes = [advice.description];
	if (failure.status === 402 && request.creditsNeeded && request.creditsNeeded.length > 0) {
		notes.push(`This call needs about ${describeCredits(request.creditsNeeded)}.`);
	}
	if (request.method !== 'GET' && submitMayHaveArrived(failure)) {
		notes.push(
			'The job may have been created anyway, so it was not sent again (you are never charged twice). Check your Legnext dashboard before re-running.',
		);
	}
	if (context.attempts > 1) notes.push(`Tried ${context.attempts} times.`);

	const message = redact(`${advice.message}${where}${detail}`, context.apiKey);
	const description = redact(notes.filter((n) => n !== '').join(' '), context.apiKey);
	const httpCode = failure.status === null ? null : String(failure.status);
	const errorResponse: JsonObject = { message, httpCode, description };
	return new NodeApiError(ctx.getNode(), errorResponse, {
		message,
		description,
		httpCode: httpCode ?? undefined,
		itemIndex: request.itemIndex,
	});
}

/** Thrown when the execution is stopped mid-call; the detail says what was left running. */
export function cancelledError(
	ctx: LegnextContext,
	itemIndex?: number,
	detail?: string,
	message = 'The execution was cancelled',
): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), message, {
		itemIndex,
		description: detail,
	});
}

/** The API key and URL tokens must never reach an error text, even when the API echoes them back. */
export function redact(text: string, apiKey: string): string {
	const withoutTokens = redactUrlSecrets(text);
	if (apiKey.length < 4) return withoutTokens;
	return withoutTokens.split(apiKey).join('[redacted]');
}
