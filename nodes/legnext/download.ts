import {
	NodeApiError,
	NodeOperationError,
	UserError,
	type IBinaryData,
	type IBinaryKeyData,
	type IDisplayOptions,
	type IExecuteFunctions,
	type INodeProperties,
	type JsonObject,
} from 'n8n-workflow';

import type { LegnextJob } from './job';
import { binaryFieldNameProblem } from './validation';
import { cancelledError } from './apiErrors';
import { backoffDelay, type LegnextContext } from './client';
import { sleepUnlessAborted } from './sleep';

/**
 * Result files into n8n binary data. Bytes are streamed into n8n's binary store, never held whole in memory,
 * and fetched without the credential: result URLs live on a CDN that must not see the API key.
 */

/** `grid` and `allAndGrid` are offered by image operations whose jobs make a 2x2 grid. */
export type DownloadMode = 'none' | 'one' | 'all' | 'grid' | 'allAndGrid';

const DOWNLOAD_MODES: readonly string[] = ['none', 'one', 'all', 'grid', 'allAndGrid'];

export interface DownloadSettings {
	mode: DownloadMode;
	/** Which result to fetch in mode `one` (0-3). */
	resultNumber: number;
	binaryProperty: string;
}

export interface ResultFile {
	url: string;
	/** 0-3 for results; -1 for an image job's grid. */
	number: number;
	fileName: string;
	mimeType: string;
}

/**
 * The download choices, the same in the Video and Trigger nodes; `show` adds conditions (e.g. only when waiting).
 * `gridImages` is for image operations whose jobs make a 2x2 grid plus its four images: it adds the grid choices.
 */
export function downloadProperties(
	show: IDisplayOptions['show'] = {},
	kind: 'results' | 'gridImages' = 'results',
): INodeProperties[] {
	const grid = kind === 'gridImages';
	const download: INodeProperties = grid
		? {
				displayName: 'Download Result Files',
				name: 'download',
				type: 'options',
				default: 'all',
				description:
					'Whether to download the finished images as binary files for the next nodes: the 2x2 grid, the four separate images, or both',
				options: [
					{
						name: 'All Images',
						value: 'all',
						description: 'Download the four images as separate files',
					},
					{
						name: 'All Images and Grid',
						value: 'allAndGrid',
						description: 'Download the four images and the grid',
					},
					{
						name: 'Grid',
						value: 'grid',
						description: 'Download the 2x2 grid of the four images as one file',
					},
					{ name: 'None', value: 'none', description: 'Only return the image URLs' },
					{
						name: 'One Image',
						value: 'one',
						description: 'Download one of the four images, chosen by number',
					},
				],
				displayOptions: { show: { ...show } },
			}
		: {
				displayName: 'Download Result Files',
				name: 'download',
				type: 'options',
				default: 'one',
				description:
					'Whether to download the finished videos (or images) as binary files for the next nodes',
				options: [
					{ name: 'None', value: 'none', description: 'Only return the result URLs' },
					{ name: 'One', value: 'one', description: 'Download one result, chosen by number' },
					{ name: 'All', value: 'all', description: 'Download every result of the job' },
				],
				displayOptions: { show: { ...show } },
			};
	return [
		download,
		{
			displayName: 'Result to Download',
			name: 'downloadNumber',
			type: 'options',
			default: 0,
			// Legnext's app numbers a job's four results 1 to 4; the API (and an expression here) counts 0 to 3.
			options: [1, 2, 3, 4].map((n) => ({
				name: `${grid ? 'Image' : 'Result'} ${n}${n === 1 ? ' (First)' : ''}`,
				value: n - 1,
			})),
			description: `Which of the job's four ${grid ? 'images' : 'results'} to download, counted from 1 as in Legnext's app. An expression gives 0 to 3 (0 is the first). A job with a single result always gives that one.`,
			displayOptions: { show: { ...show, download: ['one'] } },
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			description: grid
				? 'Name of the binary field for the file. With "All Images", files go to &lt;name&gt;_0 to &lt;name&gt;_3, and the grid (with "All Images and Grid") to &lt;name&gt;_grid.'
				: 'Name of the binary field for the file. With "All", files go to &lt;name&gt;_0, &lt;name&gt;_1, and so on.',
			displayOptions: {
				show: { ...show, download: grid ? ['one', 'all', 'grid', 'allAndGrid'] : ['one', 'all'] },
			},
		},
	];
}

/** Reads the download choices through a parameter getter, so webhook and execute contexts share it. */
export function readDownloadSettings(
	getParameter: (name: string, fallback: unknown) => unknown,
): DownloadSettings {
	const mode = String(getParameter('download', 'one')) as DownloadMode;
	const binaryProperty = String(getParameter('binaryPropertyName', 'data')).trim() || 'data';
	const problem = binaryFieldNameProblem(binaryProperty);
	if (problem !== null && mode !== 'none') {
		throw new UserError(`Put Output File in Field ${problem}`);
	}
	return {
		mode: DOWNLOAD_MODES.includes(mode) ? mode : 'none',
		resultNumber: Number(getParameter('downloadNumber', 0)),
		binaryProperty,
	};
}

type BinaryInput = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

/** The files a finished job offers: its videos, or for image jobs its four images (the grid when there are none). */
export function resultFiles(job: LegnextJob): ResultFile[] {
	const videos = job.videoUrls.map((url, number) => ({
		url,
		number,
		fileName: `${job.jobId}_${number}.mp4`,
		mimeType: 'video/mp4',
	}));
	if (videos.length > 0) return videos;
	const images = job.imageUrls.length > 0 ? job.imageUrls : job.imageUrl ? [job.imageUrl] : [];
	return images.map((url, number) => ({
		url,
		number,
		fileName: `${job.jobId}_${number}.${imageExtension(url)}`,
		mimeType: `image/${imageExtension(url) === 'jpg' ? 'jpeg' : imageExtension(url)}`,
	}));
}

/**
 * The 2x2 grid of an image job: `output.image_url` when it is not one of the four images
 * (an upscale's `image_url` is its single image, so it has no grid).
 */
export function gridFile(job: LegnextJob): ResultFile | null {
	const url = job.imageUrl;
	if (url === null || job.imageUrls.includes(url) || job.videoUrls.length > 0) return null;
	const extension = imageExtension(url);
	return {
		url,
		number: -1,
		fileName: `${job.jobId}_grid.${extension}`,
		mimeType: `image/${extension === 'jpg' ? 'jpeg' : extension}`,
	};
}

function imageExtension(url: string): string {
	const match = /\.(png|jpe?g|webp|gif)(?:[?#]|$)/i.exec(url);
	return match ? match[1].toLowerCase().replace('jpeg', 'jpg') : 'png';
}

/** Downloads the files the settings ask for and returns them keyed by binary property. */
export async function downloadResults(
	ctx: LegnextContext,
	job: LegnextJob,
	settings: DownloadSettings,
	itemIndex: number,
	signal?: AbortSignal,
	budgetMs = Infinity,
): Promise<IBinaryKeyData> {
	const downloaded = await downloadResultFiles(ctx, job, settings, itemIndex, signal, budgetMs);
	return Object.fromEntries(downloaded.map(({ key, data }) => [key, data] as const));
}

export interface DownloadedFile {
	/** The binary field it would take in a one-item-per-job output. */
	key: string;
	file: ResultFile;
	data: IBinaryData;
}

/** Downloads the files the settings ask for, in order, each with the result file it came from. */
export async function downloadResultFiles(
	ctx: LegnextContext,
	job: LegnextJob,
	settings: DownloadSettings,
	itemIndex: number,
	signal?: AbortSignal,
	/** Milliseconds all files may take together (a webhook must answer its caller in time); none by default. */
	budgetMs = Infinity,
): Promise<DownloadedFile[]> {
	const deadline = Date.now() + budgetMs;
	if (settings.mode === 'none') return [];
	const files = resultFiles(job);
	let chosen: Array<{ key: string; file: ResultFile }>;
	if (settings.mode === 'one') {
		const file = files[settings.resultNumber] ?? (files.length === 1 ? files[0] : undefined);
		if (!file) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Legnext job ${job.jobId} has no result number ${settings.resultNumber} to download (it has ${files.length})`,
				{
					itemIndex,
					description: 'Pick a number the job has, or download all results.',
				},
			);
		}
		chosen = [{ key: settings.binaryProperty, file }];
	} else if (settings.mode === 'grid' || settings.mode === 'allAndGrid') {
		const grid = gridFile(job);
		if (!grid) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Legnext job ${job.jobId} has no grid image to download`,
				{
					itemIndex,
					description:
						'Only image jobs that make four images (imagine, variation, reroll, blend, pan, outpaint) have a grid. Download the images instead.',
				},
			);
		}
		chosen =
			settings.mode === 'grid'
				? [{ key: settings.binaryProperty, file: grid }]
				: [
						...files
							.filter((file) => file.url !== grid.url)
							.map((file) => ({ key: `${settings.binaryProperty}_${file.number}`, file })),
						{ key: `${settings.binaryProperty}_grid`, file: grid },
					];
	} else {
		chosen = files.map((file) => ({
			key: `${settings.binaryProperty}_${file.number}`,
			file,
		}));
	}

	const downloaded: DownloadedFile[] = [];
	for (const { key, file } of chosen) {
		const data = await downloadFile(ctx, job.jobId, file, itemIndex, signal, deadline);
		downloaded.push({ key, file, data });
	}
	return downloaded;
}

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

async function downloadFile(
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
