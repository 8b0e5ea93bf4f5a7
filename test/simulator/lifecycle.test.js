'use strict';

const { runningPhase } = require('../../tools/simulator/lib/jobs');
const { start, sleep, waitFor } = require('./test-helpers');

describe('job lifecycle', () => {
	/** @type {Awaited<ReturnType<typeof start>>} */
	let ctx;
	afterEach(async () => {
		await ctx?.sim.close();
	});

	test('phases are pending 10%, staged 10%, then processing', () => {
		expect(runningPhase(0, 1000, false)).toBe('pending');
		expect(runningPhase(99, 1000, false)).toBe('pending');
		expect(runningPhase(100, 1000, false)).toBe('staged');
		expect(runningPhase(199, 1000, false)).toBe('staged');
		expect(runningPhase(200, 1000, false)).toBe('processing');
		expect(runningPhase(250, 1000, true)).toBe('retry');
		expect(runningPhase(300, 1000, true)).toBe('processing');
		expect(runningPhase(5000, 1000, false)).toBe('processing'); // only the simulator ends a job
	});

	test('a job moves pending -> staged -> processing -> completed on time', async () => {
		const jobMs = 1500;
		ctx = await start({ jobMs });
		const { api } = ctx;
		const submitted = await api.post('/api/v1/video-diffusion', { prompt: 'https://example.com/a.png a wave' });
		expect(submitted.status).toBe(200);
		expect(submitted.body.status).toBe('pending');
		const id = submitted.body.job_id;
		const createdAt = Date.parse(submitted.body.meta.created_at);
		const order = ['pending', 'staged', 'processing', 'completed'];
		/** @param {number} at */
		const expectedAt = (at) => (at - createdAt >= jobMs ? 'completed' : runningPhase(at - createdAt, jobMs, false));

		// Poll, and check each answer against the time window the request was in flight, so a
		// slow machine can't make the test flaky while a wrong phase boundary still fails it.
		/** @type {string[]} */
		const seen = [];
		let last;
		for (;;) {
			const before = Date.now();
			last = (await api.job(id)).body;
			const after = Date.now();
			expect(order.slice(order.indexOf(expectedAt(before)), order.indexOf(expectedAt(after)) + 1)).toContain(last.status);
			if (seen[seen.length - 1] !== last.status) seen.push(last.status);
			if (last.status === 'completed') break;
			if (last.status === 'processing') {
				expect(last.output.video_urls).toBeNull();
				expect(last.meta.started_at).toMatch(/^\d{4}-\d\d-\d\dT/);
				expect(['', '0001-01-01T00:00:00Z']).toContain(last.meta.ended_at);
			}
			await sleep(15);
		}
		expect(seen).toEqual(order);
		expect(last.output.video_urls).toHaveLength(4);
		expect(last.meta.usage).toEqual({ type: 'point', frozen: 480, consume: 480 });
		expect(Date.parse(last.meta.ended_at)).toBeGreaterThanOrEqual(createdAt + jobMs);
		expect(last.error).toEqual({ code: 0, raw_message: '', message: '', detail: null });
	});

	test('the job object has the contract shape', async () => {
		ctx = await start();
		const { body } = await ctx.api.post('/api/v1/video-diffusion', { prompt: 'https://example.com/a.png', callback: 'http://127.0.0.1:9/hook' });
		expect(body.job_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(body).toMatchObject({
			model: 'midjourney',
			task_type: 'video_diffusion',
			status: 'pending',
			config: { service_mode: 'public', webhook_config: { endpoint: 'http://127.0.0.1:9/hook', secret: '' } },
			input: { prompt: 'https://example.com/a.png' },
			output: { video_urls: null, seed: '' },
			meta: { started_at: '', ended_at: '', usage: { type: 'point', frozen: 480, consume: 0 } },
			detail: null,
			logs: [],
			error: { code: 0, raw_message: '', message: '', detail: null },
		});
		expect(body.input.callback).toBeUndefined();
	});

	test('retryStatus shows "retry" for a while', async () => {
		ctx = await start({ jobMs: 2000, retryStatus: true });
		const { body } = await ctx.api.post('/api/v1/diffusion', { text: 'cat' });
		await sleep(Date.parse(body.meta.created_at) + 500 - Date.now());
		expect((await ctx.api.job(body.job_id)).body.status).toBe('retry');
	});

	test('unset dates are "", "0001-01-01T00:00:00Z", or alternate per job', async () => {
		ctx = await start({ unsetDate: 'alternate' });
		const first = (await ctx.api.post('/api/v1/diffusion', { text: 'a' })).body;
		const second = (await ctx.api.post('/api/v1/diffusion', { text: 'b' })).body;
		expect([first.meta.ended_at, second.meta.ended_at].sort()).toEqual(['', '0001-01-01T00:00:00Z']);
		ctx.sim.configure({ unsetDate: 'zero' });
		expect((await ctx.api.post('/api/v1/diffusion', { text: 'c' })).body.meta.started_at).toBe('0001-01-01T00:00:00Z');
		ctx.sim.configure({ unsetDate: '' });
		expect((await ctx.api.post('/api/v1/diffusion', { text: 'd' })).body.meta.started_at).toBe('');
	});

	test('taskTypeStyle hyphen returns the spec enum form', async () => {
		ctx = await start({ taskTypeStyle: 'hyphen' });
		const { body } = await ctx.api.post('/api/v1/video-diffusion', { prompt: 'https://example.com/a.png' });
		expect(body.task_type).toBe('video-diffusion');
	});

	test('completeJob and failJob end a job at once; a failed job gives its credits back', async () => {
		ctx = await start({ jobMs: 60000, credits: 10000 });
		const { sim, api } = ctx;
		const a = (await api.post('/api/v1/video-diffusion', { prompt: 'https://example.com/a.png' })).body;
		const b = (await api.post('/api/v1/video-diffusion', { prompt: 'https://example.com/b.png', videoType: 1 })).body;
		expect(sim.stats().creditsLeft).toBe(10000 - 480 - 1536);
		expect(sim.stats().jobsInFlight).toBe(2);

		expect(sim.completeJob(a.job_id)).toMatchObject({ status: 'completed' });
		const failed = sim.failJob(b.job_id, 'moderation said no', 4003);
		expect(failed).toMatchObject({ status: 'failed', error: { code: 4003, message: 'moderation said no' }, output: { video_urls: null } });
		expect(failed.meta.usage.consume).toBe(0);
		expect((await api.job(b.job_id)).body.status).toBe('failed');

		const stats = sim.stats();
		expect(stats).toMatchObject({ jobsInFlight: 0, jobsCompleted: 1, jobsFailed: 1, creditsLeft: 10000 - 480 });
		expect(sim.completeJob(b.job_id)).toMatchObject({ status: 'failed' }); // an ended job stays ended
		expect(sim.completeJob('no-such-job')).toBeNull();
		expect(sim.jobs().map((job) => job.job_id).sort()).toEqual([a.job_id, b.job_id].sort());
	});

	test('failRate 1 ends every job failed with an error', async () => {
		ctx = await start({ jobMs: 50, faults: { failRate: 1 } });
		const { body } = await ctx.api.post('/api/v1/diffusion', { text: 'a' });
		const done = await waitFor(async () => {
			const job = (await ctx.api.job(body.job_id)).body;
			return job.status === 'failed' && job;
		});
		expect(done.error.code).not.toBe(0);
		expect(done.error.message).toMatch(/failed/i);
		expect(ctx.sim.stats().jobsFailed).toBe(1);
	});

	test('neverFinishRate 1 leaves jobs processing (and occupying a slot) until forced', async () => {
		ctx = await start({ jobMs: 50, concurrency: 1, faults: { neverFinishRate: 1 } });
		const { body } = await ctx.api.post('/api/v1/diffusion', { text: 'a' });
		await sleep(200);
		expect((await ctx.api.job(body.job_id)).body.status).toBe('processing');
		expect(ctx.sim.stats().jobsInFlight).toBe(1);
		expect((await ctx.api.post('/api/v1/diffusion', { text: 'b' })).status).toBe(429);
		ctx.sim.completeJob(body.job_id);
		expect((await ctx.api.job(body.job_id)).body.status).toBe('completed');
	});

	test('jobs finish by timer even when nobody reads them', async () => {
		ctx = await start({ jobMs: 80 });
		await ctx.api.post('/api/v1/diffusion', { text: 'a' });
		await waitFor(() => ctx.sim.stats().jobsCompleted === 1, 2000);
	});
});
