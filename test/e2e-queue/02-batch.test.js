'use strict';
// A batch workflow in queue mode: several executions at once are spread over both workers; every
// item completes, and each file a worker stored (binary data in the database, queue mode's default)
// is read back through the main.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useQueueContext } = require('./lib/context');
const {
	IMAGE_URL,
	createFromImage,
	FAST_WAIT,
	manualTrigger,
	videoNode,
	noOp,
	codeItems,
	workflow,
	snapshotSimulator,
	executionErrorMessage,
	ms,
} = require('../e2e/lib/legnext');

const EXECUTIONS = 6;
const ITEMS = 4;
const JOB_MS = 2000;
const VIDEO_BYTES = 150_000;

let simulator;
const ctx = useQueueContext({
	async setup(ctx) {
		simulator = await snapshotSimulator(ctx.sim, ['jobMs', 'videoBytes', 'concurrency']);
		await ctx.sim.reset();
		// 24 jobs at once: above Legnext's standard limit of 6, which is not what this test is about.
		await ctx.sim.configure({ jobMs: JOB_MS, videoBytes: VIDEO_BYTES, concurrency: 100 });
	},
	async teardown() {
		if (simulator) await simulator.restore();
	},
});

test(`${EXECUTIONS} runs of a ${ITEMS}-item batch at once spread over both workers; all ${EXECUTIONS * ITEMS} items complete with their files`, async (t) => {
	const inputs = Array.from({ length: ITEMS }, (_, i) => ({ shot: i }));
	const created = await ctx.importWorkflow(
		workflow('queue batch', [
			manualTrigger(),
			codeItems('Shots', inputs),
			videoNode(
				'Create Videos',
				createFromImage({
					imageUrl: `={{ "${IMAGE_URL}?shot=" + $json.shot }}`,
					prompt: '={{ "run " + $execution.id + " shot " + $json.shot }}',
					download: 'one',
					options: { ...FAST_WAIT, maxConcurrentJobs: ITEMS },
				}),
			),
			noOp('Next Node'),
		]),
	);

	const startedAt = Date.now();
	const started = await Promise.all(
		Array.from({ length: EXECUTIONS }, () => ctx.api.runWorkflow(created.id)),
	);
	const ids = started.map((s) => s.executionId);
	assert.ok(ids.every(Boolean), `not all runs started: ${JSON.stringify(started)}`);

	// Peak of jobs held by workers while the batch runs.
	let peakActive = 0;
	let sampling = true;
	const sampler = (async () => {
		while (sampling) {
			peakActive = Math.max(peakActive, await ctx.activeJobs());
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	})();
	let executions;
	try {
		executions = await Promise.all(
			ids.map((id) => ctx.api.waitForExecution(id, { timeoutMs: 180000 })),
		);
	} finally {
		sampling = false;
		await sampler;
	}
	const wallMs = Date.now() - startedAt;

	const perWorker = {}; // worker -> { executions, items }
	let files = 0;
	for (const execution of executions) {
		assert.equal(
			execution.status,
			'success',
			`execution ${execution.id}: ${executionErrorMessage(execution)}\n${ctx.logsTail()}`,
		);
		const items = execution.nodes['Next Node'].items;
		assert.equal(items.length, ITEMS, `execution ${execution.id} returned ${items.length} items`);
		items.forEach((item, i) => {
			assert.equal(item.json.status, 'completed');
			assert.equal(
				item.json.raw.input.prompt,
				`${IMAGE_URL}?shot=${i} run ${execution.id} shot ${i}`,
			);
			assert.equal(item.binary.data.fileName, `${item.json.jobId}_0.mp4`);
			assert.match(item.binary.data.id, ctx.binaryIdPattern);
		});
		for (const item of items) {
			const bytes = await ctx.api.downloadBinary(item.binary.data);
			assert.equal(bytes.length, VIDEO_BYTES);
			assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp');
			files++;
		}
		const ran = Object.keys(ctx.workersOf(execution.id));
		assert.equal(
			ran.length,
			1,
			`execution ${execution.id} ran on ${ran.join(', ') || 'no worker'}`,
		);
		const entry = (perWorker[ran[0]] = perWorker[ran[0]] || { executions: [], items: 0 });
		entry.executions.push(execution.id);
		entry.items += items.length;
	}
	for (const name of ctx.workerNames())
		assert.ok(
			perWorker[name],
			`${name} ran none of the ${EXECUTIONS} executions: ${JSON.stringify(perWorker)}`,
		);

	const stats = await ctx.sim.stats();
	assert.equal(stats.submits, EXECUTIONS * ITEMS, 'each item submitted exactly once');
	assert.equal(stats.jobsCompleted, EXECUTIONS * ITEMS);

	const spread = Object.entries(perWorker)
		.sort()
		.map(
			([name, e]) =>
				`${name}: ${e.executions.length} executions (${e.executions.join(',')}), ${e.items} items`,
		)
		.join('; ');
	const longest = Math.max(...executions.map((e) => ms(e.startedAt, e.stoppedAt)));
	const text =
		`${EXECUTIONS} executions x ${ITEMS} items of ${JOB_MS} ms jobs: ${spread}; ` +
		`${files}/${EXECUTIONS * ITEMS} files (${VIDEO_BYTES} bytes, binary mode ${ctx.queue.binaryMode}) read back via the main; ` +
		`${stats.submits} submits; peak active worker jobs ${peakActive}; wall time ${wallMs} ms, longest execution ${longest} ms`;
	t.diagnostic(text);
	ctx.figure('batch', text);
});
