'use strict';
// Pause mode in queue mode: a worker submits the job with the execution's resume URL (on the
// webhook process, from WEBHOOK_URL) and lets the execution go to "waiting". While it waits no
// worker holds a job (Bull's active list stays empty) and nothing reads the job. Legnext's callback
// hits the webhook process, which confirms the job, stores the file and queues the rest of the run
// for a worker.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useQueueContext } = require('./lib/context');
const {
	createFromImage,
	manualTrigger,
	videoNode,
	noOp,
	workflow,
	snapshotSimulator,
	executionErrorMessage,
	waitForCallbacks,
	videoBatchWorkflow,
	ms,
} = require('../e2e/lib/legnext');

const VIDEO_BYTES = 180_000;
const WAIT_SAMPLE_MS = 4000;

let simulator;
const ctx = useQueueContext({
	async setup(ctx) {
		simulator = await snapshotSimulator(ctx.sim, ['jobMs', 'videoBytes']);
		await ctx.sim.reset();
		// The job ends when the test says so (sim.completeJob), so the wait is measured as long as needed.
		await ctx.sim.configure({ jobMs: 10 * 60 * 1000, videoBytes: VIDEO_BYTES });
	},
	async teardown() {
		if (simulator) await simulator.restore();
	},
});

test('a pause-mode run waits without holding a worker and resumes through the webhook process', async (t) => {
	const created = await ctx.importWorkflow(
		workflow('queue pause', [
			manualTrigger(),
			videoNode(
				'Create Video',
				createFromImage({
					prompt: 'queue pause',
					waitStrategy: 'pause',
					download: 'one',
					options: { timeoutMinutes: 15 },
				}),
			),
			noOp('Next Node'),
		]),
	);
	const { executionId } = await ctx.api.runWorkflow(created.id);
	const waiting = await ctx.api.waitForExecution(executionId, {
		statuses: ['waiting'],
		timeoutMs: 60000,
	});
	const pausedAt = Date.now();
	const firstWorker = await ctx.waitForWorkerOf(executionId);
	const [job] = await ctx.sim.jobs();
	assert.ok(job, 'no job was submitted');
	const resumeUrl = new URL(job.config.webhook_config.endpoint);
	assert.equal(
		resumeUrl.origin,
		ctx.webhookBaseUrl,
		`resume URL ${resumeUrl} is not on the webhook process`,
	);
	assert.ok(resumeUrl.pathname.startsWith(`/webhook-waiting/${executionId}`), resumeUrl.pathname);

	// The wait: count the jobs workers hold, and the API reads.
	const readsBefore = (await ctx.sim.stats()).readsByJob[job.job_id] || 0;
	const sample = await ctx.sampleActiveJobs(WAIT_SAMPLE_MS);
	const queued = await ctx.queuedJobs();
	const stillWaiting = await ctx.api.getExecution(executionId);
	const readsDuring = ((await ctx.sim.stats()).readsByJob[job.job_id] || 0) - readsBefore;
	assert.equal(stillWaiting.status, 'waiting');
	assert.equal(sample.max, 0, `a worker held a job during the wait: ${sample.values.join(',')}`);
	assert.equal(queued, 0, 'a job was queued during the wait');
	assert.equal(readsDuring, 0, 'the job was read (polled) during the wait');

	const before = await ctx.sim.stats();
	const completedAt = Date.now();
	await ctx.sim.completeJob(job.job_id);
	const finished = await ctx.api.waitForExecution(executionId, { timeoutMs: 60000 });
	assert.equal(finished.status, 'success', `${executionErrorMessage(finished)}\n${ctx.logsTail()}`);
	const after = await ctx.sim.stats();
	assert.equal(
		after.callbacksSent - before.callbacksSent,
		1,
		'the webhook process did not accept the callback',
	);
	const [item] = finished.nodes['Next Node'].items;
	assert.equal(item.json.jobId, job.job_id);
	assert.equal(item.json.status, 'completed');
	assert.equal(item.json.waitMode, 'pause');
	assert.equal(item.json.callbackReceived, true);
	assert.match(item.binary.data.id, ctx.binaryIdPattern);
	const bytes = await ctx.api.downloadBinary(item.binary.data);
	assert.equal(bytes.length, VIDEO_BYTES);
	assert.equal(after.submits, 1, 'submitted more than once');

	const runs = ctx.workersOf(executionId);
	const starts = Object.values(runs).reduce((a, b) => a + b, 0);
	assert.equal(
		starts,
		2,
		`expected a start before the pause and one after the resume: ${JSON.stringify(runs)}`,
	);
	const text =
		`execution ${executionId} waiting ${ms(waiting.startedAt, new Date(pausedAt))} ms after start (first part on ${firstWorker}); ` +
		`during ${WAIT_SAMPLE_MS} ms of waiting: active worker jobs max ${sample.max} over ${sample.samples} samples, ` +
		`queued 0, job reads 0; callback -> ${resumeUrl.origin}/webhook-waiting/${executionId} (webhook process), ` +
		`resumed and finished in ${Date.now() - completedAt} ms on ${Object.keys(runs).join('+')} ` +
		`(worker starts ${JSON.stringify(runs)}), file ${bytes.length} bytes (stored by the webhook process, ${ctx.queue.binaryMode} mode)`;
	t.diagnostic(text);
	ctx.figure('pause', text);
});

const BATCH = 6;

/** Start -> 6 items -> Legnext Video (create, `waitStrategy`, download video 0) -> Next Node. */
function batchWorkflow(name, waitStrategy) {
	return videoBatchWorkflow(name, {
		count: BATCH,
		waitStrategy,
		nextNode: 'Next Node',
		timeoutMinutes: 15,
	});
}

async function filesOf(execution) {
	const items = execution.nodes['Next Node'].items;
	return {
		items,
		files: await Promise.all(items.map((item) => ctx.api.downloadBinary(item.binary.data))),
	};
}

test(`a pause-mode batch of ${BATCH} waits without a worker and without reads, survives a webhook process restart, and resumes once with poll mode's output`, async (t) => {
	await ctx.sim.configure({ jobMs: 1500 });
	let polled;
	try {
		const poll = await ctx.api.runWorkflow(
			(await ctx.importWorkflow(batchWorkflow('queue batch poll', 'poll'))).id,
		);
		const pollRun = await ctx.api.waitForExecution(poll.executionId, { timeoutMs: 120000 });
		assert.equal(pollRun.status, 'success', executionErrorMessage(pollRun));
		polled = await filesOf(pollRun);
	} finally {
		await ctx.sim.configure({ jobMs: 10 * 60 * 1000 });
	}

	const submitsBefore = (await ctx.sim.stats()).submits;
	const created = await ctx.importWorkflow(batchWorkflow('queue batch pause', 'pause'));
	const { executionId } = await ctx.api.runWorkflow(created.id);
	await ctx.api.waitForExecution(executionId, { statuses: ['waiting'], timeoutMs: 60000 });
	const endpoint = (job) => new URL(job.config.webhook_config.endpoint);
	const jobs = (await ctx.sim.jobs())
		.filter((job) =>
			String(job.config.webhook_config.endpoint).includes(`/webhook-waiting/${executionId}`),
		)
		.sort(
			(a, b) =>
				Number(endpoint(a).searchParams.get('job')) - Number(endpoint(b).searchParams.get('job')),
		);
	assert.equal(jobs.length, BATCH);
	for (const job of jobs) assert.equal(endpoint(job).origin, ctx.webhookBaseUrl);
	const before = await ctx.sim.stats();

	// Five jobs finish (shuffled order); each callback is answered on the webhook process; no worker holds a job.
	for (const n of [4, 1, 0, 3, 2]) {
		const was = await ctx.sim.stats();
		await ctx.sim.completeJob(jobs[n].job_id);
		await waitForCallbacks(ctx.sim, was, { what: `job ${n}'s callback` });
	}
	const sample = await ctx.sampleActiveJobs(WAIT_SAMPLE_MS);
	assert.equal(sample.max, 0, `a worker held a job during the wait: ${sample.values.join(',')}`);
	assert.equal(await ctx.queuedJobs(), 0, 'a job was queued during the wait');
	assert.equal((await ctx.api.getExecution(executionId)).status, 'waiting');
	const mid = await ctx.sim.stats();
	assert.equal(mid.callbacksFailed, before.callbacksFailed, 'a callback was refused');

	// A forged call and a repeat of job 0's callback change nothing.
	const post = (url, body) =>
		fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
	const forged = endpoint(jobs[0]);
	forged.searchParams.set('token', 'f'.repeat(32));
	const forgedStatus = (await post(forged, { ...jobs[0], status: 'completed' })).status;
	const job0 = (await ctx.sim.jobs()).find((job) => job.job_id === jobs[0].job_id);
	const repeatStatus = (await post(endpoint(jobs[0]), { timestamp: Date.now(), data: job0 }))
		.status;
	assert.equal(forgedStatus, 401);
	assert.equal(repeatStatus, 200);
	assert.equal((await ctx.api.getExecution(executionId)).status, 'waiting');

	// The webhook process is killed and started again before the last callback.
	await ctx.killProcess('webhook');
	const { startMs } = await ctx.startProcess('webhook');
	const lastAt = Date.now();
	await ctx.sim.completeJob(jobs[5].job_id);
	const finished = await ctx.api.waitForExecution(executionId, { timeoutMs: 60000 });
	assert.equal(finished.status, 'success', `${executionErrorMessage(finished)}\n${ctx.logsTail()}`);
	const after = await ctx.sim.stats();
	const paused = await filesOf(finished);
	assert.deepEqual(
		paused.items.map((item) => item.json.jobId),
		jobs.map((job) => job.job_id),
	);
	for (const [n, item] of paused.items.entries()) {
		assert.equal(item.json.waitMode, 'pause');
		assert.equal(item.json.callbackReceived, true);
		assert.ok(
			paused.files[n].equals(polled.files[n]),
			`item ${n}: the file differs from poll mode's`,
		);
	}
	assert.equal(
		after.readsWhileRunning - before.readsWhileRunning,
		0,
		'a job was read while it rendered',
	);
	assert.equal(after.submits - submitsBefore, BATCH, 'a job was submitted twice');
	const starts = Object.values(ctx.workersOf(executionId)).reduce((a, b) => a + b, 0);
	assert.equal(starts, 2, 'expected one worker start before the pause and one after the resume');
	const text =
		`batch of ${BATCH}, execution ${executionId}: after 5 callbacks, active worker jobs max ${sample.max} over ` +
		`${sample.samples} samples, queued 0; forged -> ${forgedStatus}, repeat -> ${repeatStatus}; webhook process ` +
		`killed and started (${startMs} ms); last callback -> "${finished.status}" in ${Date.now() - lastAt} ms; ` +
		`reads while rendering 0; worker starts ${starts}; files byte-equal to poll mode's ${BATCH}/${BATCH}`;
	t.diagnostic(text);
	ctx.figure('pause batch', text);
});
