/**
 * The path every job takes once planned: submit (with the callback the settings chose), then wait by polling
 * or pause for the callback, then download the files into the output item.
 */

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { isFinished, toJobItem, type LegnextJob } from '../../legnext/job';
import { resumeCallbackUrl } from '../../legnext/pause';
import { binaryOf, downloadResultFiles } from '../../legnext/resultFiles';
import { callbackUrlNote, withTriggerToken } from '../../legnext/triggerUrl';
import { assertCompleted, pollUntilFinished } from '../../legnext/wait';
import { readSubmitSettings, type JobSettings, type SubmitSettings } from './settings';
import { submitJob, type SubmitRequest } from './submit';
import type { ItemRun, RunControl } from './types';

/** Ends a submit operation's plan: reads the item's settings (checked now, before any credit) and returns its run. */
export function planSubmit(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: SubmitRequest,
): ItemRun {
	const settings = readSubmitSettings(ctx, itemIndex);
	const run: ItemRun = async (control) =>
		await submitAndComplete(ctx, request, settings, itemIndex, control);
	run.cost = { prices: request.creditsNeeded, sourceJobId: request.creditsSourceJobId };
	return run;
}

/**
 * Turns a submitted or read job into the node's output item, waiting and downloading as the settings say.
 * `wait` holds the fields that say how the node waited; they go before `raw` in the item.
 */
export async function completeJobItem(
	ctx: IExecuteFunctions,
	job: LegnextJob,
	settings: JobSettings,
	itemIndex: number,
	signal: AbortSignal | undefined,
	{
		failOnJobError = true,
		wait = {},
		creditsEstimated,
	}: { failOnJobError?: boolean; wait?: IDataObject; creditsEstimated?: number | null } = {},
): Promise<INodeExecutionData | INodeExecutionData[]> {
	let current = job;
	if (settings.wait && !isFinished(current)) {
		current = await pollUntilFinished(ctx, current.jobId, {
			timeoutMs: settings.timeoutMs,
			maxIntervalMs: settings.maxPollIntervalMs,
			itemIndex,
			signal,
		});
	}
	if (failOnJobError) assertCompleted(ctx, current, itemIndex);
	const json = toJobItem(current, wait, creditsEstimated);
	if (current.status !== 'completed' || settings.download.mode === 'none') return { json };
	const files = await downloadResultFiles(ctx, current, settings.download, itemIndex, signal);
	if (!settings.split) {
		return { json, binary: binaryOf(files) };
	}
	// Split Into Items: one item per file, each in the one binary field an upload node reads.
	return files.map(({ file, data }) => ({
		json: {
			jobId: current.jobId,
			fileNumber: file.number < 0 ? 'grid' : file.number,
			fileUrl: file.url,
			fileCount: files.length,
			taskType: current.taskType,
			status: current.status,
			...(creditsEstimated === undefined ? {} : { creditsEstimated }),
		},
		binary: { [settings.download.binaryProperty]: data },
	}));
}

async function submitAndComplete(
	ctx: IExecuteFunctions,
	request: SubmitRequest,
	settings: SubmitSettings,
	itemIndex: number,
	control: RunControl,
): Promise<INodeExecutionData | INodeExecutionData[]> {
	const { callback } = settings;
	const pause = callback.kind === 'pause' && control.pauseUnavailable === null;
	const callbackUrl = await callbackUrlFor(ctx, settings, pause, itemIndex, control.itemCount);
	// The one place a request body gets its `callback`.
	const body = callbackUrl === null ? request.body : { ...request.body, callback: callbackUrl };
	const job = await submitJob(ctx, { ...request, body }, itemIndex, control);
	const reference = settings.reference || null;
	if (pause) {
		control.awaitCallback(job, settings.timeoutMs);
		return {
			json: toJobItem(job, { reference, waitMode: 'pause' }, control.creditsEstimated),
		};
	}
	const wait: IDataObject = { reference };
	if (settings.wait) wait.waitMode = 'poll';
	// Pause was asked for but is not possible in this run: the item polls and says why.
	if (callback.kind === 'pause') wait.waitNote = control.pauseUnavailable;
	const callbackNote = callback.kind === 'url' ? callbackUrlNote(ctx, callback.url) : null;
	if (callbackNote !== null) wait.callbackNote = callbackNote;
	return await completeJobItem(ctx, job, settings, itemIndex, control.signal, {
		wait,
		creditsEstimated: control.creditsEstimated,
	});
}

/** The URL Legnext is to call when the job ends, or `null` for none. */
async function callbackUrlFor(
	ctx: IExecuteFunctions,
	settings: SubmitSettings,
	pause: boolean,
	itemIndex: number,
	itemCount: number,
): Promise<string | null> {
	if (pause) return await resumeCallbackUrl(ctx, itemIndex, itemCount > 1);
	const { callback } = settings;
	if (callback.kind !== 'url') return null;
	return await withTriggerToken(ctx, callback.url, settings.reference);
}
