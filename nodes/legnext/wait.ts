/** Waiting for a job: the poll schedule, the bounded loop, and what a finished job means for the item. */

import { NodeOperationError } from 'n8n-workflow';

import { cancelledError } from './apiErrors';
import { isTransientError, legnextRequest, type LegnextContext } from './client';
import { isFinished, isVideoTaskType, parseJob, type LegnextJob } from './job';
import { sleepUnlessAborted } from './sleep';

interface PollSettings {
	timeoutMs: number;
	/** The longest gap between two reads; the schedule grows towards it. */
	maxIntervalMs: number;
	itemIndex: number;
	signal?: AbortSignal;
}

const FIRST_LOOK_MS = 1000;
/** Each gap is this share of the time waited so far, so a job is noticed within ~20% of its run time. */
const GROWTH = 0.2;

/**
 * Gap before the next read: a first look after a second, then a fifth of the elapsed time,
 * capped. A 4-minute video job costs about 25 reads; a 10-second test job about 9.
 */
export function nextPollDelay(elapsedMs: number, maxIntervalMs: number): number {
	const floor = Math.min(FIRST_LOOK_MS, maxIntervalMs);
	return Math.min(maxIntervalMs, Math.max(floor, elapsedMs * GROWTH));
}

export async function readJob(
	ctx: LegnextContext,
	jobId: string,
	itemIndex: number,
	signal?: AbortSignal,
	maxAttempts?: number,
): Promise<LegnextJob> {
	const body = await legnextRequest(ctx, {
		method: 'GET',
		path: `/api/v1/job/${encodeURIComponent(jobId)}`,
		itemIndex,
		signal,
		maxAttempts,
	});
	return parseJob(body);
}

/**
 * Reads the job until it is completed or failed, or until the timeout, or until the execution is cancelled.
 * A read that still fails after its own retries for a passing reason (no answer, 429, 5xx, unreadable body)
 * does not end the wait: the job is paid for and keeps running, so the next read may well find it finished.
 * Refusals (401, 404, ...) end it at once.
 */
export async function pollUntilFinished(
	ctx: LegnextContext,
	jobId: string,
	settings: PollSettings,
): Promise<LegnextJob> {
	const started = Date.now();
	let lastStatus = '';
	let lastReadError: string | undefined;
	for (;;) {
		const elapsed = Date.now() - started;
		const remaining = settings.timeoutMs - elapsed;
		// The last read lands on the deadline, so a job that finishes just in time is not missed.
		const delay = Math.min(nextPollDelay(elapsed, settings.maxIntervalMs), Math.max(0, remaining));
		await pauseOrCancel(ctx, delay, jobId, settings);
		const read = await readJob(ctx, jobId, settings.itemIndex, settings.signal).then(
			(job) => ({ job, error: undefined }),
			(error: unknown) => ({ job: undefined, error }),
		);
		if (read.job) {
			if (read.job.status !== lastStatus) reportStatus(ctx, read.job, Date.now() - started);
			if (isFinished(read.job)) return read.job;
			lastStatus = read.job.status;
			lastReadError = undefined;
		} else if (isTransientError(read.error) && !settings.signal?.aborted) {
			lastReadError = (read.error as Error).message;
		} else {
			throw read.error;
		}
		if (Date.now() - started >= settings.timeoutMs) {
			throw timeoutError(ctx, jobId, lastStatus, settings, lastReadError);
		}
	}
}

/**
 * n8n 2.41 lets a community node show nothing in the panel while it runs ("Executing node"); what it offers is
 * the editor's browser console in manual runs, so each status change goes there. Other runs drop it.
 */
function reportStatus(ctx: LegnextContext, job: LegnextJob, elapsedMs: number): void {
	if (!('sendMessageToUI' in ctx)) return;
	const typical =
		isVideoTaskType(job.taskType) && !isFinished(job) ? ' (video jobs take 3-6 minutes)' : '';
	ctx.sendMessageToUI(
		`Legnext job ${job.jobId}: ${job.status || 'unknown status'} after ${Math.round(elapsedMs / 1000)} s${typical}`,
	);
}

async function pauseOrCancel(
	ctx: LegnextContext,
	ms: number,
	jobId: string,
	settings: PollSettings,
): Promise<void> {
	// sleep() rejects only when the signal aborts; the check below turns that into a clear error.
	await sleepUnlessAborted(ms, settings.signal).then(
		() => undefined,
		() => undefined,
	);
	if (settings.signal?.aborted) {
		throw cancelledError(
			ctx,
			settings.itemIndex,
			`Stopped waiting for Legnext job ${jobId}, which keeps running at Legnext. Pick it up later with the "Get Job" operation and job ID ${jobId}.`,
		);
	}
}

function timeoutError(
	ctx: LegnextContext,
	jobId: string,
	lastStatus: string,
	settings: Pick<PollSettings, 'timeoutMs' | 'itemIndex'>,
	lastReadError?: string,
): NodeOperationError {
	const seconds = settings.timeoutMs / 1000;
	const duration =
		seconds < 120 ? `${Math.round(seconds)} s` : `${Math.round((seconds / 60) * 10) / 10} minutes`;
	const readNote = lastReadError ? ` The last status read failed: ${lastReadError}.` : '';
	return new NodeOperationError(
		ctx.getNode(),
		`Legnext job ${jobId} did not finish within ${duration} (last status: ${lastStatus || 'unknown'})`,
		{
			itemIndex: settings.itemIndex,
			description: `The job may still finish. Pick it up later with the "Get Job" operation and job ID ${jobId} (Legnext keeps jobs readable and their files for 30 days), or raise the timeout.${readNote}`,
		},
	);
}

/** A failed job ends the item with Legnext's own message and the job ID. */
export function assertCompleted(
	ctx: LegnextContext,
	job: LegnextJob,
	itemIndex: number,
): LegnextJob {
	if (job.status === 'failed') {
		throw new NodeOperationError(
			ctx.getNode(),
			`Legnext job ${job.jobId} failed: ${job.errorMessage ?? 'no reason given'}`,
			{
				itemIndex,
				description: `Legnext error code ${job.errorCode ?? 'unknown'}. Failed jobs are normally not charged; change the prompt or input and try again.`,
			},
		);
	}
	return job;
}
