/** Which files of a finished job the download settings ask for, and fetching them as n8n binary data. */

import { NodeOperationError, type IBinaryData, type IBinaryKeyData } from 'n8n-workflow';

import type { LegnextContext } from './client';
import type { DownloadSettings } from './downloadParameters';
import { downloadFile, downloadPolicy, type ResultFile } from './fileDownload';
import type { LegnextJob } from './job';

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
function gridFile(job: LegnextJob): ResultFile | null {
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
interface DownloadedFile {
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

/** The files keyed by binary field, for a one-item-per-job output. */
export function binaryOf(files: DownloadedFile[]): IBinaryKeyData {
	return Object.fromEntries(files.map(({ key, data }) => [key, data]));
}

/**
 * A webhook's downloads (Trigger, pause resume): a completed job's files as binary data, within the time its
 * caller waits for the answer; `undefined` when there is nothing to download.
 */
export async function downloadForWebhook(
	ctx: LegnextContext,
	job: LegnextJob,
	settings: DownloadSettings,
	itemIndex: number,
): Promise<IBinaryKeyData | undefined> {
	if (job.status !== 'completed' || settings.mode === 'none') return undefined;
	const budgetMs = downloadPolicy.webhookBudgetMs;
	return binaryOf(await downloadResultFiles(ctx, job, settings, itemIndex, undefined, budgetMs));
}
