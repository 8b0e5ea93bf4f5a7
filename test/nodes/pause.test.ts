/**
 * Pause mode: the Video node submits with its resume URL as callback, the execution waits (no reads),
 * and its webhook() resumes it only for a call with our token about a job the API confirms.
 */
import { randomBytes } from 'crypto';
import nock from 'nock';
import type { IDataObject, IExecuteData } from 'n8n-workflow';

import {
	completedJob,
	everythingVisible,
	jobBody,
	JOB_ID,
	runVideoNode,
	SENTINEL_KEY,
	useFastRetries,
	VIDEO_NODE,
} from '../helpers/legnext';
import { TestCredentialsHelper } from '../helpers/workflow/credentials';
import type { WorkflowRunResult } from '../helpers/workflow/run';
import { resumeWorkflow } from '../helpers/workflow/resume';

const API = 'http://legnext.test';
const CDN = 'http://cdn.test';
const OTHER_JOB = '0b9c3f7e-1d2a-4e5b-8c6d-7f8091a2b3c4';
const video = randomBytes(64 * 1024);
const videoUrls = [0, 1, 2, 3].map((n) => `${CDN}/v/${n}.mp4`);

const pauseCreate = {
	resource: 'video',
	operation: 'create',
	source: 'imageUrl',
	imageUrl: 'https://img.test/cat.png',
	waitStrategy: 'pause',
	download: 'one',
	downloadNumber: 2,
	options: { timeoutMinutes: 30 },
};

useFastRetries();
beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

/** Starts a pause-mode run; returns the waiting result and the callback URL Legnext was given. */
async function startPaused(extra: IDataObject = {}): Promise<{
	waiting: WorkflowRunResult;
	callback: URL;
	reads: () => number;
}> {
	let callback = '';
	nock(API)
		.post('/api/v1/video-diffusion', (body: IDataObject) => {
			callback = String(body.callback);
			return true;
		})
		.reply(200, jobBody());
	let reads = 0;
	nock(API)
		.persist()
		.get(/\/api\/v1\/job\/.*/)
		.reply(() => {
			reads++;
			return [500, {}];
		});
	const waiting = await runVideoNode({ parameters: { ...pauseCreate, ...extra }, baseUrl: API });
	nock.cleanAll();
	return { waiting, callback: new URL(callback), reads: () => reads };
}

function callbackRequest(callback: URL, body: unknown, token?: string) {
	const query: Record<string, string> = Object.fromEntries(callback.searchParams.entries());
	if (token !== undefined) query.token = token;
	return { request: { method: 'POST' as const, body, query } };
}

/** Runs `calls` and counts n8n's credential reads meanwhile; `failFirst` makes the first read fail. */
async function credentialReadsDuring(
	calls: () => Promise<void>,
	{ failFirst = false } = {},
): Promise<number> {
	const reads = jest.spyOn(TestCredentialsHelper.prototype, 'getDecrypted');
	try {
		if (failFirst) reads.mockRejectedValueOnce(new Error('credential store unavailable'));
		await calls();
		return reads.mock.calls.length;
	} finally {
		reads.mockRestore();
	}
}

function confirmWith(job: IDataObject) {
	return nock(API, { reqheaders: { 'x-api-key': SENTINEL_KEY } })
		.get(`/api/v1/job/${job.job_id}`)
		.reply(200, job);
}

it('submits with the resume URL and a token as callback, then waits without reading the job', async () => {
	const { waiting, callback, reads } = await startPaused();
	expect(waiting.status).toBe('waiting');
	expect(waiting.waitTill?.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
	expect(callback.pathname).toMatch(/\/webhook-waiting\//);
	expect(callback.searchParams.get('token')).toMatch(/^[0-9a-f]{32}$/);
	expect(reads()).toBe(0);
	// If the deadline passes without a call, n8n passes the node's input on: it says what happened.
	const stack = waiting.run.data.executionData?.nodeExecutionStack as IExecuteData[];
	const passThrough = stack[0].data.main[0]?.[0].json as IDataObject;
	expect(passThrough).toMatchObject({ jobId: JOB_ID, callbackReceived: false, waitMode: 'pause' });
	expect(passThrough.error).toMatch(
		new RegExp(`No callback from Legnext for job ${JOB_ID} by .*"Get Job"`),
	);
});

it('a good callback (either body shape) resumes with the API-confirmed job and its file', async () => {
	for (const shape of ['wrapped', 'bare'] as const) {
		const { waiting, callback } = await startPaused();
		const job = completedJob(videoUrls, {
			config: { webhook_config: { endpoint: callback.toString(), secret: '' } },
		});
		confirmWith(job);
		nock(CDN, { badheaders: ['x-api-key'] })
			.get('/v/2.mp4')
			.reply(200, video);
		const body = shape === 'wrapped' ? { timestamp: Date.now(), data: job } : job;
		const { webhook, result } = await resumeWorkflow(waiting, callbackRequest(callback, body));
		expect(webhook.response.status).toBe(200);
		expect(result?.status).toBe('success');
		const [item] = result!.outputOf(VIDEO_NODE);
		expect(item.json).toMatchObject({
			jobId: JOB_ID,
			status: 'completed',
			videoUrls,
			waitMode: 'pause',
			callbackReceived: true,
		});
		expect(item.binary?.data.fileName).toBe(`${JOB_ID}_2.mp4`);
		expect((await result!.binaryBuffer(item, 'data')).equals(video)).toBe(true);
		expect(everythingVisible(item)).not.toContain(SENTINEL_KEY);
	}
});

it('the resumed item keeps what the node added at submit: Reference and the credit estimate', async () => {
	const { waiting, callback } = await startPaused({ reference: 'sheet-row-42' });
	expect(waiting.outputOf(VIDEO_NODE)[0].json).toMatchObject({
		reference: 'sheet-row-42',
		creditsEstimated: 480,
	});
	const job = completedJob(videoUrls, {
		config: { webhook_config: { endpoint: callback.toString(), secret: '' } },
	});
	confirmWith(job);
	nock(CDN).get('/v/2.mp4').reply(200, video);
	const { result } = await resumeWorkflow(waiting, callbackRequest(callback, job));
	expect(result?.status).toBe('success');
	expect(result!.outputOf(VIDEO_NODE)[0].json).toMatchObject({
		jobId: JOB_ID,
		reference: 'sheet-row-42',
		creditsEstimated: 480,
		callbackReceived: true,
	});
});

it('a wrong or missing token gets 401 and leaves the run waiting', async () => {
	const { waiting, callback } = await startPaused();
	let reads = 0;
	nock(API)
		.persist()
		.get(/.*/)
		.reply(() => {
			reads++;
			return [200, completedJob(videoUrls)];
		});
	for (const token of ['0'.repeat(32), 'short', '']) {
		const { webhook, result } = await resumeWorkflow(
			waiting,
			callbackRequest(callback, completedJob(videoUrls), token),
		);
		expect(webhook.response.status).toBe(401);
		expect(result).toBeUndefined();
	}
	expect(reads).toBe(0);
});

it('a premature call (job not finished) gets 409; the later real call resumes', async () => {
	const { waiting, callback } = await startPaused();
	confirmWith(jobBody({ status: 'processing' }));
	const early = await resumeWorkflow(waiting, callbackRequest(callback, completedJob(videoUrls)));
	expect(early.webhook.response.status).toBe(409);
	expect(early.result).toBeUndefined();

	confirmWith(completedJob(videoUrls));
	nock(CDN).get('/v/2.mp4').reply(200, video);
	const real = await resumeWorkflow(waiting, callbackRequest(callback, completedJob(videoUrls)));
	expect(real.result?.status).toBe('success');
});

it('progress calls (job not finished) get 200 and leave the run waiting; the finished call resumes', async () => {
	const { waiting, callback } = await startPaused();
	// Reported unfinished by the call itself: nothing to confirm, the API is not asked.
	for (const status of ['pending', 'processing', 'running']) {
		const progress = await resumeWorkflow(
			waiting,
			callbackRequest(callback, { timestamp: Date.now(), data: jobBody({ status }) }),
		);
		expect(progress.webhook.response).toMatchObject({ status: 200, body: { ok: true } });
		expect(progress.result).toBeUndefined();
	}
	expect(nock.pendingMocks()).toEqual([]);

	confirmWith(completedJob(videoUrls));
	nock(CDN).get('/v/2.mp4').reply(200, video);
	const real = await resumeWorkflow(waiting, callbackRequest(callback, completedJob(videoUrls)));
	expect(real.result?.status).toBe('success');
	expect(real.result?.outputOf(VIDEO_NODE)[0].json.callbackReceived).toBe(true);
});

it('a forged call about a job the API does not know gets 404', async () => {
	const { waiting, callback } = await startPaused();
	nock(API).get(`/api/v1/job/${OTHER_JOB}`).reply(404, { code: 404, message: 'job not found' });
	const forged = await resumeWorkflow(
		waiting,
		callbackRequest(callback, completedJob(videoUrls, { job_id: OTHER_JOB })),
	);
	expect(forged.webhook.response.status).toBe(404);
	expect(forged.result).toBeUndefined();
});

it('a replayed call about a job of another execution gets 409', async () => {
	const { waiting, callback } = await startPaused();
	const foreign = completedJob(videoUrls, {
		job_id: OTHER_JOB,
		config: {
			webhook_config: {
				endpoint: 'http://127.0.0.1:5678/webhook-waiting/99?token=feed',
				secret: '',
			},
		},
	});
	confirmWith(foreign);
	const replay = await resumeWorkflow(waiting, callbackRequest(callback, foreign));
	expect(replay.webhook.response.status).toBe(409);
	expect(replay.result).toBeUndefined();
});

it('a failed job resumes the run with the failure in the item', async () => {
	const { waiting, callback } = await startPaused();
	const failed = jobBody({
		status: 'failed',
		error: { code: 10001, message: 'moderation', raw_message: '' },
	});
	confirmWith(failed);
	const { result } = await resumeWorkflow(waiting, callbackRequest(callback, failed));
	expect(result?.outputOf(VIDEO_NODE)[0].json).toMatchObject({
		status: 'failed',
		error: 'moderation',
	});
});

it('a callback reads the credential once, for its token and the confirming read', async () => {
	const { waiting, callback } = await startPaused({ download: 'none' });
	confirmWith(completedJob(videoUrls));
	const reads = await credentialReadsDuring(async () => {
		const { result } = await resumeWorkflow(
			waiting,
			callbackRequest(callback, completedJob(videoUrls)),
		);
		expect(result?.status).toBe('success');
	});
	expect(reads).toBe(1);
});

it('two waiting runs do not share a credential read', async () => {
	const first = await startPaused({ download: 'none' });
	const second = await startPaused({ download: 'none' });
	const reads = await credentialReadsDuring(async () => {
		for (const { waiting, callback } of [first, second]) {
			confirmWith(completedJob(videoUrls));
			const { result } = await resumeWorkflow(
				waiting,
				callbackRequest(callback, completedJob(videoUrls)),
			);
			expect(result?.status).toBe('success');
		}
	});
	expect(reads).toBe(2);
});

it('above Max Concurrent Jobs it polls instead, and says so', async () => {
	nock(API).persist().post('/api/v1/video-diffusion').reply(200, jobBody());
	nock(API).persist().get(`/api/v1/job/${JOB_ID}`).reply(200, completedJob(videoUrls));
	const result = await runVideoNode({
		parameters: {
			...pauseCreate,
			download: 'none',
			options: { maxPollIntervalSeconds: 0.05, maxConcurrentJobs: 2 },
		},
		items: [{}, {}, {}],
		baseUrl: API,
	});
	expect(result.status).toBe('success');
	for (const item of result.outputOf(VIDEO_NODE)) {
		expect(item.json.waitMode).toBe('poll');
		expect(item.json.waitNote).toMatch(
			/at most Max Concurrent Jobs \(2\) items: with 3 items the jobs were polled instead/,
		);
	}
});

describe('a batch in pause mode', () => {
	const BATCH_IDS = [
		'a0000000-0000-4000-8000-000000000000',
		'a1111111-1111-4111-8111-111111111111',
		'a2222222-2222-4222-8222-222222222222',
	];
	const batchVideos = BATCH_IDS.map((_, n) => randomBytes(1024 + n));
	const batchJob = (n: number) => completedJob([`${CDN}/b/${n}.mp4`], { job_id: BATCH_IDS[n] });

	/**
	 * Starts a 3-item pause run; each item's job ID is BATCH_IDS[item] (the item read from `job=`).
	 * Counts the API reads made before the run waits (any GET answers 500).
	 */
	async function startBatch(): Promise<{
		waiting: WorkflowRunResult;
		callbacks: URL[];
		readsBeforeWait: number;
	}> {
		const callbacks: URL[] = [];
		nock(API)
			.persist()
			.post('/api/v1/video-diffusion')
			.reply((_uri, body) => {
				const callback = new URL(String((body as IDataObject).callback));
				const index = Number(callback.searchParams.get('job'));
				callbacks[index] = callback;
				return [200, jobBody({ job_id: BATCH_IDS[index] })];
			});
		let readsBeforeWait = 0;
		nock(API)
			.persist()
			.get(/.*/)
			.reply(() => {
				readsBeforeWait++;
				return [500, {}];
			});
		const waiting = await runVideoNode({
			parameters: { ...pauseCreate, download: 'one', downloadNumber: 1 },
			items: [{ n: 0 }, { n: 1 }, { n: 2 }],
			baseUrl: API,
		});
		nock.cleanAll();
		return { waiting, callbacks, readsBeforeWait };
	}

	/**
	 * A waiting batch and Legnext behind it: job reads (counted per job ID) say `finished` jobs are
	 * completed and the others processing; the active-task list shows the unfinished jobs
	 * ('unfinished'), none ('empty') or fails with 500 ('failing'); the CDN serves every file (or 404 once: failDownloadOnce).
	 * `callBack(n)` sends job n's completed callback to item n's URL (or to `url`).
	 */
	async function waitingBatch(finishedIds: string[], list: 'unfinished' | 'empty' | 'failing') {
		const { waiting, callbacks } = await startBatch();
		const finished = new Set(finishedIds);
		const reads: Record<string, number> = {};
		let unfinishedReads = 0;
		let listReads = 0;
		nock(API)
			.persist()
			.get(/\/api\/v1\/job\/.*/)
			.reply((uri) => {
				const id = uri.split('/').pop() as string;
				reads[id] = (reads[id] ?? 0) + 1;
				const n = BATCH_IDS.indexOf(id);
				if (!finished.has(id)) {
					unfinishedReads++;
					return [200, jobBody({ job_id: id, status: 'processing' })];
				}
				return [200, batchJob(n)];
			});
		nock(API)
			.persist()
			.get('/api/account/active_tasks')
			.reply(() => {
				listReads++;
				if (list === 'failing') return [500, {}];
				const active = list === 'unfinished' ? BATCH_IDS.filter((id) => !finished.has(id)) : [];
				const tasks = active.map((id) => jobBody({ job_id: id, status: 'processing' }));
				return [200, { total_active: tasks.length, concurrent_limit: 6, tasks }];
			});
		const failingFiles = new Set<number>();
		nock(CDN)
			.persist()
			.get(/\/b\/\d+\.mp4/)
			.reply((uri) => {
				const n = Number(/\/b\/(\d+)\.mp4/.exec(uri)?.[1]);
				return failingFiles.delete(n) ? [404, 'gone'] : [200, batchVideos[n]];
			});
		return {
			waiting,
			callbacks,
			finished,
			reads,
			unfinishedReads: () => unfinishedReads,
			listReads: () => listReads,
			/** The CDN answers job n's file 404 once. */
			failDownloadOnce: (n: number) => failingFiles.add(n),
			callBack: async (n: number, url = callbacks[n]) =>
				await resumeWorkflow(waiting, callbackRequest(url, batchJob(n))),
		};
	}

	it('submits every job with its own resume URL, then waits once without reading any job', async () => {
		const { waiting, callbacks, readsBeforeWait } = await startBatch();
		expect(waiting.status).toBe('waiting');
		expect(readsBeforeWait).toBe(0);
		expect(callbacks.map((c) => c.searchParams.get('job'))).toEqual(['0', '1', '2']);
		const tokens = new Set(callbacks.map((c) => c.searchParams.get('token')));
		expect(tokens.size).toBe(3);
		for (const c of callbacks) expect(c.pathname).toMatch(/\/webhook-waiting\//);
		// The deadline's output: each item names its job.
		const stack = waiting.run.data.executionData?.nodeExecutionStack as IExecuteData[];
		const stored = stack[0].data.main[0] ?? [];
		expect(stored.map((item) => item.json.jobId)).toEqual(BATCH_IDS);
		for (const [n, item] of stored.entries()) {
			expect(item.json).toMatchObject({ waitMode: 'pause', callbackReceived: false });
			expect(item.json.error).toMatch(
				new RegExp(`No callback from Legnext for job ${BATCH_IDS[n]} by `),
			);
			expect(item.pairedItem).toEqual({ item: n });
		}
	});

	it('resumes once, after the last callback, with every item in order and its file; no unfinished job is read', async () => {
		const batch = await waitingBatch([], 'unfinished');

		batch.finished.add(BATCH_IDS[1]);
		const first = await batch.callBack(1);
		expect(first.webhook.response).toMatchObject({ status: 200, body: { ok: true } });
		expect(first.result).toBeUndefined();
		// A repeat changes nothing.
		const repeat = await batch.callBack(1);
		expect(repeat.webhook.response.status).toBe(200);
		expect(repeat.result).toBeUndefined();

		batch.finished.add(BATCH_IDS[0]);
		const second = await batch.callBack(0);
		expect(second.result).toBeUndefined();

		batch.finished.add(BATCH_IDS[2]);
		const last = await batch.callBack(2);
		expect(last.webhook.response.status).toBe(200);
		expect(last.result?.status).toBe('success');
		const output = last.result!.outputOf(VIDEO_NODE);
		expect(output.map((item) => item.json.jobId)).toEqual(BATCH_IDS);
		for (const [n, item] of output.entries()) {
			expect(item.json).toMatchObject({
				status: 'completed',
				waitMode: 'pause',
				callbackReceived: true,
			});
			expect(item.pairedItem).toEqual({ item: n });
			expect((await last.result!.binaryBuffer(item, 'data')).equals(batchVideos[n])).toBe(true);
		}
		expect(batch.unfinishedReads()).toBe(0);
		expect(batch.listReads()).toBe(4);
		expect(everythingVisible(output)).not.toContain(SENTINEL_KEY);
	});

	it("a forged token, another item's token or another item's job changes nothing", async () => {
		const batch = await waitingBatch(BATCH_IDS, 'empty');
		const forged = await resumeWorkflow(
			batch.waiting,
			callbackRequest(batch.callbacks[0], batchJob(0), '0'.repeat(32)),
		);
		expect(forged.webhook.response.status).toBe(401);
		// Item 0's token with item 1's index.
		const swapped = new URL(batch.callbacks[0]);
		swapped.searchParams.set('job', '1');
		expect((await batch.callBack(1, swapped)).webhook.response.status).toBe(401);
		for (const job of ['x', '-1', '1.5']) {
			const bad = new URL(batch.callbacks[0]);
			bad.searchParams.set('job', job);
			expect((await batch.callBack(0, bad)).webhook.response.status).toBe(401);
		}
		// Item 0's URL about item 1's job.
		const wrongJob = await batch.callBack(1, batch.callbacks[0]);
		expect(wrongJob.webhook.response.status).toBe(409);
		expect(wrongJob.result).toBeUndefined();
		expect(batch.listReads()).toBe(0);
	});

	it('without the active-task list, a callback reads the other jobs and stops at the first unfinished one', async () => {
		const batch = await waitingBatch([BATCH_IDS[2]], 'failing');
		const early = await batch.callBack(2);
		expect(early.result).toBeUndefined();
		expect(early.webhook.response.body).toMatchObject({ ok: true });
		expect(batch.unfinishedReads()).toBe(1);
		expect(batch.reads[BATCH_IDS[1]]).toBeUndefined();

		batch.finished.add(BATCH_IDS[0]).add(BATCH_IDS[1]);
		const last = await batch.callBack(1);
		expect(last.result?.outputOf(VIDEO_NODE).map((item) => item.json.status)).toEqual([
			'completed',
			'completed',
			'completed',
		]);
	});

	it('when jobs end together, only the callback of the job that ended last resumes; its repeat reads and downloads nothing', async () => {
		const { waiting, callbacks } = await startBatch();
		const endedAgo = (ms: number) => new Date(Date.now() - ms).toISOString();
		const ends = [endedAgo(300), endedAgo(100), endedAgo(200)];
		const racing = (n: number) =>
			completedJob([`${CDN}/b/${n}.mp4`], {
				job_id: BATCH_IDS[n],
				meta: {
					created_at: endedAgo(9000),
					started_at: endedAgo(8000),
					ended_at: ends[n],
					usage: {},
				},
			});
		let reads = 0;
		nock(API)
			.persist()
			.get(/\/api\/v1\/job\/.*/)
			.reply((uri) => {
				reads++;
				return [200, racing(BATCH_IDS.indexOf(uri.split('/').pop() as string))];
			});
		nock(API).persist().get('/api/account/active_tasks').reply(200, { total_active: 0, tasks: [] });
		let downloads = 0;
		BATCH_IDS.forEach((_, n) =>
			nock(CDN)
				.persist()
				.get(`/b/${n}.mp4`)
				.reply(() => {
					downloads++;
					return [200, batchVideos[n]];
				}),
		);
		// Every process makes the same choice: job 1 ended last, so only its callback resumes.
		for (const n of [0, 2]) {
			const early = await resumeWorkflow(waiting, callbackRequest(callbacks[n], racing(n)));
			expect(early.result).toBeUndefined();
			expect(early.webhook.response.body).toMatchObject({
				ok: true,
				ignored: expect.stringMatching(/the job that ended last resumes/),
			});
		}
		expect(downloads).toBe(0);
		const last = await resumeWorkflow(waiting, callbackRequest(callbacks[1], racing(1)));
		expect(last.result?.status).toBe('success');
		expect(last.result!.outputOf(VIDEO_NODE).map((item) => item.json.jobId)).toEqual(BATCH_IDS);
		expect(downloads).toBe(3);
		// Legnext's repeat while n8n takes the run up: answered at once, its own job confirmed only.
		const readsBefore = reads;
		const repeat = await resumeWorkflow(waiting, callbackRequest(callbacks[1], racing(1)));
		expect(repeat.result).toBeUndefined();
		expect(repeat.webhook.response).toMatchObject({
			status: 200,
			body: {
				ok: true,
				ignored: expect.stringMatching(/another callback of this run is resuming it/),
			},
		});
		expect(downloads).toBe(3);
		expect(reads - readsBefore).toBe(1);
	});

	it('a resume that fails (a file cannot be downloaded) leaves the run to the next callback', async () => {
		const batch = await waitingBatch(BATCH_IDS, 'empty');
		batch.failDownloadOnce(1);
		const failed = await batch.callBack(0);
		expect(failed.webhook.response.status).toBe(503);
		expect(failed.result).toBeUndefined();
		const next = await batch.callBack(2);
		expect(next.result?.status).toBe('success');
		expect(next.result!.outputOf(VIDEO_NODE).map((item) => item.json.jobId)).toEqual(BATCH_IDS);
	});

	it('a callback reads the credential once for its token, its reads and the resume', async () => {
		const batch = await waitingBatch(BATCH_IDS, 'empty');
		const reads = await credentialReadsDuring(async () => {
			const last = await batch.callBack(1);
			expect(last.result?.status).toBe('success');
		});
		// Its token, the confirming read, the active-task list and the two other jobs' reads.
		expect(reads).toBe(1);
	});

	it('callbacks of one run that come together share one credential read; a failed read is not kept', async () => {
		const batch = await waitingBatch(BATCH_IDS, 'empty');
		const reads = await credentialReadsDuring(
			async () => {
				await expect(batch.callBack(0)).rejects.toThrow('credential store unavailable');
				const calls = await Promise.all([0, 1, 2].map(async (n) => await batch.callBack(n)));
				expect(calls.filter((call) => call.result?.status === 'success')).toHaveLength(1);
			},
			{ failFirst: true },
		);
		// The failed read, then one read for the three calls.
		expect(reads).toBe(2);
	});

	it('a job the list no longer shows but the API still renders does not resume the run', async () => {
		const batch = await waitingBatch([BATCH_IDS[0], BATCH_IDS[2]], 'empty');
		const call = await batch.callBack(0);
		expect(call.result).toBeUndefined();
		expect(call.webhook.response.body).toMatchObject({
			ok: true,
			ignored: expect.stringMatching(/still rendering/),
		});
	});
});

it('refuses a Callback URL in pause mode before sending anything', async () => {
	let requests = 0;
	nock(API)
		.persist()
		.post(/.*/)
		.reply(() => {
			requests++;
			return [200, jobBody()];
		});
	const result = await runVideoNode({
		parameters: { ...pauseCreate, callbackUrl: 'https://hooks.test/x' },
		baseUrl: API,
	});
	expect(result.error?.message).toMatch(
		/^Callback URL must be empty with Wait Strategy "Pause Until Callback" \(item 0\)$/,
	);
	expect(requests).toBe(0);
});
