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
	IMAGE_URL,
	manualTrigger,
	videoNode,
	noOp,
	workflow,
	snapshotSimulator,
	executionErrorMessage,
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
			videoNode('Create Video', {
				resource: 'video',
				operation: 'create',
				source: 'imageUrl',
				imageUrl: IMAGE_URL,
				prompt: 'queue pause',
				waitStrategy: 'pause',
				download: 'one',
				options: { timeoutMinutes: 15 },
			}),
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
