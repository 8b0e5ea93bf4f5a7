// @ts-check
'use strict';

/**
 * Job records (the simulator's own bookkeeping) and the job objects the API returns for them.
 * A running job's status is derived from the clock, so a read never depends on a timer having
 * fired; the simulator only sets the final status (and fires the callback) when a job ends.
 */

const { randomUUID, createHash } = require('node:crypto');

/** @typedef {import('./options').SimulatorOptions} SimulatorOptions */

/**
 * @typedef {object} JobRecord
 * @property {string} id
 * @property {string} taskType                        underscore form
 * @property {'video' | 'image' | 'text'} kind
 * @property {Record<string, unknown>} input          the submitted fields (without callback)
 * @property {string} callback                        "" when none
 * @property {number} cost
 * @property {string} quality                         '480p' | '720p' for video jobs, '' otherwise
 * @property {number} createdAt                       ms since epoch
 * @property {number} durationMs
 * @property {'complete' | 'fail' | 'never'} plannedOutcome decided at submit from failRate / neverFinishRate
 * @property {null | 'completed' | 'failed'} finalStatus
 * @property {number} finishedAt                      0 while running
 * @property {{ code: number, message: string }} error
 * @property {number} urlCount                        media files the finished job has
 * @property {string[]} texts                         describe / shorten results
 * @property {number} extensionDepth                  how many extends led to this video
 * @property {'' | '0001-01-01T00:00:00Z'} unsetDate  how this job shows an unset date
 */

const ZERO_DATE = '0001-01-01T00:00:00Z';

/** Share of a job's time spent pending, then staged; the rest is processing. */
const PENDING_SHARE = 0.1;
const STAGED_SHARE = 0.2;
/** With retryStatus on, the job says "retry" during this part of its time. */
const RETRY_SHARE = 0.3;

/**
 * @param {object} init
 * @param {string} init.taskType
 * @param {'video' | 'image' | 'text'} init.kind
 * @param {Record<string, unknown>} init.input
 * @param {string | undefined} init.callback
 * @param {number} init.cost
 * @param {string} init.quality
 * @param {number} init.durationMs
 * @param {'complete' | 'fail' | 'never'} init.plannedOutcome
 * @param {number} init.urlCount
 * @param {string[]} init.texts
 * @param {number} init.extensionDepth
 * @param {'' | '0001-01-01T00:00:00Z'} init.unsetDate
 * @param {number} [init.now]
 * @returns {JobRecord}
 */
function createJobRecord(init) {
	return {
		id: randomUUID(),
		taskType: init.taskType,
		kind: init.kind,
		input: init.input,
		callback: init.callback || '',
		cost: init.cost,
		quality: init.quality,
		createdAt: init.now ?? Date.now(),
		durationMs: Math.max(0, init.durationMs),
		plannedOutcome: init.plannedOutcome,
		finalStatus: null,
		finishedAt: 0,
		error: { code: 0, message: '' },
		urlCount: init.urlCount,
		texts: init.texts,
		extensionDepth: init.extensionDepth,
		unsetDate: init.unsetDate,
	};
}

/**
 * Status of a job that has not ended, from how far through its time it is.
 * @param {number} elapsedMs
 * @param {number} durationMs
 * @param {boolean} retryStatus
 * @returns {'pending' | 'staged' | 'processing' | 'retry'}
 */
function runningPhase(elapsedMs, durationMs, retryStatus) {
	const share = durationMs > 0 ? elapsedMs / durationMs : 1;
	if (share < PENDING_SHARE) return 'pending';
	if (share < STAGED_SHARE) return 'staged';
	if (retryStatus && share < RETRY_SHARE) return 'retry';
	return 'processing';
}

/**
 * @param {JobRecord} job
 * @param {number} now
 * @param {boolean} [retryStatus]
 */
function statusAt(job, now, retryStatus = false) {
	return job.finalStatus || runningPhase(now - job.createdAt, job.durationMs, retryStatus);
}

/**
 * Whether the job's planned end time has passed (it should be finished now).
 * @param {JobRecord} job
 * @param {number} now
 */
function isDue(job, now) {
	return job.finalStatus === null && job.plannedOutcome !== 'never' && now - job.createdAt >= job.durationMs;
}

/** @param {number} ms */
function iso(ms) {
	return new Date(ms).toISOString();
}

/**
 * @param {JobRecord} job
 * @param {number} now
 */
function jobDates(job, now) {
	const processingFrom = job.createdAt + Math.round(job.durationMs * STAGED_SHARE);
	const started = job.finishedAt ? Math.min(processingFrom, job.finishedAt) : now >= processingFrom ? processingFrom : 0;
	return {
		created_at: iso(job.createdAt),
		started_at: started ? iso(started) : job.unsetDate,
		ended_at: job.finishedAt ? iso(job.finishedAt) : job.unsetDate,
	};
}

/**
 * A stable "seed" per job, like Midjourney's numeric seeds.
 * @param {string} id
 */
function seedOf(id) {
	return String(createHash('sha256').update(id).digest().readUInt32BE(0));
}

/**
 * What a view needs to render media URLs.
 * @typedef {object} JobView
 * @property {SimulatorOptions} options
 * @property {string} baseUrl
 * @property {(path: string, finishedAt: number) => string} mediaQuery "" or "?Expires=..&Signature=.."
 */

/**
 * @param {JobRecord} job
 * @param {JobView} view
 * @param {string} file e.g. "0.mp4"
 */
function mediaUrl(job, view, file) {
	const path = `/cdn/${job.id}/${file}`;
	return `${view.baseUrl}${path}${view.mediaQuery(path, job.finishedAt)}`;
}

/** @param {number} count */
function indexes(count) {
	return Array.from({ length: count }, (_, i) => i);
}

/**
 * @param {JobRecord} job
 * @param {JobView} view
 */
function videoOutput(job, view) {
	const done = job.finalStatus === 'completed';
	const urls = done ? indexes(job.urlCount).map((i) => mediaUrl(job, view, `${i}.mp4`)) : null;
	const seed = done ? seedOf(job.id) : '';
	if (view.options.videoOutputField === 'image_urls') {
		// Variant seen in one SDK example: video_urls empty, the videos in image_url(s).
		return { video_urls: done ? [] : null, image_url: urls ? urls[0] : '', image_urls: urls, seed };
	}
	return { video_urls: urls, seed };
}

/**
 * Actions offered on a finished image, in the shape of legnext-ai/sdks `openapi/openapi.yaml` (GET job,
 * `output.available_actions`): action -> image numbers, `reroll` a boolean.
 * @param {JobRecord} job
 */
function availableActions(job) {
	const four = [0, 1, 2, 3];
	if (job.taskType === 'upscale') return { edit: [0], inpaint: [0], outpaint: [0], pan: [0], remix: [0], reroll: false, upscale: [], variation: [] };
	return { edit: four, inpaint: [], outpaint: [], pan: [], remix: four, reroll: true, upscale: four, variation: four };
}

/**
 * @param {JobRecord} job
 * @param {JobView} view
 */
function imageOutput(job, view) {
	if (job.finalStatus !== 'completed') return { image_url: '', image_urls: null, seed: '', available_actions: null };
	const images = indexes(job.urlCount).map((i) => mediaUrl(job, view, `${i}.png`));
	// An upscale is a single image; everything else has a 2x2 grid plus its four images.
	const imageUrl = job.taskType === 'upscale' ? images[0] : mediaUrl(job, view, 'grid.png');
	return { image_url: imageUrl, image_urls: images, seed: seedOf(job.id), available_actions: availableActions(job) };
}

/** Keycap digits 1️⃣-9️⃣ that number Legnext's suggestions. @param {number} n */
function keycap(n) {
	return `${n}\uFE0F\u20E3`;
}

/**
 * Describe / shorten results. Default (`textOutput: 'promptEn'`): the documented completed responses of
 * docs.legnext.ai (Describe, Shorten) put all suggestions in one string, `output.promptEn`, each numbered with a
 * keycap emoji digit. `'prompts'`: a list, the shape an older reading of the API assumed.
 * @param {JobRecord} job
 * @param {JobView} view
 */
function textOutput(job, view) {
	const done = job.finalStatus === 'completed';
	if (view.options.textOutput === 'prompts') {
		return { prompt: done ? job.texts[0] : '', prompts: done ? job.texts : null, image_url: '', image_urls: null, seed: '' };
	}
	const promptEn = done ? job.texts.map((text, i) => `${keycap(i + 1)} ${text}`).join('\n\n') : '';
	return { promptEn, image_url: '', image_urls: null, seed: '' };
}

/**
 * @param {JobRecord} job
 * @param {JobView} view
 */
function jobOutput(job, view) {
	if (job.kind === 'video') return videoOutput(job, view);
	if (job.kind === 'image') return imageOutput(job, view);
	return textOutput(job, view);
}

/**
 * The job object exactly as the API returns it.
 * @param {JobRecord} job
 * @param {JobView} view
 * @param {number} [now]
 */
function toJobObject(job, view, now = Date.now()) {
	const taskType = view.options.taskTypeStyle === 'hyphen' ? job.taskType.replace(/_/g, '-') : job.taskType;
	return {
		job_id: job.id,
		model: 'midjourney',
		task_type: taskType,
		status: statusAt(job, now, view.options.retryStatus),
		config: { service_mode: 'public', webhook_config: { endpoint: job.callback, secret: '' } },
		input: job.input,
		output: jobOutput(job, view),
		meta: {
			...jobDates(job, now),
			usage: { type: 'point', frozen: job.cost, consume: job.finalStatus === 'completed' ? job.cost : 0 },
		},
		detail: null,
		logs: [],
		error: { code: job.error.code, raw_message: '', message: job.error.message, detail: null },
	};
}

module.exports = { createJobRecord, statusAt, runningPhase, isDue, toJobObject, ZERO_DATE, PENDING_SHARE, STAGED_SHARE };
