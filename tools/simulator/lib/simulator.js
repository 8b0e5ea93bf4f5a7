// @ts-check
'use strict';

/**
 * The simulator's state: options, jobs, credits, counters, queued rules, and the operations on
 * them. HTTP handling lives in router.js and control.js; this file knows nothing about sockets.
 */

const { createHmac, randomBytes, timingSafeEqual } = require('node:crypto');
const { DEFAULT_OPTIONS, mergeOptions, fault } = require('./options');
const { createPrng } = require('./prng');
const { ApiError } = require('./errors');
const { BodyReader, containsRefusedContent } = require('./validate');
const { resolveSource } = require('./endpoints');
const { createJobRecord, isDue, toJobObject, ZERO_DATE, PENDING_SHARE, STAGED_SHARE } = require('./jobs');
const { RuleQueue } = require('./faults');
const { createCounters } = require('./stats');
const { deliverCallback } = require('./callbacks');

/** @typedef {import('./options').SimulatorOptions} SimulatorOptions */
/** @typedef {import('./jobs').JobRecord} JobRecord */
/** @typedef {import('./endpoints').SubmitEndpoint} SubmitEndpoint */

const FAILED_JOB_ERROR = { code: 500, message: 'Job failed: the video could not be generated (simulated failure)' };
const KEEP_CALLBACK_ERRORS = 20;

class Simulator {
	/** @param {Partial<SimulatorOptions>} [options] */
	constructor(options = {}) {
		/** @type {SimulatorOptions} */
		this.options = mergeOptions(DEFAULT_OPTIONS, options);
		/** Set once the server listens. */
		this.url = '';
		/** Key for signed media URLs; random per simulator, like a real CDN's secret. */
		this.urlSecret = randomBytes(16);
		/** @type {Set<ReturnType<typeof setTimeout>>} */
		this.timers = new Set();
		/** @type {Set<AbortController>} */
		this.callbackAborts = new Set();
		/** @type {Set<Promise<void>>} */
		this.callbacksInFlight = new Set();
		this.closed = false;
		const fresh = freshState(this.options);
		this.random = fresh.random;
		this.jobRecords = fresh.jobRecords;
		this.running = fresh.running;
		this.jobTimers = fresh.jobTimers;
		this.credits = fresh.credits;
		this.counters = fresh.counters;
		this.rules = fresh.rules;
		this.jobsMade = fresh.jobsMade;
	}

	/** @param {Record<string, any>} partial */
	configure(partial) {
		const previous = this.options;
		this.options = mergeOptions(previous, partial);
		if (partial && partial.credits !== undefined) this.credits = this.options.credits;
		if (partial && partial.seed !== undefined) this.random = createPrng(this.options.seed);
		return this.options;
	}

	reset() {
		for (const timer of this.jobTimers.values()) this.clearTimer(timer);
		this.abortCallbacks();
		Object.assign(this, freshState(this.options));
	}

	// ---- time ----

	/**
	 * A timer that close() and reset() can cancel.
	 * @param {() => void} fn
	 * @param {number} ms
	 */
	setTimer(fn, ms) {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			fn();
		}, ms);
		this.timers.add(timer);
		return timer;
	}

	/** @param {ReturnType<typeof setTimeout>} timer */
	clearTimer(timer) {
		clearTimeout(timer);
		this.timers.delete(timer);
	}

	/** @param {number} ms */
	sleep(ms) {
		if (!(ms > 0)) return Promise.resolve();
		return new Promise((resolve) => this.setTimer(() => resolve(undefined), ms));
	}

	// ---- jobs ----

	get baseUrl() {
		return (this.options.publicUrl || this.url).replace(/\/+$/, '');
	}

	/** @returns {import('./jobs').JobView} */
	view() {
		return { options: this.options, baseUrl: this.baseUrl, mediaQuery: (path, finishedAt) => this.mediaQuery(path, finishedAt) };
	}

	/** @param {JobRecord} job */
	jobObject(job) {
		return toJobObject(job, this.view());
	}

	/** Finish every job whose time is up; called before anything that looks at job state. */
	settleDue(now = Date.now()) {
		for (const job of this.running) {
			if (isDue(job, now)) this.finishAsPlanned(job);
		}
	}

	/** @param {string} id */
	findJob(id) {
		this.settleDue();
		return this.jobRecords.get(id);
	}

	inFlightCount() {
		this.settleDue();
		return this.running.size;
	}

	listJobs() {
		this.settleDue();
		return [...this.jobRecords.values()].map((job) => this.jobObject(job));
	}

	/**
	 * Validate a submit body and create its job. Throws ApiError for 400/402/403/404/429.
	 * @param {SubmitEndpoint} endpoint
	 * @param {unknown} body
	 * @returns {JobRecord}
	 */
	submit(endpoint, body) {
		if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ApiError(400, 'request body must be a JSON object');
		const reader = new BodyReader(/** @type {Record<string, unknown>} */ (body), this.options);
		endpoint.read(reader, this.options);
		const { callback, ...input } = reader.input;
		if (containsRefusedContent(input)) {
			throw new ApiError(403, 'Prompt rejected: it contains banned words (simulated content moderation)');
		}
		const source = resolveSource(endpoint, input, (id) => this.findJob(id));
		const cost = endpoint.cost(input, source);
		this.checkConcurrency();
		this.checkCredits(cost);
		return this.createJob(endpoint, input, /** @type {string | undefined} */ (callback), cost, source);
	}

	checkConcurrency() {
		const inFlight = this.inFlightCount();
		if (inFlight >= this.options.concurrency) {
			throw new ApiError(
				429,
				`too many concurrent tasks: ${inFlight} running, your plan allows ${this.options.concurrency}; wait for one to finish`,
				{ 'Retry-After': String(this.retryAfterSeconds()) },
			);
		}
	}

	/** @param {number} cost */
	checkCredits(cost) {
		if (this.credits < cost) {
			throw new ApiError(402, `insufficient credits: this call needs ${cost} credits, ${this.credits} available`);
		}
	}

	retryAfterSeconds() {
		return this.options.faults.retryAfterSeconds ?? this.options.retryAfterSeconds;
	}

	/**
	 * @param {SubmitEndpoint} endpoint
	 * @param {Record<string, unknown>} input
	 * @param {string | undefined} callback
	 * @param {number} cost
	 * @param {JobRecord | undefined} source
	 */
	createJob(endpoint, input, callback, cost, source) {
		const unsetDate = this.unsetDateForNextJob();
		const job = createJobRecord({
			taskType: endpoint.taskType,
			kind: endpoint.kind,
			input,
			callback,
			cost,
			quality: endpoint.quality ? endpoint.quality(source, input) : '',
			durationMs: this.options.jobMs,
			plannedOutcome: this.planOutcome(),
			urlCount: this.urlCountFor(endpoint),
			texts: textsFor(endpoint.taskType, input),
			extensionDepth: endpoint.taskType === 'extend_video' && source ? source.extensionDepth + 1 : 0,
			unsetDate,
		});
		this.credits -= cost;
		this.counters.creditsSpent += cost;
		this.counters.jobsCreated += 1;
		this.counters.submits += 1;
		this.jobRecords.set(job.id, job);
		this.running.add(job);
		this.counters.maxJobsInFlight = Math.max(this.counters.maxJobsInFlight, this.running.size);
		if (job.plannedOutcome !== 'never') this.armFinishTimer(job);
		if (this.options.progressCallbacks) this.armProgressCallback(job);
		return job;
	}

	/**
	 * Legnext's own front end handles callbacks for unfinished jobs, so a real sender may POST progress:
	 * with `progressCallbacks`, the job is sent (status `processing`) once when it starts processing.
	 * @param {JobRecord} job
	 */
	armProgressCallback(job) {
		if (!job.callback) return;
		const key = `${job.id}:progress`;
		const startsProcessing = Math.ceil(job.durationMs * (PENDING_SHARE + STAGED_SHARE)) + 1;
		this.jobTimers.set(key, this.setTimer(() => {
			this.jobTimers.delete(key);
			if (!job.finalStatus) this.sendCallback(job);
		}, startsProcessing));
	}

	/**
	 * Timers may fire a millisecond before Date.now() says the time is up; re-arm then, so a
	 * job never ends before created_at + jobMs.
	 * @param {JobRecord} job
	 */
	armFinishTimer(job) {
		const left = job.createdAt + job.durationMs - Date.now();
		if (left <= 0) return this.finishAsPlanned(job);
		this.jobTimers.set(job.id, this.setTimer(() => this.armFinishTimer(job), left));
	}

	/** @returns {'' | '0001-01-01T00:00:00Z'} */
	unsetDateForNextJob() {
		const style = this.options.unsetDate;
		this.jobsMade += 1;
		if (style === 'zero') return ZERO_DATE;
		if (style === 'alternate') return this.jobsMade % 2 === 0 ? ZERO_DATE : '';
		return '';
	}

	/** @returns {'complete' | 'fail' | 'never'} */
	planOutcome() {
		const failRate = Number(fault(this.options, 'failRate'));
		const neverRate = Number(fault(this.options, 'neverFinishRate'));
		if (failRate <= 0 && neverRate <= 0) return 'complete';
		const draw = this.random();
		if (draw < failRate) return 'fail';
		if (draw < failRate + neverRate) return 'never';
		return 'complete';
	}

	/** @param {SubmitEndpoint} endpoint */
	urlCountFor(endpoint) {
		if (endpoint.taskType === 'video_upscale') return this.options.upscaleUrls;
		if (endpoint.taskType === 'upscale') return 1;
		return endpoint.kind === 'text' ? 0 : 4;
	}

	/** @param {JobRecord} job */
	finishAsPlanned(job) {
		if (job.plannedOutcome === 'fail') this.finishJob(job, 'failed', FAILED_JOB_ERROR);
		else this.finishJob(job, 'completed');
	}

	/**
	 * End a job now and fire its callback. Returns false if it had already ended.
	 * @param {JobRecord} job
	 * @param {'completed' | 'failed'} status
	 * @param {{ code: number, message: string }} [error]
	 */
	finishJob(job, status, error) {
		if (job.finalStatus) return false;
		job.finalStatus = status;
		job.finishedAt = Date.now();
		this.running.delete(job);
		const timer = this.jobTimers.get(job.id);
		if (timer) this.clearTimer(timer);
		this.jobTimers.delete(job.id);
		if (status === 'completed') {
			this.counters.jobsCompleted += 1;
		} else {
			job.error = error || FAILED_JOB_ERROR;
			this.counters.jobsFailed += 1;
			if (this.options.refundFailed) {
				this.credits += job.cost;
				this.counters.creditsSpent -= job.cost;
			}
		}
		this.sendCallback(job);
		return true;
	}

	/** @param {string} id */
	completeJob(id) {
		const job = this.findJob(id);
		if (!job) return null;
		this.finishJob(job, 'completed');
		return this.jobObject(job);
	}

	/**
	 * @param {string} id
	 * @param {string} [message]
	 * @param {number} [code]
	 */
	failJob(id, message, code) {
		const job = this.findJob(id);
		if (!job) return null;
		this.finishJob(job, 'failed', { code: code ?? FAILED_JOB_ERROR.code, message: message || FAILED_JOB_ERROR.message });
		return this.jobObject(job);
	}

	// ---- callbacks ----

	/** @param {JobRecord} job */
	sendCallback(job) {
		if (!job.callback || this.closed) return;
		const copies = this.callbackCopies();
		if (copies === 0) {
			this.counters.callbacksLost += 1;
			return;
		}
		if (copies === 2) this.counters.callbacksDuplicated += 1;
		const jobObject = this.jobObject(job);
		const payload = this.options.callbackShape === 'bare' ? jobObject : { timestamp: Date.now(), data: jobObject };
		const delivery = this.deliverTimes(job.callback, payload, copies);
		this.callbacksInFlight.add(delivery);
		delivery.finally(() => this.callbacksInFlight.delete(delivery));
	}

	/** 0 = lost, 1 = normal, 2 = duplicated; one PRNG draw when either knob is on. */
	callbackCopies() {
		const lossRate = Number(fault(this.options, 'callbackLossRate'));
		const duplicateRate = Number(fault(this.options, 'callbackDuplicateRate'));
		if (lossRate <= 0 && duplicateRate <= 0) return 1;
		const draw = this.random();
		if (draw < lossRate) return 0;
		if (draw < lossRate + duplicateRate) return 2;
		return 1;
	}

	/**
	 * @param {string} url
	 * @param {unknown} payload
	 * @param {number} copies
	 */
	async deliverTimes(url, payload, copies) {
		for (let i = 0; i < copies && !this.closed; i++) {
			const abort = new AbortController();
			this.callbackAborts.add(abort);
			const result = await deliverCallback(url, payload, {
				timeoutMs: this.options.callbackTimeoutMs,
				signingSecret: this.options.callbackSigningSecret,
				allowExternal: this.options.allowExternalCallbacks,
				signal: abort.signal,
			});
			this.callbackAborts.delete(abort);
			if (result.ok) {
				this.counters.callbacksSent += 1;
			} else {
				this.counters.callbacksFailed += 1;
				const errors = this.counters.callbackErrors;
				errors.push(`${url}: ${result.error || `HTTP ${result.status}`}`);
				if (errors.length > KEEP_CALLBACK_ERRORS) errors.shift();
			}
		}
	}

	/** Resolves when every callback started so far has been delivered or has failed. */
	async waitForCallbacks() {
		while (this.callbacksInFlight.size > 0) await Promise.allSettled([...this.callbacksInFlight]);
	}

	abortCallbacks() {
		for (const abort of this.callbackAborts) abort.abort();
		this.callbackAborts.clear();
	}

	// ---- signed media URLs ----

	/**
	 * @param {string} path
	 * @param {number} expires  unix seconds
	 */
	sign(path, expires) {
		return createHmac('sha256', this.urlSecret).update(`${path}\n${expires}`).digest('hex').slice(0, 40);
	}

	/**
	 * Query string of a media URL: "" or a signed "?Expires=..&Signature=..", valid for
	 * signedUrlTtlSeconds from the job's end.
	 * @param {string} path
	 * @param {number} finishedAt
	 */
	mediaQuery(path, finishedAt) {
		if (!this.options.signedUrls) return '';
		const expires = Math.floor((finishedAt || Date.now()) / 1000) + this.options.signedUrlTtlSeconds;
		return `?Expires=${expires}&Signature=${this.sign(path, expires)}`;
	}

	/**
	 * @param {string} path
	 * @param {URLSearchParams} query
	 * @returns {'' | 'missing' | 'expired' | 'invalid'} "" when the URL may be served
	 */
	checkSignature(path, query) {
		if (!this.options.signedUrls) return '';
		const expires = Number(query.get('Expires'));
		const signature = query.get('Signature') || '';
		if (!expires || !signature) return 'missing';
		const expected = Buffer.from(this.sign(path, expires));
		const given = Buffer.from(signature);
		if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
		if (expires * 1000 < Date.now()) return 'expired';
		return '';
	}

	// ---- stats ----

	stats() {
		this.settleDue();
		const c = this.counters;
		return {
			...c,
			requests: { ...c.requests },
			faulted: { ...c.faulted },
			faultedRequests: { ...c.faultedRequests },
			readsByJob: { ...c.readsByJob },
			callbackErrors: [...c.callbackErrors],
			jobsInFlight: this.running.size,
			creditsLeft: this.credits,
			callbacksPending: this.callbacksInFlight.size,
			rulesQueued: this.rules.size,
		};
	}

	close() {
		this.closed = true;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		this.abortCallbacks();
	}
}

/**
 * Everything that reset() forgets (options are kept).
 * @param {SimulatorOptions} options
 */
function freshState(options) {
	return {
		random: createPrng(options.seed),
		/** @type {Map<string, JobRecord>} */
		jobRecords: new Map(),
		/** Jobs not yet finished, so settling does not walk every job ever made. */
		/** @type {Set<JobRecord>} */
		running: new Set(),
		/** @type {Map<string, ReturnType<typeof setTimeout>>} */
		jobTimers: new Map(),
		credits: options.credits,
		counters: createCounters(),
		rules: new RuleQueue(),
		jobsMade: 0,
	};
}

/**
 * Text results of describe (4 prompts) and shorten (5 shorter prompts).
 * @param {string} taskType
 * @param {Record<string, unknown>} input
 */
function textsFor(taskType, input) {
	if (taskType === 'describe') {
		return [1, 2, 3, 4].map((n) => `simulated description ${n} of the image, colourful test pattern, flat lighting --ar 1:1`);
	}
	if (taskType === 'shorten') {
		const words = String(input.prompt || '').split(/\s+/).filter(Boolean);
		return [1, 0.8, 0.6, 0.4, 0.2].map((share) => words.slice(0, Math.max(1, Math.ceil(words.length * share))).join(' '));
	}
	return [];
}

module.exports = { Simulator, FAILED_JOB_ERROR };
