'use strict';

const path = require('node:path');
const { spawn } = require('node:child_process');
const { parseFlags, optionsFrom } = require('../../tools/simulator/cli');
const { start, waitFor } = require('./test-helpers');

describe('control API (/__sim/)', () => {
	/** @type {Awaited<ReturnType<typeof start>>} */
	let ctx;
	beforeEach(async () => {
		ctx = await start({ jobMs: 60000 });
	});
	afterEach(async () => {
		await ctx.sim.close();
	});

	/**
	 * @param {string} method
	 * @param {string} route
	 * @param {unknown} [body]
	 */
	const control = async (method, route, body) => {
		const res = await fetch(`${ctx.sim.url}/__sim/${route}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: res.status, body: await res.json() };
	};

	test('stats needs no key and control requests are not counted', async () => {
		await ctx.api.post('/api/v1/diffusion', { text: 'a' });
		const { status, body } = await control('GET', 'stats');
		expect(status).toBe(200);
		expect(body).toMatchObject({ submits: 1, jobsCreated: 1, jobsInFlight: 1, creditsLeft: 100000 - 80 });
		expect(body.requests).toEqual({ 'POST /api/v1/diffusion': 1 });
		await control('GET', 'jobs');
		expect(ctx.sim.stats().requests).toEqual({ 'POST /api/v1/diffusion': 1 });
	});

	test('config merges options and faults; bad input is a 400', async () => {
		const { body } = await control('POST', 'config', { concurrency: 1, faults: { readErrorRate: 0.25 } });
		expect(body).toMatchObject({ concurrency: 1, faults: { readErrorRate: 0.25 } });
		await control('POST', 'config', { faults: { read429Rate: 0.1 } });
		expect((await control('GET', 'config')).body.faults).toEqual({ readErrorRate: 0.25, read429Rate: 0.1 });
		expect((await control('POST', 'config', { nope: 1 })).status).toBe(400);
		const bad = await fetch(`${ctx.sim.url}/__sim/config`, { method: 'POST', body: '{oops' });
		expect(bad.status).toBe(400);
	});

	test('enqueue takes a rule or a list of rules', async () => {
		expect((await control('POST', 'enqueue', { path: '/api/account/info', status: 503 })).body).toEqual({ ok: true, queued: 1 });
		await control('POST', 'enqueue', [{ path: '/api/account/balance', status: 500 }, { path: '/api/account/balance', status: 502 }]);
		expect((await ctx.api.get('/api/account/info')).status).toBe(503);
		expect((await ctx.api.get('/api/account/balance')).status).toBe(500);
		expect((await ctx.api.get('/api/account/balance')).status).toBe(502);
		expect((await control('POST', 'enqueue', { status: 500 })).status).toBe(400);
	});

	test('jobs lists jobs; complete and fail end them; unknown ids are 404', async () => {
		const a = (await ctx.api.post('/api/v1/diffusion', { text: 'a' })).body.job_id;
		const b = (await ctx.api.post('/api/v1/diffusion', { text: 'b' })).body.job_id;
		expect((await control('GET', 'jobs')).body.map((/** @type {any} */ job) => job.job_id)).toEqual([a, b]);
		expect((await control('POST', `jobs/${a}/complete`)).body).toMatchObject({ job_id: a, status: 'completed' });
		expect((await control('POST', `jobs/${b}/fail`, { message: 'boom', code: 77 })).body).toMatchObject({ status: 'failed', error: { code: 77, message: 'boom' } });
		expect((await ctx.api.job(b)).body.error.message).toBe('boom');
		expect((await control('POST', 'jobs/nope/complete')).status).toBe(404);
		expect((await control('GET', 'nothing-here')).status).toBe(404);
	});

	test('reset forgets jobs, counters and rules, restores credits, keeps options', async () => {
		await control('POST', 'config', { concurrency: 2, credits: 5000 });
		const id = (await ctx.api.post('/api/v1/video-diffusion', { prompt: 'https://example.com/a.png' })).body.job_id;
		ctx.sim.enqueue({ path: '/api/account/info', status: 500 });
		expect(ctx.sim.stats().creditsLeft).toBe(5000 - 480);
		expect((await control('POST', 'reset')).body).toEqual({ ok: true });
		const stats = ctx.sim.stats();
		expect(stats).toMatchObject({ jobsCreated: 0, jobsInFlight: 0, creditsLeft: 5000, requests: {}, rulesQueued: 0, readsByJob: {} });
		expect((await ctx.api.job(id)).status).toBe(404);
		expect((await ctx.api.get('/api/account/info')).body.data.max_concurrent_task_count).toBe(2);
	});

	test('sim.reset() in-process does the same', async () => {
		await ctx.api.post('/api/v1/diffusion', { text: 'a' });
		ctx.sim.reset();
		expect(ctx.sim.jobs()).toEqual([]);
		expect(ctx.sim.stats()).toMatchObject({ submits: 0, creditsLeft: 100000 });
	});
});

describe('cli', () => {
	test('flags win over env, env over defaults', () => {
		expect(parseFlags(['--port', '0', '--key=abc', '--signed-urls'])).toEqual({ port: '0', key: 'abc', 'signed-urls': true });
		const options = optionsFrom(parseFlags(['--job-seconds', '1.5']), { SIM_KEY: 'envkey', SIM_JOB_SECONDS: '9', SIM_FAULTS: '{"failRate":0.5}' });
		expect(options).toMatchObject({ port: 4010, apiKey: 'envkey', jobMs: 1500, videoBytes: 262144, callbackShape: 'wrapped', faults: { failRate: 0.5 } });
	});

	test('starts a simulator, prints its URL and key, and stops on SIGTERM', async () => {
		const child = spawn(process.execPath, [path.join(__dirname, '..', '..', 'tools', 'simulator', 'cli.js'), '--port', '0', '--key', 'cli-key', '--job-seconds', '0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		child.stdout.on('data', (chunk) => (out += chunk));
		const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
		try {
			const url = await waitFor(() => /LEGNEXT_SIM_URL=(\S+)/.exec(out)?.[1], 10000);
			expect(out).toContain('LEGNEXT_SIM_KEY=cli-key');
			const res = await fetch(`${url}/api/account/balance`, { headers: { 'x-api-key': 'cli-key' } });
			expect(res.status).toBe(200);
		} finally {
			child.kill('SIGTERM');
		}
		expect(await exited).toBe(0);
	});
});
