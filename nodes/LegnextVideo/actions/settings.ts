/**
 * The one reader of the settings that say how a job is run: each is read and checked here, once per item,
 * into a typed object the rest of the node uses. The callback choice (none, a URL, pause) is decided here.
 */

import type { IExecuteFunctions } from 'n8n-workflow';

import { MAX_REFERENCE_LENGTH } from '../../legnext/callbackTokens';
import {
	NO_DOWNLOAD,
	readDownloadSettings,
	type DownloadSettings,
} from '../../legnext/downloadParameters';
import { InputChecker } from '../../legnext/validation';
import { isToolCall } from './aiTool';
import {
	DEFAULT_MAX_CONCURRENT_JOBS,
	DEFAULT_MAX_POLL_INTERVAL_SECONDS,
	DEFAULT_TIMEOUT_MINUTES,
} from './descriptions';

/** How an item waits for its job and what it downloads (Get Job and every submit operation). */
export interface JobSettings {
	wait: boolean;
	timeoutMs: number;
	maxPollIntervalMs: number;
	download: DownloadSettings;
	/** Split Into Items: one output item per downloaded file. */
	split: boolean;
}

/**
 * Where Legnext calls when the job ends: nowhere, the user's Callback URL (a Trigger's gets its token when
 * submitted), or this execution's resume URL (Wait Strategy "Pause Until Callback").
 */
type CallbackChoice = { kind: 'none' } | { kind: 'url'; url: string } | { kind: 'pause' };

export interface SubmitSettings extends JobSettings {
	callback: CallbackChoice;
	/** The item's Reference ('' for none): in the output, and in a Trigger Callback URL's token segment. */
	reference: string;
}

export function readJobSettings(ctx: IExecuteFunctions, itemIndex: number): JobSettings {
	const check = new InputChecker(ctx, itemIndex);
	const wait = ctx.getNodeParameter('waitForCompletion', itemIndex, false) as boolean;
	const timeoutMinutes = check.number(
		'options.timeoutMinutes',
		'Timeout (Minutes)',
		0.01,
		7 * 24 * 60,
		DEFAULT_TIMEOUT_MINUTES,
	);
	const maxPollSeconds = check.number(
		'options.maxPollIntervalSeconds',
		'Max Poll Interval (Seconds)',
		0.05,
		3600,
		DEFAULT_MAX_POLL_INTERVAL_SECONDS,
	);
	return {
		wait,
		timeoutMs: timeoutMinutes * 60_000,
		maxPollIntervalMs: maxPollSeconds * 1000,
		download: wait ? readDownloadSettings(check) : NO_DOWNLOAD,
		split: check.boolean('options.splitIntoItems', 'Split Into Items'),
	};
}

/** A submit operation's settings: the job settings plus its callback and Reference. */
export function readSubmitSettings(ctx: IExecuteFunctions, itemIndex: number): SubmitSettings {
	const check = new InputChecker(ctx, itemIndex);
	const callbackUrl = check.callbackUrl('callbackUrl', 'Callback URL');
	const reference = check.text('reference', 'Reference');
	if (reference.length > MAX_REFERENCE_LENGTH) {
		check.fail(
			'Reference',
			`is ${reference.length} characters long, at most ${MAX_REFERENCE_LENGTH}`,
		);
	}
	const settings = readJobSettings(ctx, itemIndex);
	const pause =
		settings.wait && check.option('waitStrategy', 'Wait Strategy', ['poll', 'pause']) === 'pause';
	if (pause && callbackUrl !== '') {
		check.fail(
			'Callback URL',
			'must be empty with Wait Strategy "Pause Until Callback"',
			'In pause mode the node gives Legnext its own resume URL.',
		);
	}
	const callback: CallbackChoice = pause
		? { kind: 'pause' }
		: callbackUrl === ''
			? { kind: 'none' }
			: { kind: 'url', url: callbackUrl };
	return { ...settings, callback, reference };
}

/** Why a run that asked for pause mode polls instead, or `null` when it can pause. */
export function pauseUnavailableReason(
	ctx: IExecuteFunctions,
	itemCount: number,
	maxConcurrentJobs: number,
): string | null {
	if (isToolCall(ctx)) {
		return 'An AI tool call cannot pause the execution, so this job was polled instead.';
	}
	// A job beyond the limit could only be submitted from a callback, and a repeated callback would pay for it twice.
	if (itemCount > maxConcurrentJobs) {
		return `Pause mode submits every job before it pauses, so it takes at most Max Concurrent Jobs (${maxConcurrentJobs}) items: with ${itemCount} items the jobs were polled instead.`;
	}
	return null;
}

/** Max Concurrent Jobs, one value for the whole run (read from the first item). */
export function readMaxConcurrentJobs(ctx: IExecuteFunctions): number {
	return new InputChecker(ctx, 0).number(
		'options.maxConcurrentJobs',
		'Max Concurrent Jobs',
		1,
		100,
		DEFAULT_MAX_CONCURRENT_JOBS,
	);
}
