import type { IDataObject } from 'n8n-workflow';

import { redactCallbackUrl } from './secrets';

/** A Legnext job, read tolerantly: every field the API may leave out or send as null has a safe value. */
export interface LegnextJob {
	jobId: string;
	status: string;
	/** Normalised to underscores (`video_diffusion`); the spec's enum uses hyphens. */
	taskType: string;
	model: string;
	videoUrls: string[];
	imageUrl: string | null;
	imageUrls: string[];
	seed: string;
	/** Text results of describe / shorten jobs, when the API returns any. */
	prompts: string[];
	availableActions: string[];
	creditsFrozen: number;
	creditsUsed: number;
	/** `null` when the job has no error (`error.code == 0`). */
	errorCode: number | null;
	errorMessage: string | null;
	createdAt: string | null;
	startedAt: string | null;
	endedAt: string | null;
	callbackUrl: string | null;
	raw: IDataObject;
}

export const FINISHED_STATUSES: readonly string[] = ['completed', 'failed'];

export function isFinished(job: LegnextJob): boolean {
	return FINISHED_STATUSES.includes(job.status);
}

function asObject(value: unknown): IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: {};
}

function asString(value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return String(value);
	return '';
}

function asNumber(value: unknown): number {
	const n = typeof value === 'string' ? Number(value) : value;
	return typeof n === 'number' && Number.isFinite(n) ? n : 0;
}

function asStringList(value: unknown): string[] {
	if (typeof value === 'string' && value !== '') return [value];
	if (!Array.isArray(value)) return [];
	return value.filter((v): v is string => typeof v === 'string' && v !== '');
}

/** Legnext marks unset dates as `""` or Go's zero time. */
function asDate(value: unknown): string | null {
	const text = asString(value);
	if (text === '' || text.startsWith('0001-01-01')) return null;
	return text;
}

/** Reads a job object from any body the API (or a callback) gives, without trusting its shape. */
export function parseJob(body: unknown): LegnextJob {
	const raw = asObject(body);
	const output = asObject(raw.output);
	const meta = asObject(raw.meta);
	const usage = asObject(meta.usage);
	const error = asObject(raw.error);
	const webhook = asObject(asObject(raw.config).webhook_config);

	const imageUrl = asString(output.image_url) || null;
	const imageUrls = asStringList(output.image_urls);
	let videoUrls = asStringList(output.video_urls);
	const taskType = asString(raw.task_type).replace(/-/g, '_');
	// One SDK example reads a video job's result from the image fields: fall back to them for video jobs.
	if (videoUrls.length === 0 && isVideoTaskType(taskType)) {
		videoUrls = imageUrls.length > 0 ? imageUrls : asStringList(imageUrl);
	}

	const errorCode = asNumber(error.code);
	const errorMessage =
		asString(error.message) || asString(error.raw_message) || asString(raw.message) || '';
	const status = asString(raw.status).toLowerCase();

	return {
		jobId: asString(raw.job_id),
		status,
		taskType,
		model: asString(raw.model),
		videoUrls,
		imageUrl,
		imageUrls,
		seed: asString(output.seed),
		// `prompt` can be the first of `prompts` repeated (describe, shorten): take the list when there is one.
		prompts:
			asStringList(output.prompts).length > 0
				? asStringList(output.prompts)
				: asStringList(output.prompt),
		availableActions: asStringList(output.available_actions),
		creditsFrozen: asNumber(usage.frozen),
		creditsUsed: asNumber(usage.consume),
		errorCode: errorCode !== 0 || status === 'failed' ? errorCode : null,
		errorMessage: errorCode !== 0 || status === 'failed' ? errorMessage || 'Job failed' : null,
		createdAt: asDate(meta.created_at),
		startedAt: asDate(meta.started_at),
		endedAt: asDate(meta.ended_at),
		callbackUrl: asString(webhook.endpoint) || null,
		raw: withoutCallbackSecrets(raw),
	};
}

/**
 * The job body for outputs: Legnext echoes the callback URL it was given, tokens included, and a
 * token in an output reaches every later node, the execution log and anyone who can read it.
 */
function withoutCallbackSecrets(raw: IDataObject): IDataObject {
	const config = asObject(raw.config);
	const webhook = asObject(config.webhook_config);
	if (typeof webhook.endpoint !== 'string' && !webhook.secret) return raw;
	const redacted: IDataObject = { ...webhook };
	if (typeof webhook.endpoint === 'string') redacted.endpoint = redactCallbackUrl(webhook.endpoint);
	if (webhook.secret) redacted.secret = '[redacted]';
	return { ...raw, config: { ...config, webhook_config: redacted } };
}

export function isVideoTaskType(taskType: string): boolean {
	return ['video_diffusion', 'extend_video', 'video_extend', 'video_upscale'].includes(
		taskType.replace(/-/g, '_'),
	);
}

/**
 * Callbacks come as `{timestamp, data: job}` or as the bare job (both seen in vendor code).
 * Returns the job body, or `null` when neither shape fits.
 */
export function unwrapCallbackBody(body: unknown): IDataObject | null {
	const outer = asObject(body);
	const inner = asObject(outer.data);
	if (typeof inner.job_id === 'string' && inner.job_id !== '') return inner;
	if (typeof outer.job_id === 'string' && outer.job_id !== '') return outer;
	return null;
}

/** Which result fields a job's item carries: only those its kind of job can fill. */
export type ResultKind = 'video' | 'image' | 'text' | 'any';

const TEXT_TASK_TYPES: readonly string[] = ['describe', 'shorten'];

export function resultKind(taskType: string): ResultKind {
	if (taskType === '') return 'any';
	if (isVideoTaskType(taskType)) return 'video';
	return TEXT_TASK_TYPES.includes(taskType) ? 'text' : 'image';
}

function resultFields(job: LegnextJob): IDataObject {
	const kind = resultKind(job.taskType);
	const fields: IDataObject = {};
	if (kind === 'video' || kind === 'any') fields.videoUrls = job.videoUrls;
	if (kind === 'image' || kind === 'any') {
		fields.imageUrl = job.imageUrl;
		fields.imageUrls = job.imageUrls;
	}
	if (kind === 'text' || kind === 'any') fields.prompts = job.prompts;
	return fields;
}

/**
 * The flat item both nodes output for a job, documented field by field in the README. The fields people use
 * first lead; `wait` (how the node waited: waitMode, callbackReceived, waitNote) comes next and `raw` last, so
 * the long API answer does not hide them. Result fields depend on the job's type, not on its status, so every
 * item of one operation has the same fields.
 */
export function toJobItem(job: LegnextJob, wait: IDataObject = {}): IDataObject {
	return {
		jobId: job.jobId,
		status: job.status,
		taskType: job.taskType,
		...resultFields(job),
		seed: job.seed,
		creditsUsed: job.creditsUsed,
		creditsReserved: job.creditsFrozen,
		error: job.errorMessage,
		errorCode: job.errorCode,
		createdAt: job.createdAt,
		startedAt: job.startedAt,
		endedAt: job.endedAt,
		...wait,
		raw: job.raw,
	};
}
