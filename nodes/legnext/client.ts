/** Every Legnext call in this package goes through `legnextRequest`: credential, retries and failure handling live here once. */

import {
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type IWebhookFunctions,
} from 'n8n-workflow';

import {
	apiErrorMessage,
	cancelledError,
	networkErrorText,
	redirectText,
	submitMayHaveArrived,
	toNodeApiError,
	unreadableBodyText,
	type AttemptFailure,
} from './apiErrors';
import { credentialData, CREDENTIAL_TYPE } from './credential';
import { sleepUnlessAborted } from './sleep';

export const DEFAULT_BASE_URL = 'https://api.legnext.ai';

export type LegnextContext = IExecuteFunctions | IWebhookFunctions;

interface LegnextRequest {
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
