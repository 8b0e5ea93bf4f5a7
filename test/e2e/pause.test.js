'use strict';
// Pause mode ("Wait Strategy: Pause Until Callback") in a real n8n: the node submits the job with
// the execution's resume URL as callback and the execution waits in the database. Checked here:
// the execution is "waiting", the simulator gets no job reads while the job runs, the callback
// resumes it within a second with the job and its file, a restart of n8n during the wait does not
// lose it, what n8n does when the deadline passes without a callback, and batches of 6: callbacks in
// turn (forged, repeated, a restart mid-wait) and callbacks that all come at once (one resume).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useContext } = require('./lib/context');
const {
	createFromImage,
	manualTrigger,
	videoNode,
	noOp,
	workflow,
	snapshotSimulator,
	latestJob,
	executionErrorMessage,
	waitForCallbacks,
	videoBatchWorkflow,
	ms,
} = require('./lib/legnext');

const JOB_MS = 3000;
const LONG_JOB_MS = 10 * 60 * 1000; // ended by hand (sim.completeJob) when the test wants
const VIDEO_BYTES = 250_000;
const ANY_END = ['waiting', 'success', 'error', 'crashed', 'canceled'];

let simulator;
const ctx = useContext({
	async setup(ctx) {
		simulator = await snapshotSimulator(ctx.sim, ['jobMs', 'videoBytes', 'faults']);
		await ctx.sim.reset();
		await ctx.sim.configure({ jobMs: JOB_MS, videoBytes: VIDEO_BYTES });
	},
	async teardown(ctx) {
		if (simulator) await simulator.restore();
	},
});

/** Start -> Legnext Video (create, pause mode, download video 0) -> After Resume. */
function pauseWorkflow(name, options = {}) {
	return workflow(name, [
		manualTrigger(),
		videoNode('Create Video', createFromImage({
			prompt: 'paused until Legnext calls',
			waitForCompletion: true,
			waitStrategy: 'pause',
			download: 'one',
			downloadNumber: 0,
			options: { timeoutMinutes: 5, ...options },
		})),
		noOp('After Resume'),
	]);
}

const BATCH = 6;

/** Start -> 6 items -> Legnext Video (create, `waitStrategy`, download video 0) -> After Resume. */
function batchWorkflow(name, waitStrategy) {
	return videoBatchWorkflow(name, {
		count: BATCH,
		waitStrategy,
		nextNode: 'After Resume',
		timeoutMinutes: 5,
	});
}

/** Ends a simulator job and waits until its callback was answered (or failed). */
async function completeAndAwaitCallback(jobId) {
	const before = await ctx.sim.stats();
	await ctx.sim.completeJob(jobId);
	await waitForCallbacks(ctx.sim, before, { what: `job ${jobId}'s callback` });
}

/** The items and file bytes a finished batch run passed to After Resume. */
async function batchOutput(execution) {
	const items = execution.nodes['After Resume'].items;
	const files = await Promise.all(items.map((item) => ctx.api.downloadBinary(item.binary.data)));
	return { items, files };
}

/** Runs until the execution is waiting (or ended, which fails the test). */
async function runUntilWaiting(created) {
	const waiting = await ctx.run(created.id, { statuses: ANY_END, timeoutMs: 30000 });
	assert.equal(
		waiting.status,
		'waiting',
		`expected "waiting", got ${waiting.status}: ${executionErrorMessage(waiting)}`,
	);
	return waiting;
}

/** A simulator job's callback URL. */
const endpoint = (job) => new URL(job.config.webhook_config.endpoint);

/** Runs a pause-mode batch until it waits (its jobs rendering until ended by hand); its jobs in item order. */
async function waitingBatch(batch) {
	await ctx.sim.configure({ jobMs: LONG_JOB_MS });
	let waiting;
	try {
		waiting = await runUntilWaiting(await ctx.importWorkflow(batch));
	} finally {
		await ctx.sim.configure({ jobMs: JOB_MS });
	}
	const jobs = (await ctx.sim.jobs()).filter((j) =>
		String(j.config.webhook_config.endpoint).includes(`/webhook-waiting/${waiting.id}`),
	);
	assert.equal(jobs.length, BATCH, `${jobs.length} jobs carry the resume URL`);
	jobs.sort(
		(a, b) =>
			Number(endpoint(a).searchParams.get('job')) - Number(endpoint(b).searchParams.get('job')),
	);
	return { waiting, jobs };
}

/** The simulator job whose callback is this execution's resume URL. */
async function jobOf(executionId) {
	const job = await latestJob(ctx.sim, (j) =>
		String(j.config.webhook_config.endpoint).includes(`/webhook-waiting/${executionId}`),
	);
	assert.ok(job, `no simulator job has execution ${executionId}'s resume URL as callback`);
	return job;
}

async function assertResumedWithJob(execution, jobId) {
	assert.equal(
		execution.status,
		'success',
		`${execution.status}: ${executionErrorMessage(execution)}\n${ctx.logTail(20)}`,
	);
	const [item] = execution.nodes['After Resume'].items;
	assert.equal(item.json.jobId, jobId);
	assert.equal(item.json.status, 'completed');
	assert.equal(item.json.waitMode, 'pause');
	assert.equal(item.json.callbackReceived, true);
	assert.equal(item.json.videoUrls.length, 4);
	const binary = item.binary && item.binary.data;
	assert.ok(binary, 'the resumed item has no file');
	assert.equal(binary.mimeType, 'video/mp4');
	assert.equal(binary.fileName, `${jobId}_0.mp4`);
	const bytes = await ctx.api.downloadBinary(binary);
	assert.equal(bytes.length, VIDEO_BYTES);
	return item;
}

/**
 * One paused run of `created`: runs it to "waiting", lets the simulator job end (its callback is sent
 * in the same tick, so meta.ended_at is the callback's send time), waits for the end.
 * Latency = execution stoppedAt - callback sent; `handling` = up to the resumed node run's start
 * (loading the execution, token check, confirming read, download), `engine` = the rest.
 */
async function pausedRun(created) {
	const waiting = await runUntilWaiting(created);
	const job = await jobOf(waiting.id);
	const finished = await ctx.api.waitForExecution(waiting.id, {
		timeoutMs: 30000,
		intervalMs: 100,
	});
	await assertResumedWithJob(finished, job.job_id);
	const ended = (await jobOf(waiting.id)).meta.ended_at;
	const runs = finished.nodes['Create Video'].runs;
	const resumedAt = runs[runs.length - 1].startTime;
	return {
		waiting,
		job,
		finished,
		latency: ms(ended, finished.stoppedAt),
		handling: ms(ended, resumedAt),
		engine: ms(resumedAt, finished.stoppedAt),
	};
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

test(`pause mode: the execution waits with 0 job reads while the ${JOB_MS} ms job runs, and each callback resumes it with the job and its file (resume latency of 3 runs, best < 1 s)`, async (t) => {
	const created = await ctx.importWorkflow(pauseWorkflow('e2e pause'));
	const before = await ctx.sim.stats();
	const first = await pausedRun(created);
	const { waiting, job } = first;
	assert.ok(waiting.waitTill, 'a waiting execution has a waitTill (the deadline)');
	const deadlineMs = ms(waiting.startedAt, waiting.waitTill);
	assert.ok(deadlineMs > 4 * 60000 && deadlineMs <= 5 * 60000 + 5000, `deadline ${deadlineMs} ms`);
	const callback = new URL(job.config.webhook_config.endpoint);
	assert.equal(callback.origin, ctx.n8nUrl);
	// n8n 2.x signs resume URLs; 1.x does not, so there the node's token is the only guard.
	if (ctx.n8nMajor >= 2)
		assert.ok(callback.searchParams.get('signature'), 'n8n resume signature missing');
	else assert.equal(callback.searchParams.get('signature'), null);
	assert.match(callback.searchParams.get('token') || '', /^[0-9a-f]{32}$/);
	const afterFirst = await ctx.sim.stats();
	const readsOfJob = afterFirst.readsByJob[job.job_id] || 0;

	const runs = [first, await pausedRun(created), await pausedRun(created)];
	const after = await ctx.sim.stats();
	const readsWhileRunning = after.readsWhileRunning - before.readsWhileRunning;
	const latencies = runs.map((run) => run.latency);
	t.diagnostic(
		`execution ${waiting.id}: "waiting" (deadline +${Math.round(deadlineMs / 1000)} s), callback URL = resume URL + signature + token; ` +
			`job ${job.job_id} ran ${JOB_MS} ms; reads while running: ${readsWhileRunning} (3 runs); ` +
			`reads of the first job in all: ${readsOfJob} (the callback's confirmation); callbacks sent: ${after.callbacksSent - before.callbacksSent}`,
	);
	t.diagnostic(
		`resume latency (callback sent -> execution finished), 3 runs: ${latencies.join(' / ')} ms ` +
			`(median ${median(latencies)}, best ${Math.min(...latencies)}); of which before the resumed node run ` +
			`starts (loading the execution, token check, confirming read, ${VIDEO_BYTES}-byte download): ` +
			`${runs.map((r) => r.handling).join(' / ')} ms`,
	);
	assert.equal(readsWhileRunning, 0, 'the node read a job while it ran');
	assert.equal(after.callbacksSent - before.callbacksSent, 3);
	assert.ok(
		Math.min(...latencies) < 1000,
		`no run resumed within 1 s of its callback: ${latencies}`,
	);
	assert.ok(
		Math.max(...latencies) < 10000,
		`a run resumed ${Math.max(...latencies)} ms after its callback`,
	);
});

test('pause mode: a progress callback (job processing) gets 2xx and leaves the run waiting; the finished one resumes it', async (t) => {
	await ctx.sim.configure({ jobMs: LONG_JOB_MS });
	let waiting;
	try {
		const created = await ctx.importWorkflow(pauseWorkflow('e2e pause progress'));
		waiting = await runUntilWaiting(created);
	} finally {
		await ctx.sim.configure({ jobMs: JOB_MS });
	}
	const job = await jobOf(waiting.id);
	const before = await ctx.sim.stats();
	// The progress call Legnext may send, to the exact callback URL the job holds (sent by hand, so it
	// cannot race the execution into its waiting state).
	const progress = await fetch(job.config.webhook_config.endpoint, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ timestamp: Date.now(), data: { ...job, status: 'processing' } }),
	});
	const progressBody = await progress.json();
	assert.equal(progress.status, 200, JSON.stringify(progressBody));
	assert.equal(progressBody.ok, true);
	await new Promise((resolve) => setTimeout(resolve, 1000));
	assert.equal(
		(await ctx.api.getExecution(waiting.id)).status,
		'waiting',
		'a progress call resumed the run',
	);
	await ctx.sim.completeJob(job.job_id);
	const finished = await ctx.api.waitForExecution(waiting.id, {
		timeoutMs: 30000,
		intervalMs: 100,
	});
	await assertResumedWithJob(finished, job.job_id);
	const after = await ctx.sim.stats();
	assert.equal(after.callbacksSent - before.callbacksSent, 1);
	assert.equal(after.callbacksFailed, before.callbacksFailed);
	t.diagnostic(
		`execution ${waiting.id}: progress call -> ${progress.status} ${JSON.stringify(progressBody)}, still "waiting"; finished call -> "${finished.status}"`,
	);
});

test('pause mode survives an n8n restart during the wait: the callback after the restart completes the run', async (t) => {
	await ctx.sim.configure({ jobMs: LONG_JOB_MS });
	let created;
	let waiting;
	try {
		created = await ctx.importWorkflow(pauseWorkflow('e2e pause restart'));
		waiting = await runUntilWaiting(created);
	} finally {
		await ctx.sim.configure({ jobMs: JOB_MS });
	}
	const job = await jobOf(waiting.id);
	const before = await ctx.sim.stats();

	const restart = await ctx.restartN8n();
	const afterRestart = await ctx.api.getExecution(waiting.id);
	assert.equal(
		afterRestart.status,
		'waiting',
		'the execution is no longer waiting after the restart',
	);

	const completedAt = Date.now();
	await ctx.sim.completeJob(job.job_id); // the job ends now, with n8n back up: callback
	const finished = await ctx.api.waitForExecution(waiting.id, {
		timeoutMs: 30000,
		intervalMs: 100,
	});
	await assertResumedWithJob(finished, job.job_id);
	const after = await ctx.sim.stats();
	assert.equal(after.callbacksSent - before.callbacksSent, 1);
	assert.equal(after.readsWhileRunning - before.readsWhileRunning, 0);
	t.diagnostic(
		`execution ${waiting.id} waiting; n8n stopped in ${restart.stopMs} ms and started in ${restart.startMs} ms; ` +
			`still "waiting" after the restart; job ${job.job_id} completed after it -> ` +
			`execution "${finished.status}" ${ms(new Date(completedAt), finished.stoppedAt)} ms later, with the job and its file`,
	);
});

test('pause mode deadline with no callback (callback lost): what n8n does when timeoutMinutes passes', async (t) => {
	const timeoutMinutes = 0.2; // 12 s
	await ctx.sim.configure({ jobMs: LONG_JOB_MS });
	let waiting;
	try {
		const created = await ctx.importWorkflow(
			pauseWorkflow('e2e pause deadline', { timeoutMinutes }),
		);
		waiting = await runUntilWaiting(created);
	} finally {
		await ctx.sim.configure({ jobMs: JOB_MS });
	}
	const job = await jobOf(waiting.id);
	const before = await ctx.sim.stats();
	// The job finishes at Legnext, but its callback is lost on the way.
	await ctx.sim.configure({ faults: { callbackLossRate: 1 } });
	try {
		await ctx.sim.completeJob(job.job_id);
	} finally {
		await ctx.sim.configure({ faults: { callbackLossRate: 0 } });
	}
	assert.equal((await ctx.sim.stats()).callbacksLost - before.callbacksLost, 1);

	// n8n's wait tracker looks for due executions once a minute, so allow deadline + 60 s + margin.
	const finished = await ctx.api.waitForExecution(waiting.id, { timeoutMs: 12000 + 90000 });
	const resumedAfterDeadline = ms(waiting.waitTill, finished.stoppedAt);
	const legnextItems = (finished.nodes['Create Video'] || {}).items || [];
	const nextItems = (finished.nodes['After Resume'] || {}).items || [];
	const item = (nextItems[0] || legnextItems[0] || {}).json || {};
	t.diagnostic(
		`deadline ${timeoutMinutes} min, callback lost: execution ${waiting.id} ended "${finished.status}" ` +
			`${resumedAfterDeadline} ms after its waitTill (n8n checks due waits once a minute); ` +
			`"Create Video" gave ${legnextItems.length} item(s), "After Resume" got ${nextItems.length}: ` +
			`{ jobId: ${item.jobId}, status: "${item.status}", waitMode: "${item.waitMode}", ` +
			`callbackReceived: ${item.callbackReceived}, error: "${item.error}" }; ` +
			`execution error: ${executionErrorMessage(finished) || 'none'}`,
	);
	// The design: n8n continues with the node's (swapped) input, an item saying no callback came.
	assert.equal(finished.status, 'success', executionErrorMessage(finished));
	assert.equal(nextItems.length, 1, 'the workflow did not continue after the deadline');
	assert.equal(item.callbackReceived, false);
	assert.equal(item.waitMode, 'pause');
	assert.equal(item.jobId, job.job_id);
	assert.match(item.error, new RegExp(`No callback from Legnext for job ${job.job_id}`));
	assert.match(item.error, /Get Job/);
	assert.equal(nextItems[0].binary, undefined);
});

test(`pause mode, batch of ${BATCH}: 0 job reads while rendering, forged and repeated callbacks change nothing, an n8n restart mid-wait, one resume after the last callback with the same output as poll mode`, async (t) => {
	const poll = await ctx.importAndRun(batchWorkflow('e2e batch poll', 'poll'));
	assert.equal(poll.status, 'success', executionErrorMessage(poll));
	const polled = await batchOutput(poll);

	const { waiting, jobs } = await waitingBatch(batchWorkflow('e2e batch pause', 'pause'));
	assert.deepEqual(
		jobs.map((job) => endpoint(job).searchParams.get('job')),
		['0', '1', '2', '3', '4', '5'],
	);
	const before = await ctx.sim.stats();
	const post = (url, body) =>
		fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
	const status = async () => (await ctx.api.getExecution(waiting.id)).status;

	// Forged: job 0's URL with another token, and job 1's index on job 0's token.
	const forged = endpoint(jobs[0]);
	forged.searchParams.set('token', '0'.repeat(32));
	const swapped = endpoint(jobs[0]);
	swapped.searchParams.set('job', '1');
	const forgedAnswers = [];
	for (const url of [forged, swapped])
		forgedAnswers.push((await post(url, { ...jobs[0], status: 'completed' })).status);
	assert.deepEqual(forgedAnswers, [401, 401]);

	// Five jobs finish in a shuffled order; the run keeps waiting.
	for (const n of [3, 0, 4, 1, 2]) await completeAndAwaitCallback(jobs[n].job_id);
	assert.equal(await status(), 'waiting', 'the run resumed before its last job finished');
	// Legnext repeats job 0's callback: answered, nothing changes.
	const finishedJob0 = (await ctx.sim.jobs()).find((j) => j.job_id === jobs[0].job_id);
	const repeat = await post(endpoint(jobs[0]), { timestamp: Date.now(), data: finishedJob0 });
	assert.equal(repeat.status, 200);
	assert.equal(await status(), 'waiting');

	const restart = await ctx.restartN8n();
	assert.equal(await status(), 'waiting', 'the execution is no longer waiting after the restart');
	const lastAt = Date.now();
	await ctx.sim.completeJob(jobs[5].job_id);
	const finished = await ctx.api.waitForExecution(waiting.id, {
		timeoutMs: 30000,
		intervalMs: 100,
	});
	assert.equal(
		finished.status,
		'success',
		`${executionErrorMessage(finished)}\n${ctx.logTail(20)}`,
	);
	const after = await ctx.sim.stats();

	const paused = await batchOutput(finished);
	assert.equal(finished.nodes['After Resume'].runs.length, 1, 'After Resume ran more than once');
	assert.deepEqual(
		paused.items.map((item) => item.json.jobId),
		jobs.map((job) => job.job_id),
	);
	assert.equal(paused.items.length, polled.items.length);
	for (const [n, item] of paused.items.entries()) {
		assert.equal(item.json.waitMode, 'pause');
		assert.equal(item.json.callbackReceived, true);
		assert.deepEqual(
			Object.keys(item.json)
				.filter((k) => k !== 'callbackReceived' && k !== 'waitNote')
				.sort(),
			Object.keys(polled.items[n].json)
				.filter((k) => k !== 'waitNote')
				.sort(),
		);
		assert.equal(item.json.status, polled.items[n].json.status);
		assert.ok(
			paused.files[n].equals(polled.files[n]),
			`item ${n}: the file differs from poll mode's`,
		);
		assert.equal(item.binary.data.fileName, `${jobs[n].job_id}_0.mp4`);
	}
	const readsWhileRunning = after.readsWhileRunning - before.readsWhileRunning;
	assert.equal(readsWhileRunning, 0, 'a job was read while it rendered');
	t.diagnostic(
		`execution ${waiting.id}: ${BATCH} jobs, forged calls -> ${forgedAnswers.join(', ')}, 5 callbacks -> still "waiting", ` +
			`repeat -> ${repeat.status} still "waiting"; n8n restarted (stop ${restart.stopMs} ms, start ${restart.startMs} ms); ` +
			`last job completed -> "${finished.status}" ${ms(new Date(lastAt), finished.stoppedAt)} ms later; ` +
			`reads while rendering: ${readsWhileRunning}; job reads in all: ${Object.values(after.readsByJob).reduce((a, b) => a + b, 0) - Object.values(before.readsByJob).reduce((a, b) => a + b, 0)}; ` +
			`files byte-equal to poll mode's: ${BATCH}/${BATCH}`,
	);
});

test(`pause mode, batch of ${BATCH} whose jobs end together: one callback resumes the run, once; the others and a later repeat change nothing`, async (t) => {
	// "Count Run" makes one request the simulator counts per run of the resumed part: a second resume would show.
	const together = batchWorkflow('e2e batch pause together', 'pause');
	together.nodes.push({
		id: 'count-run',
		name: 'Count Run',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [750, 0],
		executeOnce: true,
		parameters: {
			url: `${ctx.simUrl}/api/account/balance`,
			options: { response: { response: { neverError: true } } },
		},
	});
	together.connections['After Resume'] = {
		main: [[{ node: 'Count Run', type: 'main', index: 0 }]],
	};
	const { waiting, jobs } = await waitingBatch(together);
	const before = await ctx.sim.stats();
	const answered = (stats) => stats.callbacksSent + stats.callbacksFailed;

	// All six end at once, so their callbacks reach n8n together.
	await Promise.all(jobs.map((job) => ctx.sim.completeJob(job.job_id)));
	const finished = await ctx.api.waitForExecution(waiting.id, {
		timeoutMs: 30000,
		intervalMs: 100,
	});
	assert.equal(finished.status, 'success', executionErrorMessage(finished));
	const until = Date.now() + 15000;
	while (answered(await ctx.sim.stats()) - answered(before) < BATCH) {
		assert.ok(Date.now() < until, 'not every callback was answered within 15 s');
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	const after = await ctx.sim.stats();
	const failed = after.callbacksFailed - before.callbacksFailed;
	const refusals =
		failed > 0
			? after.callbackErrors.slice(-failed).map((e) => e.slice(e.lastIndexOf(': ') + 2))
			: [];
	// A callback that meets the run already resumed gets n8n's 409; none may fail otherwise.
	assert.deepEqual(
		refusals.filter((reason) => reason !== 'HTTP 409'),
		[],
		'a callback failed otherwise than with 409',
	);

	// Legnext repeats job 0's callback after the end: n8n answers 409 and the run stays as it was.
	const finishedJob0 = (await ctx.sim.jobs()).find((j) => j.job_id === jobs[0].job_id);
	const repeat = await fetch(endpoint(finishedJob0), {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ timestamp: Date.now(), data: finishedJob0 }),
	});
	assert.equal(repeat.status, 409);
	const final = await ctx.api.getExecution(waiting.id);
	assert.equal(final.status, 'success');
	assert.equal(final.nodes['After Resume'].runs.length, 1, 'After Resume ran more than once');
	// The stored execution shows one run even when n8n 1.x resumed it twice; the simulator counts them all.
	const runs = (stats) => stats.requests['GET /api/account/balance'] || 0;
	assert.equal(runs(await ctx.sim.stats()) - runs(before), 1, 'the run was resumed more than once');
	const items = final.nodes['After Resume'].items;
	assert.deepEqual(
		items.map((item) => item.json.jobId),
		jobs.map((job) => job.job_id),
	);
	for (const item of items) {
		assert.equal(item.json.callbackReceived, true);
		assert.ok(item.binary && item.binary.data, `item of job ${item.json.jobId} has no file`);
	}
	const jobReads =
		Object.values(after.readsByJob).reduce((a, b) => a + b, 0) -
		Object.values(before.readsByJob).reduce((a, b) => a + b, 0);
	t.diagnostic(
		`execution ${waiting.id}: ${BATCH} jobs ended together -> "${finished.status}" with ${items.length} items, After Resume ran once; ` +
			`callbacks: ${after.callbacksSent - before.callbacksSent} answered 2xx, ${refusals.length} refused (${refusals.join(', ') || 'none'}); ` +
			`repeat after the end -> ${repeat.status}; resumed runs (Count Run requests): ${runs(await ctx.sim.stats()) - runs(before)}; ` +
			`job reads in all: ${jobReads}; reads while rendering: ${after.readsWhileRunning - before.readsWhileRunning}`,
	);
});
