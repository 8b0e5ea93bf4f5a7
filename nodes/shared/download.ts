import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IBinaryKeyData,
	type IDisplayOptions,
	type IExecuteFunctions,
	type INodeProperties,
	type JsonObject,
} from 'n8n-workflow';

import type { LegnextJob } from './job';
import { backoffDelay, cancelledError, type LegnextContext } from './transport';

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
	return {
		mode: DOWNLOAD_MODES.includes(mode) ? mode : 'none',
		resultNumber: Number(getParameter('downloadNumber', 0)),
		binaryProperty: String(getParameter('binaryPropertyName', 'data')) || 'data',
	};
}

type BinaryInput = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

const DOWNLOAD_ATTEMPTS = 3;

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
): Promise<IBinaryKeyData> {
	if (settings.mode === 'none') return {};
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

	const binary: IBinaryKeyData = {};
	for (const { key, file } of chosen) {
		binary[key] = await downloadFile(ctx, job.jobId, file, itemIndex, signal);
	}
	return binary;
}

async function downloadFile(
	ctx: LegnextContext,
	jobId: string,
	file: ResultFile,
	itemIndex: number,
	signal?: AbortSignal,
) {
	for (let attempt = 1; ; attempt++) {
		let status: number | null = null;
		let reason = '';
		try {
			const response = (await ctx.helpers.httpRequest({
				url: file.url,
				method: 'GET',
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				abortSignal: signal,
			})) as {
				statusCode: number;
				body: BinaryInput & { resume?: () => void };
			};
			status = response.statusCode;
			if (status >= 200 && status < 300) {
				return await ctx.helpers.prepareBinaryData(response.body, file.fileName, file.mimeType);
			}
			response.body.resume?.(); // drain the error body so the socket is freed
			reason = `HTTP ${status}`;
		} catch {
			if (signal?.aborted) {
				throw cancelledError(ctx, itemIndex, `Result files of job ${jobId} were not downloaded.`);
			}
			reason = 'the connection failed';
		}
		const transient = status === null || status >= 500 || status === 429;
		if (!transient || attempt >= DOWNLOAD_ATTEMPTS) {
			const errorResponse: JsonObject = {
				message: reason,
				httpCode: status === null ? null : String(status),
			};
			throw new NodeApiError(ctx.getNode(), errorResponse, {
				message: `Could not download ${file.number < 0 ? 'the grid' : `result ${file.number}`} of Legnext job ${jobId}: ${reason}`,
				description:
					status === 403 || status === 404 || status === 410
						? 'The link may have expired (Legnext keeps results for 7 to 30 days). Read the job again with "Get Job" for fresh links.'
						: 'Try again later; the job itself is finished and can be read again with "Get Job".',
				httpCode: status === null ? undefined : String(status),
				itemIndex,
			});
		}
		await sleep(backoffDelay(attempt, null), signal);
	}
}
