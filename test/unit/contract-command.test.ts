/**
 * `npm run contract` proven against the local simulator: the command itself (node tools/contract.js, as a
 * child process) and its logic in-process with the package's parser. No test here reaches the internet.
 */
import { randomUUID } from 'crypto';

import { parseJob } from '../../nodes/legnext/job';
import { runContract } from '../../tools/contract-check';
import { freePort, runContractCommand as command } from '../helpers/contract-command';
import { createSimulator, type Simulator } from '../helpers/simulator';

const KEY = `contract-${randomUUID()}`;

let sim: Simulator;
beforeAll(async () => {
	sim = await createSimulator({ apiKey: KEY, jobMs: 300, progressCallbacks: true });
});
afterAll(async () => await sim.close());
afterEach(() => sim.reset());

/** A finished job of the simulator, submitted over HTTP as a client would. */
async function finishedJob(path: string, body: object): Promise<{ job_id: string }> {
	const response = await fetch(`${sim.url}${path}`, {
		method: 'POST',
		headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	const job = (await response.json()) as { job_id: string };
	sim.completeJob(job.job_id);
	return job;
}

it('without LEGNEXT_API_KEY it says it skipped and exits 0, calling nothing', async () => {
	const before = sim.stats().requests;
	const run = await command(['--base-url', sim.url], {});
	expect(run.code).toBe(0);
	expect(run.stdout).toMatch(/LEGNEXT_API_KEY is not set: skipped/);
	expect(sim.stats().requests).toEqual(before);
});

it('against the simulator (docs form of the Base URL): the free calls match, a table is printed, exit 0', async () => {
	const run = await command(['--base-url', `${sim.url}/api/`], { LEGNEXT_API_KEY: KEY });
	expect(run.stderr).toBe('');
	expect(run.code).toBe(0);
	for (const call of ['balance', 'info', 'active_tasks']) {
		expect(run.stdout).toMatch(new RegExp(`^OK +GET /api/account/${call}`, 'm'));
	}
	expect(run.stdout).toMatch(/found: +available_credits, balance_usd/);
	// The simulator's info holds the API key itself (api_keys[].value): only field names and types are printed.
	expect(run.stdout).toMatch(
		/^OK +GET \/api\/account\/info[\s\S]*?found: +plan, max_concurrent_task_count/m,
	);
	expect(run.stdout).not.toContain(KEY);
	expect(run.stdout).toMatch(/3 of 3 calls match the contract\./);
	expect(sim.stats().creditsSpent).toBe(0);
});

it('Get Job for IDs on the command line, and a mismatch exits 1 naming the missing field', async () => {
	const job = await finishedJob('/api/v1/diffusion', { text: 'a fox' });
	sim.enqueue({
		method: 'GET',
		path: '/api/account/balance',
		status: 200,
		body: { code: 200, data: { credits: 5 }, message: 'success' },
	});
	const run = await command(['--base-url', sim.url, '--job', job.job_id], { LEGNEXT_API_KEY: KEY });
	expect(run.code).toBe(1);
	expect(run.stdout).toMatch(/^MISMATCH GET \/api\/account\/balance/m);
	expect(run.stdout).toMatch(/missing: available_credits, balance_usd/);
	expect(run.stdout).toMatch(/unknown: credits \(number\)/);
	expect(run.stdout).toMatch(
		new RegExp(`^OK +GET /api/v1/job/${job.job_id}.*diffusion completed`, 'm'),
	);
	expect(run.stdout).toMatch(/3 of 4 calls match the contract: see MISMATCH above\./);
});

it('--spend runs one Shorten job end to end, callback included (progress calls answered)', async () => {
	const port = await freePort();
	const run = await command(
		[
			'--base-url',
			sim.url,
			'--spend',
			'--callback-url',
			`http://127.0.0.1:${port}/legnext-hook`,
			'--poll-seconds',
			'0.05',
			'--timeout-seconds',
			'20',
		],
		{ LEGNEXT_API_KEY: KEY },
	);
	expect(run.stderr).toBe('');
	expect(run.code).toBe(0);
	expect(run.stdout).toMatch(/^OK +POST \/api\/v1\/shorten/m);
	expect(run.stdout).toMatch(/^OK +GET \/api\/v1\/job\/.* \(finished\).*shorten completed/m);
	expect(run.stdout).toMatch(/found: .*output\.promptEn/);
	expect(run.stdout).toMatch(
		/^OK +callback to http:\/\/127\.0\.0\.1:\d+\/legnext-hook \(after 1 progress call\(s\)\)/m,
	);
	expect(sim.stats().creditsSpent).toBe(20);
});

it('in-process with the package parser: the suggestions it finds are counted, a list-shaped available_actions is a mismatch', async () => {
	const lines: string[] = [];
	const job = await finishedJob('/api/v1/shorten', {
		prompt: 'a very long prompt about a fox in the snow',
	});
	const good = await runContract({
		baseUrl: sim.url,
		apiKey: KEY,
		jobIds: [job.job_id],
		print: (line) => lines.push(line),
		parser: { parseJob },
	});
	expect(good.ok).toBe(true);
	expect(lines.join('\n')).toMatch(/parsed 5 suggestion\(s\)/);

	const image = await finishedJob('/api/v1/diffusion', { text: 'a fox' });
	const stored = (sim.jobs() as Array<{ job_id: string; output: object }>).find(
		(j) => j.job_id === image.job_id,
	);
	const listShaped = {
		...stored,
		output: { ...stored?.output, available_actions: ['upscale', 'variation'] },
	};
	sim.enqueue({
		method: 'GET',
		path: `/api/v1/job/${image.job_id}`,
		status: 200,
		body: listShaped,
	});
	lines.length = 0;
	const bad = await runContract({
		baseUrl: sim.url,
		apiKey: KEY,
		jobIds: [image.job_id],
		print: (line) => lines.push(line),
	});
	expect(bad.ok).toBe(false);
	expect(lines.join('\n')).toMatch(
		/problem: output\.available_actions is a list, the sources document an object/,
	);
});
