// @ts-check
'use strict';

/**
 * Options of the simulator, their defaults, and how a partial update is merged in.
 * Everything here is plain data so it can travel through the HTTP control API as JSON.
 */

/**
 * @typedef {object} Faults
 * @property {number} [readErrorRate]        share of GET /api/v1/job reads answered 500/502/503
 * @property {number} [read429Rate]          share of job reads answered 429 with Retry-After
 * @property {number} [dropRate]             share of job reads whose socket is destroyed without a response
 * @property {number} [submitErrorRate]      share of submits answered 500/502/503
 * @property {number} [submit429Rate]        share of submits answered 429 (never creates a job)
 * @property {number} [submitDropRate]       share of submits whose socket is destroyed
 * @property {boolean} [submitFaultCreatesJob] a submit 5xx/drop/HTML error still creates the job (and spends credits)
 * @property {number | [number, number]} [latencyMs] added to every API response (fixed, or a [min,max] range)
 * @property {number} [failRate]             share of jobs that end failed
 * @property {number} [neverFinishRate]      share of jobs stuck in processing forever
 * @property {number} [callbackLossRate]     share of callbacks never sent
 * @property {number} [callbackDuplicateRate] share of callbacks sent twice
 * @property {number} [htmlErrorRate]        share of API responses replaced by a 502 HTML page
 * @property {number} [truncatedJsonRate]    share of API responses sent as 200 with cut-off JSON
 * @property {number} [cdnDropRate]          share of /cdn/ downloads cut off half way
 * @property {number} [retryAfterSeconds]    alias of the top-level option
 */

/**
 * @typedef {object} SimulatorOptions
 * @property {number} port
 * @property {string} apiKey
 * @property {number} credits
 * @property {number} concurrency
 * @property {number} jobMs
 * @property {number} videoBytes
 * @property {'wrapped' | 'bare'} callbackShape
 * @property {Faults} faults
 * @property {number} seed
 * @property {1 | 4} upscaleUrls            number of URLs of a finished video upscale
 * @property {boolean} signedUrls           media URLs carry ?Expires=&Signature= (checked by /cdn/)
 * @property {number} signedUrlTtlSeconds   lifetime of a signed URL, counted from the job's end
 * @property {'flat' | 'job' | 'mixed'} errorShape
 * @property {'' | 'zero' | 'alternate'} unsetDate  how unset dates look: "" or "0001-01-01T00:00:00Z" or alternating per job
 * @property {'underscore' | 'hyphen'} taskTypeStyle
 * @property {'video_urls' | 'image_urls'} videoOutputField where finished video URLs are put
 * @property {boolean} retryStatus          report status "retry" for a while during processing
 * @property {boolean} textToVideo          accept video-diffusion with a text-only prompt
 * @property {'imgUrl' | 'imageLink' | 'either'} describeField the image field /describe takes
 * @property {'promptEn' | 'prompts'} textOutput how describe/shorten results come: one emoji-numbered string, or a list
 * @property {boolean} progressCallbacks    also POST the job to its callback when it starts processing
 * @property {boolean} rejectEmptyStrings   "" in an optional string field is a 400 (else treated as absent)
 * @property {boolean} refundFailed         credits of a failed job are given back
 * @property {number} retryAfterSeconds
 * @property {number} maxBodyBytes          larger request bodies get 413
 * @property {number} callbackTimeoutMs
 * @property {string} callbackSigningSecret when set, callbacks carry X-Legnext-Timestamp / X-Legnext-Signature
 * @property {boolean} allowExternalCallbacks when false only loopback callback hosts are contacted
 * @property {string} publicUrl            base of media URLs (default: the simulator's own URL)
 */

/** @type {Required<Faults>} */
const DEFAULT_FAULTS = Object.freeze({
	readErrorRate: 0,
	read429Rate: 0,
	dropRate: 0,
	submitErrorRate: 0,
	submit429Rate: 0,
	submitDropRate: 0,
	submitFaultCreatesJob: false,
	latencyMs: 0,
	failRate: 0,
	neverFinishRate: 0,
	callbackLossRate: 0,
	callbackDuplicateRate: 0,
	htmlErrorRate: 0,
	truncatedJsonRate: 0,
	cdnDropRate: 0,
	retryAfterSeconds: 1,
});

/** @type {SimulatorOptions} */
const DEFAULT_OPTIONS = Object.freeze({
	port: 0,
	apiKey: 'sim-key',
	credits: 100000,
	concurrency: 6,
	jobMs: 3000,
	videoBytes: 262144,
	callbackShape: 'wrapped',
	faults: {},
	seed: 1,
	upscaleUrls: 1,
	signedUrls: false,
	signedUrlTtlSeconds: 3600,
	errorShape: 'mixed',
	unsetDate: 'alternate',
	taskTypeStyle: 'underscore',
	videoOutputField: 'video_urls',
	retryStatus: false,
	textToVideo: true,
	describeField: 'imgUrl',
	textOutput: 'promptEn',
	progressCallbacks: false,
	rejectEmptyStrings: true,
	refundFailed: true,
	retryAfterSeconds: 1,
	maxBodyBytes: 1024 * 1024,
	callbackTimeoutMs: 5000,
	callbackSigningSecret: '',
	allowExternalCallbacks: false,
	publicUrl: '',
});

/** @type {Record<string, readonly unknown[]>} */
const ENUMS = {
	callbackShape: ['wrapped', 'bare'],
	upscaleUrls: [1, 4],
	errorShape: ['flat', 'job', 'mixed'],
	unsetDate: ['', 'zero', 'alternate'],
	taskTypeStyle: ['underscore', 'hyphen'],
	videoOutputField: ['video_urls', 'image_urls'],
	describeField: ['imgUrl', 'imageLink', 'either'],
	textOutput: ['promptEn', 'prompts'],
};

/**
 * Merge a partial update into the current options. `faults` is merged key by key;
 * `faults: null` switches every fault off. Throws on an unknown option or a bad enum value
 * so a typo in a test fails loudly instead of silently doing nothing.
 * @param {SimulatorOptions} current
 * @param {Record<string, any>} [partial]
 * @returns {SimulatorOptions}
 */
function mergeOptions(current, partial) {
	if (partial === undefined || partial === null) return current;
	if (typeof partial !== 'object' || Array.isArray(partial)) throw new TypeError('options must be an object');
	const next = { ...current, faults: { ...current.faults } };
	for (const [key, value] of Object.entries(partial)) {
		if (value === undefined) continue;
		if (key === 'faults') {
			next.faults = value === null ? {} : mergeFaults(next.faults, value);
			continue;
		}
		if (!(key in DEFAULT_OPTIONS)) throw new TypeError(`unknown simulator option "${key}"`);
		if (ENUMS[key] && !ENUMS[key].includes(value)) {
			throw new TypeError(`option ${key} must be one of ${ENUMS[key].map((v) => JSON.stringify(v)).join(', ')}`);
		}
		/** @type {any} */ (next)[key] = value;
	}
	return next;
}

/**
 * @param {Faults} current
 * @param {Record<string, any>} partial
 * @returns {Faults}
 */
function mergeFaults(current, partial) {
	if (typeof partial !== 'object' || Array.isArray(partial)) throw new TypeError('faults must be an object');
	for (const key of Object.keys(partial)) {
		if (!(key in DEFAULT_FAULTS)) throw new TypeError(`unknown fault "${key}"`);
	}
	return { ...current, ...partial };
}

/**
 * Read a fault knob with its default.
 * @template {keyof Faults} K
 * @param {SimulatorOptions} options
 * @param {K} name
 * @returns {Required<Faults>[K]}
 */
function fault(options, name) {
	const value = options.faults[name];
	return /** @type {any} */ (value === undefined ? DEFAULT_FAULTS[name] : value);
}

module.exports = { DEFAULT_OPTIONS, DEFAULT_FAULTS, mergeOptions, fault };
