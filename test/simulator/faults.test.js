'use strict';

const { start, KEY } = require('./test-helpers');

const IMG = 'https://example.com/a.png';

describe('random faults', () => {
	/** @type {Awaited<ReturnType<typeof start>>} */
	let ctx;
	/** @type {string} */
	let jobId;
	beforeEach(async () => {
		ctx = await start({ jobMs: 60000 });
		jobId = (await ctx.api.post('/api/v1/diffusion', { text: 'a' })).body.job_id;
	});
	afterEach(async () => {
		await ctx.sim.close();
	});

	test('readErrorRate answers job reads 500/502/503 and counts them', async () => {
		ctx.sim.configure({ faults: { readErrorRate: 1 } });
		for (let i = 0; i < 6; i++) expect([500, 502, 503]).toContain((await ctx.api.job(jobId)).status);
		const stats = ctx.sim.stats();
		expect(stats.faulted).toMatchObject({ total: 6, readError: 6 });
		expect(stats.requests['GET /api/v1/job/:id']).toBe(6);
		expect(stats.faultedRequests['GET /api/v1/job/:id']).toBe(6);
		expect(stats.readsByJob[jobId]).toBe(6);
		expect(stats.readsWhileRunning).toBe(6);
		expect((await ctx.api.post('/api/v1/diffusion', { text: 'b' })).status).toBe(200); // submits unaffected
	});

	test('read429Rate answers 429 with Retry-After (retryAfterSeconds configurable)', async () => {
		ctx.sim.configure({ faults: { read429Rate: 1 } });
		const first = await ctx.api.job(jobId);
		expect(first.status).toBe(429);
		expect(first.headers.get('retry-after')).toBe('1');
		ctx.sim.configure({ retryAfterSeconds: 7 });
		expect((await ctx.api.job(jobId)).headers.get('retry-after')).toBe('7');
		expect(ctx.sim.stats().faulted.read429).toBe(2);
	});

	test('dropRate destroys the socket without an answer', async () => {
		ctx.sim.configure({ faults: { dropRate: 1 } });
		await expect(ctx.api.job(jobId)).rejects.toThrow();
		expect(ctx.sim.stats().faulted.drop).toBe(1);
	});

	test('submitErrorRate: no job by default; with submitFaultCreatesJob the job exists and is paid', async () => {
		ctx.sim.configure({ faults: { submitErrorRate: 1 } });
		const before = ctx.sim.stats();
		expect([500, 502, 503]).toContain((await ctx.api.post('/api/v1/video-diffusion', { prompt: IMG })).status);
		expect(ctx.sim.stats()).toMatchObject({ jobsCreated: before.jobsCreated, creditsLeft: before.creditsLeft });

		ctx.sim.configure({ faults: { submitFaultCreatesJob: true } });
		expect([500, 502, 503]).toContain((await ctx.api.post('/api/v1/video-diffusion', { prompt: IMG })).status);
		const after = ctx.sim.stats();
		expect(after).toMatchObject({ jobsCreated: before.jobsCreated + 1, creditsLeft: before.creditsLeft - 480 });
		expect(after.faulted.submitError).toBe(2);
		expect(after.submitAttempts).toBe(3);
		expect(ctx.sim.jobs().filter((job) => job.task_type === 'video_diffusion')).toHaveLength(1);
	});

	test('submit429Rate refuses without creating a job, even with submitFaultCreatesJob', async () => {
		ctx.sim.configure({ faults: { submit429Rate: 1, submitFaultCreatesJob: true } });
		const answer = await ctx.api.post('/api/v1/video-diffusion', { prompt: IMG });
		expect(answer.status).toBe(429);
		expect(answer.headers.get('retry-after')).toBe('1');
		expect(ctx.sim.stats()).toMatchObject({ jobsCreated: 1, faulted: { submit429: 1 } });
	});

	test('submitDropRate drops the submit; with submitFaultCreatesJob the job was made', async () => {
		ctx.sim.configure({ faults: { submitDropRate: 1 } });
		await expect(ctx.api.post('/api/v1/video-diffusion', { prompt: IMG })).rejects.toThrow();
		expect(ctx.sim.stats().jobsCreated).toBe(1);
		ctx.sim.configure({ faults: { submitFaultCreatesJob: true } });
		await expect(ctx.api.post('/api/v1/video-diffusion', { prompt: IMG })).rejects.toThrow();
		expect(ctx.sim.stats()).toMatchObject({ jobsCreated: 2, faulted: { submitDrop: 2 } });
	});

	test('htmlErrorRate answers 502 with an HTML page', async () => {
		ctx.sim.configure({ faults: { htmlErrorRate: 1 } });
		for (const answer of [await ctx.api.job(jobId), await ctx.api.post('/api/v1/diffusion', { text: 'b' }), await ctx.api.get('/api/account/balance')]) {
			expect(answer.status).toBe(502);
			expect(answer.headers.get('content-type')).toMatch(/text\/html/);
			expect(answer.text).toMatch(/^<!DOCTYPE html>/);
			expect(answer.body).toBeUndefined();
		}
		expect(ctx.sim.stats().faulted.htmlError).toBe(3);
	});

	test('truncatedJsonRate answers 200 with cut-off JSON (a submit still makes its job)', async () => {
		ctx.sim.configure({ faults: { truncatedJsonRate: 1 } });
		const read = await ctx.api.job(jobId);
		expect(read.status).toBe(200);
		expect(read.text.length).toBeGreaterThan(10);
		expect(() => JSON.parse(read.text)).toThrow();
		expect(read.text.startsWith(`{"job_id":"${jobId}"`)).toBe(true);
		expect((await ctx.api.post('/api/v1/diffusion', { text: 'b' })).status).toBe(200);
		expect(ctx.sim.stats()).toMatchObject({ jobsCreated: 2, faulted: { truncatedJson: 2 } });
	});

	test('latencyMs delays every API answer (fixed or a range)', async () => {
		ctx.sim.configure({ faults: { latencyMs: 150 } });
		let began = Date.now();
		await ctx.api.job(jobId);
		expect(Date.now() - began).toBeGreaterThanOrEqual(140);
		ctx.sim.configure({ faults: { latencyMs: [50, 80] } });
		began = Date.now();
		await ctx.api.get('/api/account/balance');
		const took = Date.now() - began;
		expect(took).toBeGreaterThanOrEqual(45);
		expect(took).toBeLessThan(1000);
	});

	test('faults: null switches every fault off; unknown fault names are rejected', async () => {
		ctx.sim.configure({ faults: { readErrorRate: 1 } });
		ctx.sim.configure({ faults: null });
		expect((await ctx.api.job(jobId)).status).toBe(200);
		expect(() => ctx.sim.configure({ faults: { readErrorRat: 1 } })).toThrow(/unknown fault/);
		expect(() => ctx.sim.configure({ jobMS: 1 })).toThrow(/unknown simulator option/);
		expect(() => ctx.sim.configure({ callbackShape: 'nested' })).toThrow(/callbackShape/);
	});

	test('rates are shares: 0.5 faults about half, and the same seed repeats the same faults', async () => {
		/** @param {number} seed */
		const pattern = async (seed) => {
			const run = await start({ jobMs: 60000, seed, faults: { readErrorRate: 0.5 } });
			const id = (await run.api.post('/api/v1/diffusion', { text: 'a' })).body.job_id;
			let statuses = '';
			for (let i = 0; i < 40; i++) statuses += (await run.api.job(id)).status === 200 ? '.' : 'x';
			await run.sim.close();
			return statuses;
		};
		const first = await pattern(42);
		expect(await pattern(42)).toBe(first);
		const faulted = first.split('x').length - 1;
		expect(faulted).toBeGreaterThan(8);
		expect(faulted).toBeLessThan(32);
		expect(await pattern(7)).not.toBe(first);
	});

	test('account and unknown routes get no read/submit faults', async () => {
		ctx.sim.configure({ faults: { readErrorRate: 1, submitErrorRate: 1, dropRate: 1 } });
		expect((await ctx.api.get('/api/account/info')).status).toBe(200);
		expect((await ctx.api.get('/nope')).status).toBe(404);
	});
});

describe('scripted faults', () => {
	/** @type {Awaited<ReturnType<typeof start>>} */
	let ctx;
	beforeEach(async () => {
		ctx = await start({ jobMs: 60000 });
	});
	afterEach(async () => {
		await ctx.sim.close();
	});

	test('the next matching request gets the scripted answer, `times` times', async () => {
		ctx.sim.enqueue({ method: 'POST', path: '/api/v1/video-diffusion', status: 503, times: 2 });
		expect((await ctx.api.post('/api/v1/diffusion', { text: 'a' })).status).toBe(200); // other path
		const first = await ctx.api.post('/api/v1/video-diffusion', { prompt: IMG });
		expect(first.status).toBe(503);
		expect(first.body).toMatchObject({ code: 503 });
		expect((await ctx.api.post('/api/v1/video-diffusion', { prompt: IMG })).status).toBe(503);
		expect((await ctx.api.post('/api/v1/video-diffusion', { prompt: IMG })).status).toBe(200);
		expect(ctx.sim.stats()).toMatchObject({ jobsCreated: 2, faulted: { scripted: 2 }, rulesQueued: 0 });
	});

	test('path prefix, custom body and headers, any method when none given', async () => {
		const id = (await ctx.api.post('/api/v1/diffusion', { text: 'a' })).body.job_id;
		ctx.sim.enqueue({ path: '/api/v1/job/', status: 200, body: { job_id: id, status: 'weird' }, headers: { 'X-Test': 'yes' } });
		const answer = await ctx.api.job(id);
		expect(answer.body).toEqual({ job_id: id, status: 'weird' });
		expect(answer.headers.get('x-test')).toBe('yes');
		expect((await ctx.api.job(id)).body.status).toBe('pending');
	});

	test('drop, html and truncated rules; 429 rules get Retry-After', async () => {
		ctx.sim.enqueue({ path: '/api/account/balance', drop: true });
		ctx.sim.enqueue({ path: '/api/account/balance', html: true });
		ctx.sim.enqueue({ path: '/api/account/balance', truncated: true });
		ctx.sim.enqueue({ path: '/api/account/balance', status: 429 });
		await expect(ctx.api.get('/api/account/balance')).rejects.toThrow();
		const html = await ctx.api.get('/api/account/balance');
		expect(html.status).toBe(502);
		expect(html.text).toContain('<html>');
		const truncated = await ctx.api.get('/api/account/balance');
		expect(truncated.status).toBe(200);
		expect(truncated.body).toBeUndefined();
		const limited = await ctx.api.get('/api/account/balance');
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('1');
		expect(limited.body).toMatchObject({ job_id: '', error: { code: 429 } });
		expect((await ctx.api.get('/api/account/balance')).status).toBe(200);
	});

	test('createJob: the client sees the error, yet the job exists and was paid for', async () => {
		ctx.sim.enqueue({ method: 'POST', path: '/api/v1/video-diffusion', status: 500, createJob: true });
		expect((await ctx.api.post('/api/v1/video-diffusion', { prompt: IMG })).status).toBe(500);
		expect(ctx.sim.jobs()).toHaveLength(1);
		expect(ctx.sim.stats().creditsLeft).toBe(100000 - 480);
	});

	test('times -1 answers until reset; reset clears rules', async () => {
		ctx.sim.enqueue({ path: '/api/v1/job/', status: 502, times: -1 });
		for (let i = 0; i < 3; i++) expect((await ctx.api.job('x')).status).toBe(502);
		ctx.sim.reset();
		expect((await ctx.api.job('x')).status).toBe(404);
	});

	test('rules are checked before auth, and bad rules are rejected', async () => {
		ctx.sim.enqueue({ path: '/api/v1/job/', status: 503 });
		expect((await ctx.api.call('GET', '/api/v1/job/x', { key: null })).status).toBe(503);
		expect(() => ctx.sim.enqueue(/** @type {any} */ ({ status: 500 }))).toThrow(/path/);
		expect(() => ctx.sim.enqueue({ path: '/x', times: 0 })).toThrow(/times/);
		expect(KEY).toBe('sim-key');
	});
});

describe('hardening fault modes (issue 13): redirecting API, stalling CDN, error page as file', () => {
	/** @type {Awaited<ReturnType<typeof start>>} */
	let ctx;
	/** @type {string} */
	let videoUrl;
	beforeEach(async () => {
		ctx = await start({ jobMs: 60000, videoBytes: 50000 });
		const id = (await ctx.api.post('/api/v1/video-diffusion', { prompt: IMG })).body.job_id;
		ctx.sim.completeJob(id);
		videoUrl = (await ctx.api.job(id)).body.output.video_urls[0];
	});
	afterEach(async () => {
		await ctx.sim.close();
	});

	test('redirectTo answers a redirect to another origin with the path and query kept, and creates no job', async () => {
		ctx.sim.enqueue({ method: 'POST', path: '/api/v1/video-diffusion', redirectTo: 'http://127.0.0.1:9/', status: 307 });
		ctx.sim.enqueue({ path: '/api/v1/job/', redirectTo: 'http://127.0.0.1:9' });
		const jobsBefore = ctx.sim.stats().jobsCreated;
		const submit = await fetch(`${ctx.sim.url}/api/v1/video-diffusion?x=1`, {
			method: 'POST',
			redirect: 'manual',
			headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
			body: JSON.stringify({ prompt: IMG }),
		});
		expect(submit.status).toBe(307);
		expect(submit.headers.get('location')).toBe('http://127.0.0.1:9/api/v1/video-diffusion?x=1');
		const read = await fetch(`${ctx.sim.url}/api/v1/job/abc`, { redirect: 'manual', headers: { 'x-api-key': KEY } });
		expect(read.status).toBe(302);
		expect(read.headers.get('location')).toBe('http://127.0.0.1:9/api/v1/job/abc');
		expect(ctx.sim.stats().jobsCreated).toBe(jobsBefore);
		expect(() => ctx.sim.enqueue({ path: '/x', redirectTo: 'ftp://x' })).toThrow(/redirectTo/);
	});

	test('stall "answer" never answers; stall "body" sends headers and a first chunk, then nothing', async () => {
		ctx.sim.enqueue({ path: '/cdn/', stall: 'answer' });
		const noAnswer = await fetch(videoUrl, { signal: AbortSignal.timeout(300) }).then(
			() => 'answered',
			(error) => error.name,
		);
		expect(noAnswer).toBe('TimeoutError');

		ctx.sim.enqueue({ path: '/cdn/', stall: 'body' });
		const controller = new AbortController();
		const res = await fetch(videoUrl, { signal: controller.signal });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-length')).toBe('50000');
		const reader = /** @type {ReadableStreamDefaultReader<Uint8Array>} */ (res.body?.getReader());
		const first = await reader.read();
		expect(first.value?.length).toBeGreaterThan(0);
		const next = await Promise.race([reader.read().then(() => 'more'), sleepMs(300).then(() => 'silence')]);
		expect(next).toBe('silence');
		controller.abort();
		expect(ctx.sim.stats().faulted).toMatchObject({ scripted: 2 });
		expect(() => ctx.sim.enqueue({ path: '/cdn/', stall: /** @type {any} */ ('x') })).toThrow(/stall/);
	});

	test('expiredPage answers 200 text/html instead of the file', async () => {
		ctx.sim.enqueue({ path: '/cdn/', expiredPage: true });
		const res = await fetch(videoUrl);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^text\/html/);
		expect(await res.text()).toMatch(/link has expired/);
		expect((await fetch(videoUrl)).headers.get('content-type')).toBe('video/mp4');
	});

	test('pass answers normally after delayMs (a slow but working server)', async () => {
		ctx.sim.enqueue({ path: '/cdn/', pass: true, delayMs: 150 });
		ctx.sim.enqueue({ path: '/api/account/balance', pass: true, delayMs: 150 });
		let started = Date.now();
		const res = await fetch(videoUrl);
		expect(res.status).toBe(200);
		expect((await res.arrayBuffer()).byteLength).toBe(50000);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		started = Date.now();
		expect((await ctx.api.get('/api/account/balance')).body).toMatchObject({ code: 200 });
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
	});
});

/** @param {number} ms */
function sleepMs(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
