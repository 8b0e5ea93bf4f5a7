/**
 * Reliability against the local Legnext simulator: faults survived (read errors, 429s, dropped
 * connections, latency), submit faults (never sent twice, 429 retried), stuck jobs (bounded by the
 * timeout) and cancelled executions (stopped within a second). Figures go to ./report.js.
 */
import { sleep, type IDataObject, type INodeParameters } from 'n8n-workflow';

import {
	runVideoNode,
	SENTINEL_KEY,
	startVideoNode,
	useFastRetries,
	useSimulator,
	VIDEO_NODE,
} from '../helpers/legnext';
import type { WorkflowRunResult } from '../helpers/workflow/run';
import { exposureFigures, watch } from './exposure';
import { flush, report } from './report';

const JOB_MS = 400;
const VIDEO_BYTES = 4096;

useFastRetries();
const sim = useSimulator({
	apiKey: SENTINEL_KEY,
	jobMs: JOB_MS,
	videoBytes: VIDEO_BYTES,
	retryAfterSeconds: 0.05,
	// Callbacks are not part of these runs.
	faults: { callbackLossRate: 1 },
});
beforeEach(() => {
	sim.configure({ faults: null, seed: 1, jobMs: JOB_MS });
	sim.configure({ faults: { callbackLossRate: 1 } });
	sim.reset();
});
afterAll(() => {
	report('secrets', exposureFigures());
	flush('faults, submit faults, stuck and cancelled jobs (simulator)');
});

/** Create from an image URL taken from each item's `url`, waiting for the job. */
function createParameters(extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'video',
		operation: 'create',
		source: 'imageUrl',
		imageUrl: '={{ $json.url }}',
		download: 'none',
		...extra,
		options: { maxPollIntervalSeconds: 0.05, ...(extra.options as IDataObject) },
	};
}

const itemsOf = (count: number) =>
	Array.from({ length: count }, (_, i) => ({ url: `https://img.test/${i}.png` }));

async function run(
	parameters: INodeParameters,
	items: IDataObject[],
	continueOnFail = false,
): Promise<WorkflowRunResult> {
	return watch(await runVideoNode({ parameters, items, baseUrl: sim.url, continueOnFail }));
}

/** The simulator's job id for each prompt, to check that output item i belongs to input item i. */
function jobIdByPrompt(): Map<string, string> {
	return new Map(
		(sim.jobs() as IDataObject[]).map((job) => [
			String((job.input as IDataObject).prompt),
			String(job.job_id),
		]),
	);
}

const seconds = (ms: number) => Math.round(ms / 10) / 100;

/** The HTTP code an execution's error carries, or undefined (n8n stores errors as plain objects). */
function httpCode(result: WorkflowRunResult): string | undefined {
	const code = (result.error as { httpCode?: unknown } | undefined)?.httpCode;
	return typeof code === 'string' ? code : undefined;
}

describe('faults survived', () => {
	it('24 create-and-wait items under 20% 5xx, 10% 429, 10% dropped reads and latency: all complete, in order, 24 submits', async () => {
		sim.configure({
			seed: 7,
			faults: { readErrorRate: 0.2, read429Rate: 0.1, dropRate: 0.1, latencyMs: [5, 40] },
		});
		sim.reset();
		const items = itemsOf(24);
		const started = Date.now();
		const result = await run(createParameters({ download: 'one', downloadNumber: 3 }), items);
		const wall = Date.now() - started;

		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');
		const out = result.outputOf(VIDEO_NODE);
		expect(out).toHaveLength(24);
		const jobs = jobIdByPrompt();
		const inOrder = out.filter(
			(item, i) =>
				item.pairedItem !== undefined &&
				(item.pairedItem as { item: number }).item === i &&
				item.json.jobId === jobs.get(items[i].url),
		).length;
		const completed = out.filter(
			(item) =>
				item.json.status === 'completed' &&
				(item.json.videoUrls as string[]).length === 4 &&
				item.binary?.data?.fileName === `${item.json.jobId}_3.mp4`,
		).length;
		expect(inOrder).toBe(24);
		expect(completed).toBe(24);
		for (const item of out.slice(0, 3)) {
			expect((await result.binaryBuffer(item, 'data')).length).toBe(VIDEO_BYTES);
		}

		const stats = sim.stats();
		const reads = stats.requests['GET /api/v1/job/:id'];
		const faultedReads = stats.faultedRequests['GET /api/v1/job/:id'];
		// No job paid twice: every submit sent created one job, and no submit was repeated.
		expect(stats.submitAttempts).toBe(24);
		expect(stats.submits).toBe(24);
		expect(stats.jobsCreated).toBe(24);
		expect(stats.maxJobsInFlight).toBeLessThanOrEqual(6);
		expect(stats.cdnRequestsWithApiKey).toBe(0);
		// The faults really happened, in about the shares asked for.
		expect(faultedReads / reads).toBeGreaterThan(0.25);
		expect(faultedReads / reads).toBeLessThan(0.55);
		expect(stats.faulted.readError).toBeGreaterThan(0);
		expect(stats.faulted.read429).toBeGreaterThan(0);
		expect(stats.faulted.drop).toBeGreaterThan(0);
		expect(wall).toBeLessThan(15_000);

		report('faults survived', {
			completed: `${completed}/24`,
			'order kept': `${inOrder}/24`,
			'submits sent': stats.submitAttempts,
			'jobs created': stats.jobsCreated,
			reads,
			faulted: `${faultedReads} (5xx ${stats.faulted.readError}, 429 ${stats.faulted.read429}, dropped ${stats.faulted.drop})`,
			'max in flight': stats.maxJobsInFlight,
			wall: `${seconds(wall)} s`,
		});
	});
});

describe('read outages while waiting', () => {
	it('more failed reads in a row than one read retries: the wait goes on and the paid job is not lost', async () => {
		// 6 tries per read: 9 failures in a row outlast one read and its retries.
		sim.enqueue({ method: 'GET', path: '/api/v1/job/', status: 503, times: 9 });
		const result = await run(createParameters(), itemsOf(1));
		expect(result.status).toBe('success');
		expect(result.outputOf(VIDEO_NODE)[0].json.status).toBe('completed');
		const stats = sim.stats();
		expect(stats.faulted.scripted).toBe(9);
		expect(stats.submitAttempts).toBe(1);
		report('read outage > retries', {
			'failed reads in a row': 9,
			result: 'completed',
			'submits sent': stats.submitAttempts,
		});
	});

	it('an outage that outlasts the timeout ends there, naming the job and the read failure', async () => {
		sim.enqueue({ method: 'GET', path: '/api/v1/job/', drop: true, times: -1 });
		const started = Date.now();
		const result = await run(createParameters({ options: { timeoutMinutes: 0.01 } }), itemsOf(1));
		const wall = Date.now() - started;
		const jobId = String((sim.jobs()[0] as IDataObject).job_id);
		expect(result.error?.message).toBe(
			`Legnext job ${jobId} did not finish within 1 s (last status: unknown)`,
		);
		expect(result.error?.description).toMatch(
			/The last status read failed: Could not reach Legnext at .*: the connection was dropped\.$/,
		);
		expect(wall).toBeLessThan(600 + 1000);
	});

	it('a refusal while waiting (the key was revoked) ends the wait at once', async () => {
		sim.enqueue({
			method: 'GET',
			path: '/api/v1/job/',
			status: 401,
			body: { code: 401, message: 'Failed to verify api key' },
			times: -1,
		});
		const result = await run(createParameters({ options: { timeoutMinutes: 1 } }), itemsOf(1));
		expect(result.error?.message).toBe(
			'Legnext did not accept the API key: Failed to verify api key',
		);
		expect(httpCode(result)).toBe('401');
		expect(sim.stats().requests['GET /api/v1/job/:id']).toBe(1);
	});
});

describe('submit faults', () => {
	const submitPath = '/api/v1/video-diffusion';
	const faults = [
		['HTTP 500', { status: 500 }, /^Legnext had a server error \(HTTP 500\)/, '500'],
		[
			'dropped connection',
			{ drop: true },
			/^Could not reach Legnext at http:\/\/127\.0\.0\.1:\d+: the connection was dropped/,
			undefined,
		],
	] as const;

	for (const [name, rule, message, code] of faults) {
		it(`${name} on submit: the item fails clearly and is not resubmitted, though the job was created`, async () => {
			sim.enqueue({ method: 'POST', path: submitPath, createJob: true, ...rule });
			const result = await run(createParameters(), itemsOf(1));
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(message);
			expect(httpCode(result)).toBe(code);
			expect(result.error?.description).toMatch(
				/may have been created anyway, so it was not sent again/,
			);
			const stats = sim.stats();
			expect(stats.submitAttempts).toBe(1);
			expect(stats.jobsCreated).toBe(1);
			report(`submit ${name}`, {
				'submits sent': stats.submitAttempts,
				'jobs created': stats.jobsCreated,
				error: result.error?.message,
			});
		});

		it(`${name} on submit with Continue On Fail: that item becomes an error item, the others complete`, async () => {
			sim.enqueue({ method: 'POST', path: submitPath, createJob: true, ...rule });
			const result = await run(createParameters(), itemsOf(3), true);
			expect(result.status).toBe('success');
			const out = result.outputOf(VIDEO_NODE);
			expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			const failed = out.filter((item) => item.json.error !== undefined && !item.json.jobId);
			const completed = out.filter((item) => item.json.status === 'completed');
			expect(failed).toHaveLength(1);
			expect(completed).toHaveLength(2);
			expect(failed[0].json.error).toMatch(message);
			expect(failed[0].json.httpCode).toBe(code);
			expect(failed[0].json.description).toMatch(/not sent again/);
			const stats = sim.stats();
			expect(stats.submitAttempts).toBe(3);
			expect(stats.jobsCreated).toBe(3);
		});
	}

	it('429 on submit (the API took no job) is retried after Retry-After, then succeeds', async () => {
		sim.enqueue({
			method: 'POST',
			path: submitPath,
			status: 429,
			headers: { 'Retry-After': '0.2' },
			times: 2,
		});
		const started = Date.now();
		const result = await run(createParameters(), itemsOf(1));
		const wall = Date.now() - started;
		expect(result.status).toBe('success');
		expect(result.outputOf(VIDEO_NODE)[0].json.status).toBe('completed');
		const stats = sim.stats();
		expect(stats.submitAttempts).toBe(3);
		expect(stats.jobsCreated).toBe(1);
		expect(wall).toBeGreaterThanOrEqual(2 * 200 + JOB_MS);
		report('submit 429 x2', {
			'submits sent': stats.submitAttempts,
			'jobs created': stats.jobsCreated,
			result: 'completed',
			wall: `${seconds(wall)} s`,
		});
	});

	it('a 429 on every submit ends after the bounded number of tries, having created nothing', async () => {
		sim.enqueue({ method: 'POST', path: submitPath, status: 429, times: -1 });
		const result = await run(createParameters(), itemsOf(1));
		expect(result.error?.message).toMatch(/^Legnext is busy: too many jobs at once/);
		expect(httpCode(result)).toBe('429');
		expect(result.error?.description).toMatch(/Tried 6 times/);
		const stats = sim.stats();
		expect(stats.submitAttempts).toBe(6);
		expect(stats.jobsCreated).toBe(0);
		report('submit 429 always', {
			'submits sent': stats.submitAttempts,
			'jobs created': stats.jobsCreated,
			error: result.error?.message,
		});
	});
});

describe('stuck jobs', () => {
	it('jobs that never finish end at the timeout, each error naming its own job id', async () => {
		sim.configure({ faults: { neverFinishRate: 1, readErrorRate: 0.2 } });
		sim.reset();
		const timeoutMinutes = 0.01; // 0.6 s
		const started = Date.now();
		const result = await run(createParameters({ options: { timeoutMinutes } }), itemsOf(3), true);
		const wall = Date.now() - started;
		expect(result.status).toBe('success');
		const jobs = jobIdByPrompt();
		const out = result.outputOf(VIDEO_NODE);
		out.forEach((item, i) => {
			const jobId = jobs.get(`https://img.test/${i}.png`) as string;
			expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
			expect(item.json.error).toBe(
				`Legnext job ${jobId} did not finish within 1 s (last status: processing)`,
			);
			expect(item.json.description).toContain(`"Get Job" operation and job ID ${jobId}`);
		});
		expect(wall).toBeGreaterThanOrEqual(600);
		expect(wall).toBeLessThan(600 + 1000);
		expect(sim.stats().submitAttempts).toBe(3);
		report('stuck jobs', {
			timeout: '0.6 s',
			'ended after': `${seconds(wall)} s`,
			errors: `3/3 name their job id`,
			example: out[0].json.error,
		});
	});
});

describe('cancelled executions', () => {
	/** Starts a run, waits until `ready` says the waits are under way, cancels, and measures. */
	async function cancelWhen(
		parameters: INodeParameters,
		items: IDataObject[],
		ready: () => boolean,
		settleMs = 0,
	): Promise<{ stoppedMs: number; result: WorkflowRunResult }> {
		const handle = startVideoNode({ parameters, items, baseUrl: sim.url });
		const deadline = Date.now() + 5000;
		while (!ready() && Date.now() < deadline) await sleep(5);
		expect(ready()).toBe(true);
		await sleep(settleMs);
		const cancelledAt = Date.now();
		handle.cancel();
		const result = watch(await handle.done);
		const stoppedMs = Date.now() - cancelledAt;
		// A request already on the wire when cancel() ran may still be counted a moment later;
		// after that, nothing may start, for longer than the longest gap between reads here.
		await sleep(50);
		const settledAt = totalRequests();
		await sleep(1200);
		expect(totalRequests()).toBe(settledAt);
		return { stoppedMs, result };
	}

	const totalRequests = () =>
		Object.values(sim.stats().requests).reduce((sum, count) => sum + count, 0);
	const readsSoFar = () => sim.stats().requests['GET /api/v1/job/:id'] ?? 0;

	it('while six jobs wait between reads: stopped within a second, no read after', async () => {
		sim.configure({ jobMs: 60_000 });
		// Cancelled just after a read of the second round: that item has just begun a 1 s wait,
		// so a wait that ignored the cancel would take about a second to end.
		const { stoppedMs, result } = await cancelWhen(
			createParameters({ options: { maxPollIntervalSeconds: 10, timeoutMinutes: 60 } }),
			itemsOf(6),
			() => readsSoFar() >= 7,
			// Time for the answer to that read to arrive and the next wait to begin.
			40,
		);
		expect(result.status).toBe('canceled');
		expect(stoppedMs).toBeLessThan(800);
		expect(sim.stats().submitAttempts).toBe(6);
		report('cancel while waiting', { items: 6, 'stopped after': `${stoppedMs} ms` });
	});

	it('during a long Retry-After backoff: stopped within a second', async () => {
		sim.configure({ jobMs: 60_000 });
		sim.enqueue({
			method: 'GET',
			path: '/api/v1/job/',
			status: 429,
			headers: { 'Retry-After': '30' },
			times: -1,
		});
		const { stoppedMs, result } = await cancelWhen(
			createParameters({ options: { timeoutMinutes: 60 } }),
			itemsOf(2),
			() => readsSoFar() >= 2,
		);
		expect(result.status).toBe('canceled');
		expect(stoppedMs).toBeLessThan(1000);
		report('cancel in 30 s Retry-After', { 'stopped after': `${stoppedMs} ms` });
	});

	it('during a read the API takes 20 s to answer: stopped within a second', async () => {
		sim.configure({ jobMs: 60_000 });
		sim.enqueue({ method: 'GET', path: '/api/v1/job/', status: 200, delayMs: 20_000, times: -1 });
		const { stoppedMs, result } = await cancelWhen(
			createParameters({ options: { timeoutMinutes: 60 } }),
			itemsOf(1),
			() => readsSoFar() >= 1,
		);
		expect(result.status).toBe('canceled');
		expect(stoppedMs).toBeLessThan(1000);
		report('cancel in a 20 s request', { 'stopped after': `${stoppedMs} ms` });
	});
});
