'use strict';

const { createHmac } = require('node:crypto');
const { isLoopbackHost } = require('../../tools/simulator/lib/callbacks');
const { start, startCallbackServer, closedPort, waitFor, sleep } = require('./test-helpers');

describe('callbacks', () => {
	/** @type {Awaited<ReturnType<typeof start>>} */
	let ctx;
	/** @type {Awaited<ReturnType<typeof startCallbackServer>>} */
	let hook;
	beforeEach(async () => {
		hook = await startCallbackServer();
	});
	afterEach(async () => {
		await ctx?.sim.close();
		await hook.close();
	});

	/** @param {Record<string, any>} [body] */
	const submitWithCallback = async (body = {}) => {
		const answer = await ctx.api.post('/api/v1/video-diffusion', { prompt: 'https://example.com/a.png', callback: hook.url, ...body });
		expect(answer.status).toBe(200);
		return answer.body;
	};

	test('wrapped shape: {timestamp, data: job} POSTed as JSON when the job completes', async () => {
		ctx = await start({ jobMs: 100 });
		const job = await submitWithCallback();
		await waitFor(() => hook.received.length === 1);
		const [call] = hook.received;
		expect(call.headers['content-type']).toBe('application/json');
		expect(typeof call.body.timestamp).toBe('number');
		expect(call.body.data).toMatchObject({ job_id: job.job_id, status: 'completed', config: { webhook_config: { endpoint: hook.url } } });
		expect(call.body.data.output.video_urls).toHaveLength(4);
		await ctx.sim.waitForCallbacks();
		expect(ctx.sim.stats()).toMatchObject({ callbacksSent: 1, callbacksFailed: 0 });
	});

	test('progressCallbacks: one call with status processing before the finished one; off by default', async () => {
		ctx = await start({ jobMs: 300, progressCallbacks: true });
		const job = await submitWithCallback();
		await waitFor(() => hook.received.length === 2);
		expect(hook.received.map((call) => call.body.data.status)).toEqual(['processing', 'completed']);
		expect(hook.received[0].body.data.job_id).toBe(job.job_id);
		await ctx.sim.close();
		hook.received.length = 0;
		ctx = await start({ jobMs: 100 });
		await submitWithCallback();
		await waitFor(() => hook.received.length === 1);
		await sleep(150);
		expect(hook.received.map((call) => call.body.data.status)).toEqual(['completed']);
	});

	test('bare shape: the job object itself', async () => {
		ctx = await start({ jobMs: 100, callbackShape: 'bare' });
		const job = await submitWithCallback();
		await waitFor(() => hook.received.length === 1);
		expect(hook.received[0].body).toMatchObject({ job_id: job.job_id, status: 'completed' });
		expect(hook.received[0].body.timestamp).toBeUndefined();
	});

	test('a failed job is called back too, and forced endings fire callbacks', async () => {
		ctx = await start({ jobMs: 60000 });
		const failed = await submitWithCallback();
		const completed = await submitWithCallback();
		ctx.sim.failJob(failed.job_id, 'nope');
		ctx.sim.completeJob(completed.job_id);
		await waitFor(() => hook.received.length === 2);
		const byId = Object.fromEntries(hook.received.map((call) => [call.body.data.job_id, call.body.data]));
		expect(byId[failed.job_id]).toMatchObject({ status: 'failed', error: { message: 'nope' } });
		expect(byId[completed.job_id]).toMatchObject({ status: 'completed' });
	});

	test('jobs without a callback send nothing', async () => {
		ctx = await start({ jobMs: 50 });
		await ctx.api.post('/api/v1/diffusion', { text: 'a' });
		await sleep(150);
		expect(hook.received).toHaveLength(0);
		expect(ctx.sim.stats().callbacksSent).toBe(0);
	});

	test('callbackLossRate 1 loses every callback (counted)', async () => {
		ctx = await start({ jobMs: 50, faults: { callbackLossRate: 1 } });
		await submitWithCallback();
		await submitWithCallback();
		await waitFor(() => ctx.sim.stats().jobsCompleted === 2);
		await sleep(50);
		expect(hook.received).toHaveLength(0);
		expect(ctx.sim.stats()).toMatchObject({ callbacksLost: 2, callbacksSent: 0 });
	});

	test('callbackDuplicateRate 1 sends every callback twice', async () => {
		ctx = await start({ jobMs: 50, faults: { callbackDuplicateRate: 1 } });
		const job = await submitWithCallback();
		await waitFor(() => hook.received.length === 2);
		expect(hook.received.map((call) => call.body.data.job_id)).toEqual([job.job_id, job.job_id]);
		await ctx.sim.waitForCallbacks();
		expect(ctx.sim.stats()).toMatchObject({ callbacksDuplicated: 1, callbacksSent: 2 });
	});

	test('delivery failures are counted, never thrown', async () => {
		await hook.close();
		hook = await startCallbackServer({ status: 500 });
		ctx = await start({ jobMs: 30 });
		await submitWithCallback();
		await ctx.api.post('/api/v1/diffusion', { text: 'a', callback: `http://127.0.0.1:${await closedPort()}/hook` });
		await waitFor(() => ctx.sim.stats().jobsCompleted === 2);
		await ctx.sim.waitForCallbacks();
		const stats = ctx.sim.stats();
		expect(stats).toMatchObject({ callbacksSent: 0, callbacksFailed: 2 });
		expect(stats.callbackErrors.join('\n')).toMatch(/HTTP 500/);
	});

	test('callbackSigningSecret adds the speculative X-Legnext-Signature header', async () => {
		ctx = await start({ jobMs: 30, callbackSigningSecret: 's3cret' });
		await submitWithCallback();
		await waitFor(() => hook.received.length === 1);
		const { headers, text } = hook.received[0];
		const expected = createHmac('sha256', 's3cret').update(`${headers['x-legnext-timestamp']}.${text}`).digest('hex');
		expect(headers['x-legnext-signature']).toBe(expected);
	});

	test('only loopback callback hosts are contacted by default', () => {
		for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'app.localhost', '[::1]', '::1']) expect(isLoopbackHost(host)).toBe(true);
		for (const host of ['10.0.0.1', 'example.com', '128.0.0.1', 'localhost.example.com']) expect(isLoopbackHost(host)).toBe(false);
	});
});
