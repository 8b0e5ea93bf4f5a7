/**
 * The wording of every error a Legnext call ends in: what each status means for the user, what a 404 means for
 * each kind of call, and what a failed connection was. The key and URL tokens never reach these texts.
 */

import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type JsonObject,
} from 'n8n-workflow';

import { describeCredits } from './credits';
import { redactUrlSecrets } from './secrets';

/** The node a message is about; both the execute and the webhook context give it. */
type NodeContext = Pick<IExecuteFunctions, 'getNode'>;

/** The parts of a Legnext call that its error message depends on. */
interface FailedCall {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	itemIndex?: number;
	creditsNeeded?: readonly number[];
}

/** Why an attempt failed, and whether trying again can help. */
export interface AttemptFailure {
	status: number | null;
	apiMessage: string;
	retryAfterMs: number | null;
	/** The API said it refused the call, so repeating it cannot create a second job. */
	refusedByApi: boolean;
	transient: boolean;
}

/** Both error shapes: `{code, message}` and the job-shaped `{job_id:"", error:{code, message}}`. */
export function apiErrorMessage(body: IDataObject): string {
	const error = (body.error ?? {}) as IDataObject;
	const candidates = [error.message, body.message, error.raw_message, body.raw_message];
	const text = candidates.find((c) => typeof c === 'string' && c.trim() !== '');
	return typeof text === 'string' ? text.trim() : '';
}

export function networkErrorText(error: unknown): string {
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
export function redirectText(baseUrl: string, location: unknown): string {
	const value = Array.isArray(location) ? location[0] : location;
	if (typeof value !== 'string' || value === '') return 'a redirect without a target';
	try {
		const target = new URL(value, baseUrl);
		return `a redirect to ${target.origin}${target.pathname}`;
	} catch {
		return 'a redirect to an unreadable address';
	}
}

export function unreadableBodyText(body: unknown): string {
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
type CallKind = 'jobRead' | 'followUp' | 'submit' | 'account';

export function callKindOf(request: Pick<FailedCall, 'method' | 'path' | 'body'>): CallKind {
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
export function submitMayHaveArrived(failure: AttemptFailure): boolean {
	if (failure.refusedByApi) return false;
	return failure.status === null || failure.status >= 500 || failure.status < 300;
}

export function toNodeApiError(
	ctx: NodeContext,
	request: FailedCall,
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
	ctx: NodeContext,
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
function redact(text: string, apiKey: string): string {
	const withoutTokens = redactUrlSecrets(text);
	if (apiKey.length < 4) return withoutTokens;
	return withoutTokens.split(apiKey).join('[redacted]');
}
