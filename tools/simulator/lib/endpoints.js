// @ts-check
'use strict';

/**
 * The submit endpoints: how each validates its body, which earlier job it needs, what it costs
 * and what kind of output its job will produce.
 */

const { ApiError } = require('./errors');
const { isHttpUrl } = require('./validate');

/** @typedef {import('./validate').BodyReader} BodyReader */
/** @typedef {import('./jobs').JobRecord} JobRecord */
/** @typedef {import('./options').SimulatorOptions} SimulatorOptions */

/**
 * @typedef {object} SubmitEndpoint
 * @property {string} taskType                 with underscores, as the API returns it
 * @property {'video' | 'image' | 'text'} kind  what the finished job's output holds
 * @property {(r: BodyReader, options: SimulatorOptions) => void} read   validate and collect fields
 * @property {SourceRule} [source]             earlier job this action works on
 * @property {(input: Record<string, any>, source: JobRecord | undefined) => number} cost
 * @property {(source: JobRecord | undefined, input: Record<string, any>) => string} [quality] '480p' | '720p'
 */

/**
 * @typedef {object} SourceRule
 * @property {boolean} [optional]        only video-diffusion: without jobId it works from a prompt
 * @property {'image' | 'video'} kind
 * @property {readonly string[]} [taskTypes] allowed task types of the source (default: any of that kind)
 */

/** Legnext's pricing page (fast mode): the same figures as the package's credit table. */
const COST = { imagine: 80, variation: 120, upscaleSubtle: 120, upscaleCreative: 160, text: 20, video480: 480, video720: 1536, videoUpscale: 480 };

const VIDEO_SOURCE_TYPES = ['video_diffusion', 'extend_video'];
/** Image jobs that hold a 2x2 grid (upscale/variation/... take one of its four images). */
const GRID_TYPES = ['diffusion', 'variation', 'reroll', 'blend', 'pan', 'outpaint'];

/** @param {string | undefined} quality */
function videoCost(quality) {
	return quality === '720p' ? COST.video720 : COST.video480;
}

/** @type {Record<string, SubmitEndpoint>} */
const SUBMIT_ENDPOINTS = {
	'/api/v1/video-diffusion': {
		taskType: 'video_diffusion',
		kind: 'video',
		source: { kind: 'image', optional: true, taskTypes: [...GRID_TYPES, 'upscale'] },
		read(r, options) {
			const hasJob = r.has('jobId');
			if (hasJob) {
				r.jobId('jobId');
				r.int('imageNo', { required: true, min: 0, max: 3 });
			}
			const prompt = r.string('prompt', { required: !hasJob });
			r.oneOf('videoType', [0, 1]);
			r.url('callback');
			// Without an image job, the prompt should start with an image URL; text-only is unverified.
			if (!hasJob && prompt !== undefined && !startsWithUrl(prompt) && !options.textToVideo) {
				throw new ApiError(400, 'invalid parameter "prompt": must start with an image URL when no jobId is given');
			}
		},
		quality: (_source, input) => (input.videoType === 1 ? '720p' : '480p'),
		cost: (input) => (input.videoType === 1 ? COST.video720 : COST.video480),
	},
	'/api/v1/extend-video': {
		taskType: 'extend_video',
		kind: 'video',
		source: { kind: 'video', taskTypes: VIDEO_SOURCE_TYPES },
		read(r) {
			r.jobId('jobId');
			r.int('videoNo', { required: true, min: 0, max: 3 });
			r.string('prompt');
			r.url('callback');
		},
		quality: (source) => source?.quality || '480p',
		cost: (_input, source) => videoCost(source?.quality),
	},
	'/api/v1/video-upscale': {
		taskType: 'video_upscale',
		kind: 'video',
		source: { kind: 'video', taskTypes: VIDEO_SOURCE_TYPES },
		read(r) {
			r.jobId('jobId');
			r.int('videoNo', { required: true, min: 0, max: 3 });
			r.url('callback');
		},
		quality: (source) => source?.quality || '480p',
		cost: () => COST.videoUpscale,
	},
	'/api/v1/diffusion': {
		taskType: 'diffusion',
		kind: 'image',
		read(r) {
			r.string('text', { required: true });
			r.url('callback');
		},
		cost: () => COST.imagine,
	},
	'/api/v1/upscale': {
		taskType: 'upscale',
		kind: 'image',
		source: { kind: 'image', taskTypes: GRID_TYPES },
		read(r) {
			r.jobId('jobId');
			r.int('imageNo', { required: true, min: 0, max: 3 });
			r.oneOf('type', [0, 1]);
			r.url('callback');
		},
		cost: (input) => (input.type === 1 ? COST.upscaleCreative : COST.upscaleSubtle),
	},
	'/api/v1/variation': {
		taskType: 'variation',
		kind: 'image',
		source: { kind: 'image', taskTypes: GRID_TYPES },
		read(r) {
			r.jobId('jobId');
			r.int('imageNo', { required: true, min: 0, max: 3 });
			r.oneOf('type', [0, 1]);
			r.string('remixPrompt');
			r.url('callback');
		},
		cost: () => COST.variation,
	},
	'/api/v1/reroll': {
		taskType: 'reroll',
		kind: 'image',
		source: { kind: 'image', taskTypes: GRID_TYPES },
		read(r) {
			r.jobId('jobId');
			r.url('callback');
		},
		cost: () => COST.imagine,
	},
	'/api/v1/blend': {
		taskType: 'blend',
		kind: 'image',
		read(r) {
			r.urlList('imgUrls', { min: 2, max: 5 });
			r.oneOf('aspect_ratio', ['2:3', '1:1', '3:2']);
			r.url('callback');
		},
		cost: () => COST.imagine,
	},
	'/api/v1/describe': {
		taskType: 'describe',
		kind: 'text',
		// `imgUrl` in the OpenAPI spec, the Postman collection and the vendor's n8n node; `imageLink` in one docs version.
		read(r, options) {
			const field = options.describeField;
			if (field === 'either' && r.has('imageLink')) r.url('imageLink', { required: true });
			else r.url(field === 'imageLink' ? 'imageLink' : 'imgUrl', { required: true });
			r.url('callback');
		},
		cost: () => COST.text,
	},
	'/api/v1/shorten': {
		taskType: 'shorten',
		kind: 'text',
		read(r) {
			r.string('prompt', { required: true });
			r.url('callback');
		},
		cost: () => COST.text,
	},
	'/api/v1/pan': {
		taskType: 'pan',
		kind: 'image',
		source: { kind: 'image' },
		read(r) {
			r.jobId('jobId');
			r.int('imageNo', { required: true, min: 0, max: 3 });
			r.int('direction', { required: true, min: 0, max: 3 });
			r.number('scale', { required: true, min: 1.1, max: 3.0 });
			r.string('remixPrompt');
			r.url('callback');
		},
		cost: () => COST.imagine,
	},
	'/api/v1/outpaint': {
		taskType: 'outpaint',
		kind: 'image',
		source: { kind: 'image' },
		read(r) {
			r.jobId('jobId');
			r.int('imageNo', { required: true, min: 0, max: 3 });
			r.number('scale', { required: true, min: 1.1, max: 2.0 });
			r.string('remixPrompt');
			r.url('callback');
		},
		cost: () => COST.imagine,
	},
};

/** @param {string} prompt */
function startsWithUrl(prompt) {
	return isHttpUrl(prompt.trim().split(/\s+/)[0]);
}

/**
 * Check that the earlier job an action refers to exists and fits.
 * @param {SubmitEndpoint} endpoint
 * @param {Record<string, any>} input
 * @param {(id: string) => JobRecord | undefined} findJob
 * @returns {JobRecord | undefined}
 */
function resolveSource(endpoint, input, findJob) {
	const rule = endpoint.source;
	if (!rule || input.jobId === undefined) return undefined;
	const source = findJob(input.jobId);
	if (!source) throw new ApiError(404, `job ${input.jobId} not found`);
	const allowed = rule.taskTypes ? rule.taskTypes.includes(source.taskType) : source.kind === rule.kind;
	if (!allowed) {
		throw new ApiError(400, `invalid parameter "jobId": job ${source.id} is a ${source.taskType} job, this action needs a ${rule.kind} job`);
	}
	if (source.finalStatus !== 'completed') {
		throw new ApiError(400, `invalid parameter "jobId": job ${source.id} is not completed`);
	}
	if (endpoint.taskType === 'extend_video' && source.extensionDepth >= MAX_EXTENSIONS) {
		throw new ApiError(400, `invalid parameter "jobId": a video can be extended at most ${MAX_EXTENSIONS} times`);
	}
	return source;
}

const MAX_EXTENSIONS = 4;

module.exports = { SUBMIT_ENDPOINTS, resolveSource, startsWithUrl, COST, MAX_EXTENSIONS };
