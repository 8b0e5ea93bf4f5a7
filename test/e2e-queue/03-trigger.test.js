'use strict';
// The Legnext Video Trigger in queue mode: Legnext's callback goes to the webhook process (its
// production URL is built from WEBHOOK_URL), which checks the token, confirms the job with the API,
// downloads the file and hands the run to a worker (where a Code node reads the file's bytes). Its de-duplication memory lives in the
// workflow's static data (the database), so a repeat delivered to another process is still caught.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useQueueContext } = require('./lib/context');
const {
	IMAGE_URL,
	triggerNode,
	noOp,
	checkFile,
	workflow,
	snapshotSimulator,
	submitToSimulator,
	executionErrorMessage,
	ms,
} = require('../e2e/lib/legnext');
const { sleep } = require('../n8n/proc');

const JOB_MS = 1000;
const VIDEO_BYTES = 120_000;
const TOKEN = `queue-${crypto.randomUUID()}`;

let simulator;
let active;
let triggerUrl; // on the webhook process
const ctx = useQueueContext({
	async setup(ctx) {
		simulator = await snapshotSimulator(ctx.sim, ['jobMs', 'videoBytes', 'callbackShape']);
		await ctx.sim.reset();
		await ctx.sim.configure({ jobMs: JOB_MS, videoBytes: VIDEO_BYTES, callbackShape: 'wrapped' });
		active = await ctx.activate(
			workflow('queue trigger', [
				triggerNode('Legnext Video Trigger', {
					token: TOKEN,
					events: 'completed',
					download: 'one',
				}),
				noOp('Received', [250, 0]),
				checkFile('Check File', [500, 0]),
			]),
		);
		triggerUrl = await ctx.triggerUrl(active, 'Legnext Video Trigger');
		await ctx.waitForWebhook(triggerUrl);
	},
	async teardown(ctx) {
		if (active) await ctx.api.deactivateWorkflow(active.id).catch(() => {});
		if (simulator) await simulator.restore();
	},
});

const executionIds = async () =>
	(await ctx.api.listExecutions({ workflowId: active.id })).map((e) => e.id);

let firedJob;

test('a job callback to the webhook process fires the trigger; the run executes on a worker', async (t) => {
	assert.ok(triggerUrl.startsWith(`${ctx.webhookBaseUrl}/webhook/`), triggerUrl);
	const known = await executionIds();
	const before = await ctx.sim.stats();
	const callback = `${triggerUrl}?token=${encodeURIComponent(TOKEN)}`;
	const job = await submitToSimulator(ctx, '/api/v1/video-diffusion', {
		prompt: `${IMAGE_URL} queue trigger`,
		videoType: 0,
		callback,
	});
	const execution = await ctx.waitForExecutionOf(active.id, { knownIds: known, timeoutMs: 60000 });
	assert.equal(
		execution.status,
		'success',
		`${executionErrorMessage(execution)}\n${ctx.logsTail()}`,
	);
	assert.equal(execution.mode, 'webhook');
	const [received] = execution.nodes.Received.items;
	assert.equal(received.json.jobId, job.job_id);
	assert.equal(received.json.status, 'completed');
	const binary = received.binary && received.binary.data;
	assert.ok(binary, 'no file reached the next node');
	assert.match(binary.id, ctx.binaryIdPattern);
	// The file as the next nodes see it, on the worker.
	const [checked] = execution.nodes['Check File'].items;
	assert.deepEqual(
		checked.json,
		{ size: VIDEO_BYTES, box: 'ftyp' },
		'the worker read a different file',
	);
	// The file as the editor sees it (REST, on the main). n8n 2.41.1 in database mode leaves files
	// stored during a trigger's webhook() under the placeholder execution "temp" and refuses to serve
	// them (404), for its own Webhook node too; filesystem mode renames them. See README, Running at scale.
	let restRead;
	try {
		restRead = `${(await ctx.api.downloadBinary(binary)).length} bytes`;
	} catch (error) {
		if (!(error.status === 404 && ctx.queue.binaryMode === 'database')) throw error;
		restRead = '404 (n8n 2.41.1 database mode: trigger files stay under execution "temp")';
	}
	if (ctx.queue.binaryMode !== 'database') assert.equal(restRead, `${VIDEO_BYTES} bytes`);

	const after = await ctx.sim.stats();
	assert.equal(
		after.callbacksSent - before.callbacksSent,
		1,
		'the webhook process did not accept the callback',
	);
	assert.equal(after.callbacksFailed, before.callbacksFailed);
	const [simJob] = (await ctx.sim.jobs()).filter((j) => j.job_id === job.job_id);
	const target = new URL(simJob.config.webhook_config.endpoint);
	assert.equal(
		target.origin,
		ctx.webhookBaseUrl,
		'the callback went elsewhere than the webhook process',
	);
	const worker = await ctx.waitForWorkerOf(execution.id);
	firedJob = simJob;

	const text =
		`callback POST ${target.origin}${target.pathname} (webhook process, port ${target.port}) -> 2xx; ` +
		`execution ${execution.id} (mode webhook) ran on ${worker}; file (${ctx.queue.binaryMode} mode) read on the worker: ` +
		`${checked.json.size} bytes, MP4; read through the main's REST API: ${restRead}; ` +
		`${ms(simJob.meta.ended_at, execution.stoppedAt)} ms from job end to run end`;
	t.diagnostic(text);
	ctx.figure('trigger', text);
});

test('a repeat of that delivery sent to the main process is a duplicate: the de-dup memory is in the database, not in a process', async (t) => {
	assert.ok(firedJob, 'needs the job of the first test');
	const known = await executionIds();
	const path = new URL(triggerUrl).pathname;
	const response = await fetch(`${ctx.mainUrl}${path}?token=${encodeURIComponent(TOKEN)}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ timestamp: Date.now(), data: firedJob }),
	});
	const body = await response.json().catch(() => ({}));
	assert.equal(response.status, 200, JSON.stringify(body));
	assert.equal(
		body.ignored,
		'duplicate',
		`the main did not see the webhook process's delivery: ${JSON.stringify(body)}`,
	);
	await sleep(3000);
	assert.deepEqual(await executionIds(), known, 'a duplicate started a run');
	const text = `repeat of job ${firedJob.job_id} to the main (${ctx.mainUrl}) -> 200 ${JSON.stringify(body)}, no new run`;
	t.diagnostic(text);
	ctx.figure('trigger', text);
});

test('calls to the webhook process without the token, or with a wrong one, get 401 and start nothing', async (t) => {
	assert.ok(firedJob, 'needs the job of the first test');
	const known = await executionIds();
	const body = JSON.stringify({ timestamp: Date.now(), data: firedJob });
	const statuses = [];
	for (const target of [triggerUrl, `${triggerUrl}?token=wrong-${TOKEN}`]) {
		const response = await fetch(target, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body,
		});
		statuses.push(response.status);
	}
	assert.deepEqual(statuses, [401, 401]);
	await sleep(2000);
	assert.deepEqual(await executionIds(), known, 'a refused call started a run');
	t.diagnostic(`no token / wrong token on the webhook process: ${statuses.join(', ')}; no run`);
});

// n8n 2.41.1 saves a trigger's static data only for the first delivery (the bug test/e2e/trigger.test.js
// reports): later deliveries are remembered only in the memory of the process that received them
// (the trigger's own fallback). A repeat to the same process is caught; one to another process fires.
const DEDUP_BUG =
	"n8n 2.41.1 saves trigger static data only the first time; the trigger's fallback memory is per process";

let laterJob;

test('a later job, delivered to the webhook process and repeated to it, fires once', async (t) => {
	const known = await executionIds();
	const callback = `${triggerUrl}?token=${encodeURIComponent(TOKEN)}`;
	const job = await submitToSimulator(ctx, '/api/v1/video-diffusion', {
		prompt: `${IMAGE_URL} queue trigger later`,
		videoType: 0,
		callback,
	});
	const execution = await ctx.waitForExecutionOf(active.id, { knownIds: known, timeoutMs: 60000 });
	assert.equal(execution.status, 'success');
	[laterJob] = (await ctx.sim.jobs()).filter((j) => j.job_id === job.job_id);
	const response = await fetch(callback, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ timestamp: Date.now(), data: laterJob }),
	});
	const body = await response.json().catch(() => ({}));
	await sleep(3000);
	const fresh = (await executionIds()).filter((id) => !known.includes(id));
	t.diagnostic(
		`job ${job.job_id}: repeat to the webhook process -> ${response.status} ${JSON.stringify(body)}, ${fresh.length} execution(s)`,
	);
	assert.equal(body.ignored, 'duplicate');
	assert.deepEqual(fresh, [execution.id]);
});

test(
	'a repeat of that later job sent to the main process fires nothing either',
	{ todo: DEDUP_BUG },
	async (t) => {
		assert.ok(laterJob, 'needs the job of the previous test');
		const known = await executionIds();
		const path = new URL(triggerUrl).pathname;
		const response = await fetch(`${ctx.mainUrl}${path}?token=${encodeURIComponent(TOKEN)}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ timestamp: Date.now(), data: laterJob }),
		});
		const body = await response.json().catch(() => ({}));
		await sleep(3000);
		const fresh = (await executionIds()).filter((id) => !known.includes(id));
		const { staticData } = await ctx.api.getWorkflow(active.id);
		const remembered = (staticData?.['node:Legnext Video Trigger']?.deliveries || []).length;
		const text =
			`later job ${laterJob.job_id}: repeat to the main -> ${response.status} ${JSON.stringify(body)}, ` +
			`${fresh.length} new execution(s); deliveries in the static data: ${remembered} (n8n saved only the first)`;
		t.diagnostic(text);
		ctx.figure('trigger', `${text} [todo: ${DEDUP_BUG}]`);
		assert.equal(body.ignored, 'duplicate');
		assert.equal(fresh.length, 0);
	},
);
