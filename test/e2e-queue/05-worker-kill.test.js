'use strict';
// A worker dies (kill -9) while it polls a job for a poll-mode run. n8n's queue never retries a
// stalled job (maxStalledCount 0), so the execution ends as a clearly failed one and the job is
// not submitted a second time. Pause-mode runs waiting at the same moment hold no worker (one of
// them paused on the worker that dies), so they survive: their callbacks resume them on the other
// worker. The killed worker is started again after.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useQueueContext } = require('./lib/context');
const {
	IMAGE_URL,
	createFromImage,
	manualTrigger,
	videoNode,
	noOp,
	workflow,
	snapshotSimulator,
	executionErrorMessage,
	ms,
} = require('../e2e/lib/legnext');
const { sleep } = require('../n8n/proc');

const POLL_JOB_MS = 30000;
const VIDEO_BYTES = 100_000;
const TERMINAL = ['error', 'crashed', 'canceled', 'success'];

let simulator;
let killed; // name of the killed worker, started again in teardown if the test failed midway
const ctx = useQueueContext({
	async setup(ctx) {
		simulator = await snapshotSimulator(ctx.sim, ['jobMs', 'videoBytes']);
		await ctx.sim.reset();
		await ctx.sim.configure({ videoBytes: VIDEO_BYTES });
	},
	async teardown(ctx) {
		if (killed) {
			const processes = await ctx.processes();
			if (!processes.find((p) => p.name === killed).running) await ctx.startProcess(killed);
		}
		if (simulator) await simulator.restore();
	},
});

function createVideo(name, parameters) {
	return workflow(name, [
		manualTrigger(),
		videoNode(
			'Create Video',
			createFromImage({
				download: 'one',
				...parameters,
			}),
		),
		noOp('Next Node'),
	]);
}

const jobWithPrompt = async (prompt) =>
	(await ctx.sim.jobs()).filter((job) => job.input.prompt === `${IMAGE_URL} ${prompt}`);

test('kill -9 of the worker polling a job: the execution fails, no second submit; a paused run survives', async (t) => {
	// 1. Pause-mode runs, waiting (their jobs end only when the test says so).
	await ctx.sim.configure({ jobMs: 10 * 60 * 1000 });
	const pauseWorkflow = await ctx.importWorkflow(
		createVideo('queue kill: pause', {
			prompt: '={{ "survivor " + $execution.id }}',
			waitStrategy: 'pause',
			options: { timeoutMinutes: 15 },
		}),
	);
	const paused = []; // { id, firstWorker, job }
	async function startPaused() {
		const id = (await ctx.api.runWorkflow(pauseWorkflow.id)).executionId;
		await ctx.api.waitForExecution(id, { statuses: ['waiting'], timeoutMs: 60000 });
		const [job] = await jobWithPrompt(`survivor ${id}`);
		assert.ok(job, `no job for paused execution ${id}`);
		paused.push({ id, firstWorker: await ctx.waitForWorkerOf(id), job });
	}
	await startPaused();
	await startPaused();

	// 2. A poll-mode run whose job takes POLL_JOB_MS; wait until its worker is polling it.
	await ctx.sim.configure({ jobMs: POLL_JOB_MS });
	const pollWorkflow = await ctx.importWorkflow(
		createVideo('queue kill: poll', {
			prompt: 'victim',
			options: { maxPollIntervalSeconds: 0.5, timeoutMinutes: 5 },
		}),
	);
	const pollId = (await ctx.api.runWorkflow(pollWorkflow.id)).executionId;
	const victim = await ctx.waitForWorkerOf(pollId);
	// At least one paused run should have had its first part on the worker about to die.
	await ctx.sim.configure({ jobMs: 10 * 60 * 1000 });
	for (let i = 0; i < 4 && !paused.some((p) => p.firstWorker === victim); i++) await startPaused();
	await ctx.sim.configure({ jobMs: POLL_JOB_MS });
	let pollJob;
	for (let i = 0; i < 100 && !pollJob; i++) {
		const [job] = await jobWithPrompt('victim');
		if (job && ((await ctx.sim.stats()).readsByJob[job.job_id] || 0) >= 2) pollJob = job;
		else await sleep(100);
	}
	assert.ok(pollJob, 'the poll-mode run never submitted and read its job');
	const running = await ctx.api.getExecution(pollId);
	assert.equal(running.status, 'running');
	const activeBefore = await ctx.activeJobs();

	// 3. kill -9 the worker running it.
	const killedAt = Date.now();
	const { pid } = await ctx.killProcess(victim);
	killed = victim;
	const readsAtKill = (await ctx.sim.stats()).readsByJob[pollJob.job_id];

	// 4. The execution ends failed; nobody submits the job again.
	const failed = await ctx.api.waitForExecution(pollId, { statuses: TERMINAL, timeoutMs: 180000 });
	const failedAfterMs = Date.now() - killedAt;
	const message = executionErrorMessage(failed);
	assert.ok(['error', 'crashed'].includes(failed.status), `status ${failed.status}: ${message}`);
	assert.notEqual(failed.status, 'success');
	await sleep(12000); // more than two stalled-job checks: a retry would have started by now
	const victimJobs = await jobWithPrompt('victim');
	const stats = await ctx.sim.stats();
	assert.equal(victimJobs.length, 1, `the poll-mode job was submitted ${victimJobs.length} times`);
	const readsAfterKill = stats.readsByJob[pollJob.job_id] - readsAtKill;
	const ranOn = ctx.workersOf(pollId);
	assert.deepEqual(
		Object.keys(ranOn),
		[victim],
		`the execution was picked up again: ${JSON.stringify(ranOn)}`,
	);
	const afterFailure = await ctx.api.getExecution(pollId);
	assert.equal(afterFailure.status, failed.status, 'the failed execution changed status later');

	// 5. The paused runs survive: their callbacks resume them on the remaining worker.
	const survivorWorker = ctx.workerNames().find((name) => name !== victim);
	const survived = [];
	for (const run of paused) {
		await ctx.sim.completeJob(run.job.job_id);
		const resumed = await ctx.api.waitForExecution(run.id, { timeoutMs: 60000 });
		assert.equal(resumed.status, 'success', `${executionErrorMessage(resumed)}\n${ctx.logsTail()}`);
		const [item] = resumed.nodes['Next Node'].items;
		assert.equal(item.json.callbackReceived, true);
		assert.equal(item.json.jobId, run.job.job_id);
		assert.equal((await ctx.api.downloadBinary(item.binary.data)).length, VIDEO_BYTES);
		const runs = ctx.workersOf(run.id);
		assert.ok(
			runs[survivorWorker] >= 1,
			`${run.id} did not resume on ${survivorWorker}: ${JSON.stringify(runs)}`,
		);
		assert.equal(
			(await jobWithPrompt(`survivor ${run.id}`)).length,
			1,
			`${run.id} submitted twice`,
		);
		survived.push(
			`${run.id} (paused on ${run.firstWorker}, ${ms(resumed.startedAt, resumed.stoppedAt)} ms in all)`,
		);
	}
	assert.ok(
		paused.some((run) => run.firstWorker === victim),
		`no paused run had its first part on ${victim}: ${paused.map((p) => p.firstWorker)}`,
	);

	// 6. The killed worker comes back.
	const { startMs } = await ctx.startProcess(victim);
	killed = undefined;

	const text =
		`poll-mode execution ${pollId} on ${victim} (pid ${pid}, ${activeBefore} active worker job(s) at the kill), job ${pollJob.job_id} ` +
		`read ${readsAtKill} times; kill -9 -> execution "${failed.status}" ${failedAfterMs} ms later ` +
		`("${message.slice(0, 80)}..."), submits of that job: ${victimJobs.length}, reads after the kill: ${readsAfterKill}, ` +
		`never picked up by another worker; ${paused.length} pause-mode executions waiting through the kill all resumed ` +
		`on ${survivorWorker} and succeeded: ${survived.join(', ')}; ${victim} restarted in ${startMs} ms`;
	t.diagnostic(text);
	ctx.figure('worker kill', text);
});
