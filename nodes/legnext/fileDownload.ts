/**
 * One result file into n8n's binary store: streamed, never held whole in memory, and fetched without the
 * credential (result URLs live on a CDN that must not see the API key). A watchdog bounds every try.
 */

import {
	NodeApiError,
	NodeOperationError,
	type IExecuteFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { cancelledError } from './apiErrors';
import { backoffDelay, type LegnextContext } from './client';
import { sleepUnlessAborted } from './sleep';

/** A file a finished job offers, as `resultFiles` lists it. */
export interface ResultFile {
	url: string;
	/** 0-3 for results; -1 for an image job's grid. */
	number: number;
	fileName: string;
	mimeType: string;
}

type BinaryInput = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

/**
 * Bounds of one file's download, so no CDN can hold an execution, the Trigger or a pause resume without end.
 * Exported so tests can shorten them; the production values are these.
 */
export const downloadPolicy = {
	attempts: 3,
	/** Connect and answer: no response headers within this ends the try. */
	answerTimeoutMs: 30_000,
	/** Between two chunks of the body. */
	stallTimeoutMs: 30_000,
	/** One try of one file, however steadily it trickles. */
	maxFileMs: 10 * 60_000,
	/** All files of one call to a webhook (Trigger, pause resume): its caller waits for the answer. */
	webhookBudgetMs: 2 * 60_000,
};

/** Content types that say nothing about the file, so they cannot be wrong. */
const NEUTRAL_TYPES = ['', 'application/octet-stream', 'binary/octet-stream'];

/** The host of a result URL for messages (its signed query stays out), or null for a URL we do not fetch. */
function downloadableHost(url: string): string | null {
	try {
		const parsed = new URL(url);
		return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.host : null;
	} catch {
		return null;
	}
}

/** Why a response is not the file the job promised (a CDN's "link expired" page, a JSON error), or null. */
function contentTypeProblem(header: unknown, expectedMimeType: string): string | null {
	const value = Array.isArray(header) ? header[0] : header;
	const type = String(value ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
	const kind = expectedMimeType.split('/')[0];
	if (NEUTRAL_TYPES.includes(type) || type.startsWith(`${kind}/`)) return null;
	return `the server sent ${type} instead of ${kind === 'video' ? 'a video' : 'an image'}`;
}

/** The part of a response stream the watchdog uses: every chunk passes through its `emit('data')`. */
interface EmittingStream {
	emit: (event: string | symbol, ...args: unknown[]) => boolean;
}

/**
 * Runs `transfer` while a watchdog aborts `abort` when no bytes arrive for too long (no answer, a stalled
 * body) or the try takes too long overall. Bytes are counted where the stream emits them, without reading
 * it: the binary store stays the only consumer.
 */
async function watchTransfer<T>(
	abort: AbortController,
	transfer: (onBody: (body: EmittingStream) => void) => Promise<T>,
	deadline: number,
): Promise<{ result: T } | { stopped: string }> {
	const started = Date.now();
	let lastProgress = started;
	let answered = false;
	let stopped = '';
	const done = new AbortController();
	const watchdog = (async () => {
		const checkMs = Math.max(
			10,
			Math.min(downloadPolicy.answerTimeoutMs, downloadPolicy.stallTimeoutMs) / 5,
		);
		while (!done.signal.aborted && !abort.signal.aborted) {
			await sleepUnlessAborted(checkMs, done.signal).catch(() => undefined);
			const now = Date.now();
			if (done.signal.aborted) return;
			if (!answered && now - started > downloadPolicy.answerTimeoutMs) {
				stopped = `no answer within ${seconds(downloadPolicy.answerTimeoutMs)}`;
			} else if (answered && now - lastProgress > downloadPolicy.stallTimeoutMs) {
				stopped = `the server stopped sending data for ${seconds(downloadPolicy.stallTimeoutMs)}`;
			} else if (now - started > downloadPolicy.maxFileMs) {
				stopped = `the download took longer than ${seconds(downloadPolicy.maxFileMs)}`;
			} else if (now > deadline) {
				stopped = 'the time allowed for downloading the files ran out';
			}
			if (stopped !== '') abort.abort();
		}
	})();
	const onBody = (body: EmittingStream) => {
		lastProgress = Date.now();
		answered = true;
		const emit = body.emit.bind(body);
		body.emit = (event, ...args) => {
			if (event === 'data') lastProgress = Date.now();
			return emit(event, ...args);
		};
	};
	const outcome = await transfer(onBody).then(
		(result) => ({ result }),
		() => ({ stopped: 'the connection failed' }),
	);
	done.abort();
	await watchdog;
	return stopped !== '' ? { stopped } : outcome;
}

function seconds(ms: number): string {
	return `${Math.round(ms / 100) / 10} s`;
}

type BinaryFile = Awaited<ReturnType<IExecuteFunctions['helpers']['prepareBinaryData']>>;

type AttemptResult =
	| { kind: 'file'; file: BinaryFile }
	| { kind: 'wrongType'; problem: string }
	| { kind: 'failed'; status: number | null; reason: string };

/** One try at one file, bounded by the watchdog; failures come back as values, never thrown. */
async function downloadOnce(
	ctx: LegnextContext,
	file: ResultFile,
	abort: AbortController,
	deadline: number,
): Promise<AttemptResult> {
	let status: number | null = null;
	const outcome = await watchTransfer(
		abort,
		async (onBody): Promise<AttemptResult> => {
			const response = (await ctx.helpers.httpRequest({
				url: file.url,
				method: 'GET',
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				// No socket timeout here: the watchdog bounds the answer and the body and names which one failed.
				abortSignal: abort.signal,
			})) as {
				statusCode: number;
				headers: Record<string, unknown>;
				body: BinaryInput & EmittingStream & { destroy?: () => void };
			};
			status = response.statusCode;
			if (status < 200 || status >= 300) {
				response.body.destroy?.(); // the error page is not needed; free the socket
				return { kind: 'failed', status, reason: `HTTP ${status}` };
			}
			const problem = contentTypeProblem(response.headers?.['content-type'], file.mimeType);
			if (problem !== null) {
				response.body.destroy?.();
				return { kind: 'wrongType', problem };
			}
			onBody(response.body);
			const stored = await ctx.helpers.prepareBinaryData(
				response.body,
				file.fileName,
				file.mimeType,
			);
			return { kind: 'file', file: stored };
		},
		deadline,
	);
	return 'stopped' in outcome
		? { kind: 'failed', status, reason: outcome.stopped }
		: outcome.result;
}

export async function downloadFile(
	ctx: LegnextContext,
	jobId: string,
	file: ResultFile,
	itemIndex: number,
	signal: AbortSignal | undefined,
	deadline: number,
): Promise<BinaryFile> {
	const what = file.number < 0 ? 'the grid' : `result ${file.number}`;
	const host = downloadableHost(file.url);
	if (host === null) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Could not download ${what} of Legnext job ${jobId}: its URL is not an http(s) URL`,
			{ itemIndex, description: 'Only http:// and https:// result links are downloaded.' },
		);
	}
	for (let attempt = 1; ; attempt++) {
		const abort = new AbortController();
		const stop = () => abort.abort();
		signal?.addEventListener('abort', stop, { once: true });
		const result = signal?.aborted ? null : await downloadOnce(ctx, file, abort, deadline);
		signal?.removeEventListener('abort', stop);
		if (result === null || signal?.aborted) {
			throw cancelledError(ctx, itemIndex, `Result files of job ${jobId} were not downloaded.`);
		}
		if (result.kind === 'file') return result.file;
		if (result.kind === 'wrongType') {
			throw new NodeOperationError(
				ctx.getNode(),
				`Could not download ${what} of Legnext job ${jobId} from ${host}: ${result.problem}`,
				{
					itemIndex,
					description:
						'A file server answers with a page like this when a link expired or is blocked. Read the job again with "Get Job" for fresh links.',
				},
			);
		}
		const { status, reason } = result;
		const transient = status === null || status >= 500 || status === 429 || status < 300;
		if (!transient || attempt >= downloadPolicy.attempts || Date.now() >= deadline) {
			const errorResponse: JsonObject = {
				message: reason,
				httpCode: status === null ? null : String(status),
			};
			throw new NodeApiError(ctx.getNode(), errorResponse, {
				message: `Could not download ${what} of Legnext job ${jobId} from ${host}: ${reason}`,
				description:
					status === 403 || status === 404 || status === 410
						? 'The link may have expired (Legnext keeps results for 7 to 30 days). Read the job again with "Get Job" for fresh links.'
						: `Tried ${attempt} times. Try again later; the job itself is finished and can be read again with "Get Job".`,
				httpCode: status === null || status < 300 ? undefined : String(status),
				itemIndex,
			});
		}
		await sleepUnlessAborted(backoffDelay(attempt, null), signal).catch(() => undefined);
	}
}
