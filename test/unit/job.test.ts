import { isFinished, parseJob, toJobItem, unwrapCallbackBody } from '../../nodes/legnext/job';

import type { IDataObject } from 'n8n-workflow';
import { jobBody, JOB_ID } from '../helpers/legnext';

/** The job object as the contract shows it, right after submit: an upscale, no dates yet. */
function submittedJob(overrides: IDataObject = {}) {
	const { meta } = jobBody() as { meta: IDataObject };
	return jobBody({ task_type: 'video_upscale', meta: { ...meta, created_at: '' }, ...overrides });
}

describe('parseJob', () => {
	it('reads a freshly submitted job: no error, no dates, reserved credits', () => {
		const job = parseJob(submittedJob());
		expect(job).toMatchObject({
			jobId: JOB_ID,
			status: 'pending',
			taskType: 'video_upscale',
			videoUrls: [],
			errorCode: null,
			errorMessage: null,
			createdAt: null,
			startedAt: null,
			endedAt: null,
			creditsFrozen: 480,
			creditsUsed: 0,
			callbackUrl: null,
		});
		expect(isFinished(job)).toBe(false);
	});

	it('reads completed video URLs, seed, dates and credits', () => {
		const job = parseJob(
			submittedJob({
				status: 'completed',
				task_type: 'video-diffusion',
				output: {
					video_urls: ['https://cdn/a.mp4', 'https://cdn/b.mp4?Expires=1&Signature=x'],
					seed: '42',
				},
				meta: {
					created_at: '2025-11-05T08:22:37Z',
					started_at: '0001-01-01T00:00:00Z',
					ended_at: '2025-11-05T08:26:00Z',
					usage: { type: 'point', frozen: 0, consume: 480 },
				},
			}),
		);
		expect(job.taskType).toBe('video_diffusion');
		expect(job.videoUrls).toEqual(['https://cdn/a.mp4', 'https://cdn/b.mp4?Expires=1&Signature=x']);
		expect(job.seed).toBe('42');
		expect(job.createdAt).toBe('2025-11-05T08:22:37Z');
		expect(job.startedAt).toBeNull();
		expect(job.creditsUsed).toBe(480);
		expect(isFinished(job)).toBe(true);
	});

	it('falls back to image_urls, then image_url, for video jobs without video_urls', () => {
		const fromList = parseJob(
			submittedJob({
				task_type: 'video_diffusion',
				output: { video_urls: [], image_urls: ['https://cdn/v.mp4'] },
			}),
		);
		expect(fromList.videoUrls).toEqual(['https://cdn/v.mp4']);
		const fromSingle = parseJob(
			submittedJob({
				task_type: 'extend_video',
				output: { video_urls: null, image_url: 'https://cdn/e.mp4' },
			}),
		);
		expect(fromSingle.videoUrls).toEqual(['https://cdn/e.mp4']);
		const imageJob = parseJob(
			submittedJob({
				task_type: 'diffusion',
				output: { image_url: 'https://cdn/grid.png', image_urls: ['https://cdn/1.png'] },
			}),
		);
		expect(imageJob.videoUrls).toEqual([]);
		expect(imageJob.imageUrl).toBe('https://cdn/grid.png');
	});

	it('keeps unknown statuses as unfinished', () => {
		expect(isFinished(parseJob(submittedJob({ status: 'retry' })))).toBe(false);
		expect(isFinished(parseJob(submittedJob({ status: 'FAILED' })))).toBe(true);
	});

	it('reads a failed job: code and message, message falling back to raw_message', () => {
		const failed = parseJob(
			submittedJob({
				status: 'failed',
				error: { code: 10001, message: '', raw_message: 'moderation' },
			}),
		);
		expect(failed.errorCode).toBe(10001);
		expect(failed.errorMessage).toBe('moderation');
	});

	it('survives bodies that are not job objects', () => {
		for (const body of [null, undefined, 'text', 42, [], { output: 'x', meta: [], error: null }]) {
			const job = parseJob(body);
			expect(job.jobId).toBe('');
			expect(job.videoUrls).toEqual([]);
			expect(isFinished(job)).toBe(false);
		}
	});
});

describe('unwrapCallbackBody', () => {
	it('accepts {timestamp, data: job} and the bare job', () => {
		const job = submittedJob({ status: 'completed' });
		expect(unwrapCallbackBody({ timestamp: 1760423128794, data: job })).toBe(job);
		expect(unwrapCallbackBody(job)).toBe(job);
	});

	it('refuses bodies without a job id', () => {
		for (const body of [{}, { data: {} }, { job_id: '' }, 'x', null, [submittedJob()]]) {
			expect(unwrapCallbackBody(body)).toBeNull();
		}
	});
});

describe('toJobItem', () => {
	it('gives the flat documented fields and the raw job; a video job has no image or text fields', () => {
		const raw = submittedJob({
			status: 'completed',
			output: { video_urls: ['https://cdn/a.mp4'], seed: '7' },
		});
		expect(toJobItem(parseJob(raw))).toEqual({
			jobId: JOB_ID,
			status: 'completed',
			taskType: 'video_upscale',
			videoUrls: ['https://cdn/a.mp4'],
			seed: '7',
			creditsUsed: 0,
			creditsReserved: 480,
			error: null,
			errorCode: null,
			createdAt: null,
			startedAt: null,
			endedAt: null,
			raw,
		});
	});
});
