'use strict';
// The Legnext Video Trigger in a real n8n: an active workflow whose production URL (plus
// ?token=) is a job's callback. The simulator calls back when the job ends; the trigger confirms
// the job with the API, downloads the file and starts the workflow. Calls without the token are
// refused with 401 and start nothing.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useContext } = require('./lib/context');
const {
	IMAGE_URL,
	createFromImage,
	manualTrigger,
	videoNode,
	triggerNode,
	noOp,
	checkFile,
	workflow,
	snapshotSimulator,
	submitToSimulator,
	waitForCallbacks,
	ms,
} = require('./lib/legnext');
const { sleep } = require('../n8n/proc');

const JOB_MS = 1500;
const VIDEO_BYTES = 200_000;
const TOKEN = `e2e-${crypto.randomUUID()}`;

let simulator;
let active; // the activated trigger workflow
let callbackUrl; // its production URL + ?token=

const ctx = useContext({
	async setup(ctx) {
		simulator = await snapshotSimulator(ctx.sim, ['jobMs', 'videoBytes', 'callbackShape', 'faults']);
		await ctx.sim.reset();
		await ctx.sim.configure({ jobMs: JOB_MS, videoBytes: VIDEO_BYTES, callbackShape: 'wrapped' });
		active = await ctx.activate(
			workflow('e2e trigger', [
				triggerNode('Legnext Video Trigger', {
					token: TOKEN,
					events: 'completed',
					download: 'one',
					downloadNumber: 1,
				}),
				noOp('Received', [250, 0]),
				checkFile('Check File', [500, 0]),
			]),
		);
		const url = await ctx.webhookUrl(active, 'Legnext Video Trigger');
		callbackUrl = `${url}?token=${encodeURIComponent(TOKEN)}`;
	},
	async teardown(ctx) {
		if (active) await ctx.api.deactivateWorkflow(active.id).catch(() => {});
		if (simulator) await simulator.restore();
	},
});

async function executionIds() {
	return (await ctx.api.listExecutions({ workflowId: active.id })).map((e) => e.id);
}

/** Waits for the trigger workflow's next run (not in knownIds) and checks what it received. */
async function assertFiredFor(jobId, knownIds) {
	const execution = await ctx.waitForExecutionOf(active.id, { knownIds, timeoutMs: 30000 });
	assert.equal(execution.status, 'success', `${JSON.stringify(execution.error)}\n${ctx.logTail(20)}`);
	assert.equal(execution.mode, 'webhook');
	const [fired] = execution.nodes['Legnext Video Trigger'].items;
	const [received] = execution.nodes.Received.items;
	assert.equal(fired.json.jobId, jobId);
	assert.equal(fired.json.status, 'completed');
	assert.equal(fired.json.taskType, 'video_diffusion');
	assert.equal(fired.json.videoUrls.length, 4);
	assert.equal(received.json.jobId, jobId);
	const binary = received.binary && received.binary.data;
	assert.ok(binary, 'no file reached the next node');
	assert.equal(binary.mimeType, 'video/mp4');
	assert.equal(binary.fileName, `${jobId}_1.mp4`);
	const [checked] = execution.nodes['Check File'].items;
	assert.deepEqual(checked.json, { size: VIDEO_BYTES, box: 'ftyp' }, 'the next nodes read another file');
	// n8n 1.x keeps files stored by a trigger's webhook() under the execution's "temp" folder, which its
	// REST API (the editor's file preview) does not serve: only the workflow's own nodes get them there.
	if (ctx.n8nMajor >= 2) {
		const bytes = await ctx.api.downloadBinary(binary);
		assert.equal(bytes.length, VIDEO_BYTES);
	}
	return { execution, size: checked.json.size };
}

/**
 * Activates a workflow whose trigger has no Secret Token (so a Video node given its URL adds the derived token)
 * and feeds a NoOp; returns the workflow and its production URL without a token.
 */
async function activateBareTrigger(name) {
	const bare = await ctx.activate(
		workflow(name, [
			triggerNode('Legnext Video Trigger', { token: '', events: 'completed', download: 'none' }),
			noOp('Received', [250, 0]),
		]),
	);
	return { active: bare, bareUrl: await ctx.webhookUrl(bare, 'Legnext Video Trigger') };
}

/** Runs Start -> Video node (create from an image, Wait for Completion off) with this Callback URL. */
function submitWithCallback(name, url, parameters = {}) {
	return ctx.importAndRun(
		workflow(name, [
			manualTrigger(),
			videoNode('Create Video', createFromImage({
				callbackUrl: url,
				waitForCompletion: false,
				...parameters,
			})),
		]),
	);
}

async function jobEnd(jobId) {
	const job = (await ctx.sim.jobs()).find((j) => j.job_id === jobId);
	return job.meta.ended_at;
}

let firedJobId;

test('a job submitted with the trigger URL as callback fires the workflow ({timestamp, data} callback) with job output and file', async (t) => {
	const known = await executionIds();
	const before = await ctx.sim.stats();
	const job = await submitToSimulator(ctx, '/api/v1/video-diffusion', {
		prompt: `${IMAGE_URL} waves crash`,
		videoType: 0,
		callback: callbackUrl,
	});
	const { execution, size } = await assertFiredFor(job.job_id, known);
	const after = await ctx.sim.stats();
	assert.equal(after.callbacksSent - before.callbacksSent, 1);
	assert.equal(after.callbacksFailed, before.callbacksFailed);
	firedJobId = job.job_id;
	t.diagnostic(
		`job ${job.job_id}: callback -> execution ${execution.id} (webhook), ${size}-byte video 1 in "Received", ` +
			`finished ${ms(await jobEnd(job.job_id), execution.stoppedAt)} ms after the job ended`,
	);
});

test('a Video node with Callback URL and Wait off hands the job over; the bare-job callback fires the trigger', async (t) => {
	await ctx.sim.configure({ callbackShape: 'bare' });
	try {
		const known = await executionIds();
		const submit = await submitWithCallback('e2e submit with callback', callbackUrl);
		assert.equal(submit.status, 'success', JSON.stringify(submit.error));
		const [submitted] = submit.nodes['Create Video'].items;
		assert.notEqual(submitted.json.status, 'completed', 'Wait off should return the job unfinished');
		assert.equal(submitted.binary, undefined);
		const { execution } = await assertFiredFor(submitted.json.jobId, known);
		t.diagnostic(
			`submit execution ${submit.id} returned job ${submitted.json.jobId} as "${submitted.json.status}"; ` +
				`trigger execution ${execution.id} fired from the bare callback`,
		);
	} finally {
		await ctx.sim.configure({ callbackShape: 'wrapped' });
	}
});

test('calls without the token, or with a wrong one, get 401 and start nothing (no job read either)', async (t) => {
	assert.ok(firedJobId, 'needs the job of the first test');
	const job = (await ctx.sim.jobs()).find((j) => j.job_id === firedJobId);
	const body = JSON.stringify({ timestamp: Date.now(), data: job });
	const known = await executionIds();
	const before = await ctx.sim.stats();
	const url = callbackUrl.split('?')[0];
	const statuses = [];
	for (const target of [url, `${url}?token=wrong-${TOKEN}`]) {
		const response = await fetch(target, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body,
		});
		statuses.push(response.status);
		assert.equal(response.status, 401, await response.text());
	}
	await sleep(1500);
	assert.deepEqual(await executionIds(), known, 'a refused call started an execution');
	const after = await ctx.sim.stats();
	assert.equal(
		after.requests['GET /api/v1/job/:id'] || 0,
		before.requests['GET /api/v1/job/:id'] || 0,
		'a refused call read the job from the API',
	);
	t.diagnostic(`no token -> ${statuses[0]}, wrong token -> ${statuses[1]}; 0 executions, 0 API reads`);
});

// n8n 2.41 does not persist static data a trigger changes in webhook() once the workflow has static data
// (WorkflowRunner.run builds a second Workflow over the same object, resetting its __dataChanged flag), so
// the trigger also remembers deliveries in process memory. This checks duplicates after earlier deliveries.
test('a callback delivered twice (after earlier deliveries) fires the workflow once', async (t) => {
	await ctx.sim.configure({ faults: { callbackDuplicateRate: 1 } });
	try {
		const known = await executionIds();
		const before = await ctx.sim.stats();
		const job = await submitToSimulator(ctx, '/api/v1/video-diffusion', {
			prompt: `${IMAGE_URL} twice`,
			videoType: 0,
			callback: callbackUrl,
		});
		await assertFiredFor(job.job_id, known);
		await sleep(2000); // let the second delivery land
		const after = await ctx.sim.stats();
		const fresh = (await executionIds()).filter((id) => !known.includes(id));
		const { staticData } = await ctx.api.getWorkflow(active.id);
		const remembered = (staticData?.['node:Legnext Video Trigger']?.deliveries || []).length;
		t.diagnostic(
			`2 deliveries of job ${job.job_id} (${after.callbacksSent - before.callbacksSent} answered 2xx) -> ` +
				`${fresh.length} execution(s); deliveries remembered in static data: ${remembered}`,
		);
		assert.equal(after.callbacksDuplicated - before.callbacksDuplicated, 1);
		assert.equal(after.callbacksSent - before.callbacksSent, 2, 'both deliveries answered 2xx');
		assert.equal(fresh.length, 1, `${fresh.length} executions for one job`);
	} finally {
		await ctx.sim.configure({ faults: { callbackDuplicateRate: 0 } });
	}
});

test('with no Secret Token, a Video node given the bare trigger URL adds the derived token and the trigger fires', async (t) => {
	const { active: derivedActive, bareUrl } = await activateBareTrigger('e2e trigger derived token');
	try {
		// Without the token a call is refused.
		const refused = await fetch(bareUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ job_id: crypto.randomUUID(), status: 'completed' }),
		});
		assert.equal(refused.status, 401);
		const known = (await ctx.api.listExecutions({ workflowId: derivedActive.id })).map((e) => e.id);
		const submit = await submitWithCallback('e2e submit to bare trigger URL', bareUrl);
		assert.equal(submit.status, 'success', JSON.stringify(submit.error));
		const [submitted] = submit.nodes['Create Video'].items;
		const job = (await ctx.sim.jobs()).find((j) => j.job_id === submitted.json.jobId);
		// The token rides in the path, so a sender that drops the query string still reaches the trigger.
		const sentTo = new URL(job.config.webhook_config.endpoint);
		const webhookId = new URL(bareUrl).pathname.split('/')[2];
		assert.equal(sentTo.search, '');
		assert.match(sentTo.pathname, new RegExp(`^/webhook/${webhookId}/${webhookId}/[0-9a-f]{32}$`));
		const execution = await ctx.waitForExecutionOf(derivedActive.id, { knownIds: known, timeoutMs: 30000 });
		assert.equal(execution.status, 'success', JSON.stringify(execution.error));
		assert.equal(execution.nodes['Legnext Video Trigger'].items[0].json.jobId, submitted.json.jobId);
		t.diagnostic(`bare URL -> 401; Video node sent /webhook/<id>/<id>/<32 hex> (no query); trigger execution ${execution.id} fired for job ${submitted.json.jobId}`);
	} finally {
		await ctx.api.deactivateWorkflow(derivedActive.id).catch(() => {});
	}
});

test('a Reference set by the Video node comes out of the trigger as `reference`; a changed reference gets 401; a Test URL is refused before submitting', async (t) => {
	const { active: refActive, bareUrl } = await activateBareTrigger('e2e trigger reference');
	try {
		const known = (await ctx.api.listExecutions({ workflowId: refActive.id })).map((e) => e.id);
		const submitsBefore = (await ctx.sim.jobs()).length;
		// The test-URL guard: the editor's Test URL listens for two minutes only, so it is refused before any submit.
		const testUrl = bareUrl.replace('/webhook/', '/webhook-test/');
		const guarded = await submitWithCallback('e2e submit to a test URL', testUrl);
		assert.equal(guarded.status, 'error');
		const guardText = JSON.stringify(guarded.error);
		assert.match(guardText, /Callback URL is an n8n test URL \(\/webhook-test\/\), which listens for only two minutes/);
		assert.match(guardText, /Production URL/);
		assert.equal((await ctx.sim.jobs()).length, submitsBefore, 'a job was submitted with a test URL');

		const submit = await submitWithCallback('e2e submit with a reference', bareUrl, {
			reference: '={{ "sheet-row-" + (40 + 2) }}',
		});
		assert.equal(submit.status, 'success', JSON.stringify(submit.error));
		const [submitted] = submit.nodes['Create Video'].items;
		assert.equal(submitted.json.reference, 'sheet-row-42');
		const job = (await ctx.sim.jobs()).find((j) => j.job_id === submitted.json.jobId);
		const sentTo = new URL(job.config.webhook_config.endpoint);
		assert.equal(sentTo.search, '');
		const execution = await ctx.waitForExecutionOf(refActive.id, { knownIds: known, timeoutMs: 30000 });
		assert.equal(execution.status, 'success', JSON.stringify(execution.error));
		const [fired] = execution.nodes['Legnext Video Trigger'].items;
		assert.equal(fired.json.jobId, submitted.json.jobId);
		assert.equal(fired.json.reference, 'sheet-row-42');

		// The same call with another reference in the path: the token does not cover it.
		const forged = new URL(sentTo);
		forged.pathname = sentTo.pathname.replace(
			Buffer.from('sheet-row-42').toString('base64url'),
			Buffer.from('sheet-row-43').toString('base64url'),
		);
		assert.notEqual(forged.pathname, sentTo.pathname);
		const refused = await fetch(`${bareUrl.split('/webhook/')[0]}${forged.pathname}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ timestamp: Date.now(), data: job }),
		});
		assert.equal(refused.status, 401);
		t.diagnostic(`test URL refused before submit; reference "sheet-row-42" fired in execution ${execution.id}; changed reference -> 401`);
	} finally {
		await ctx.api.deactivateWorkflow(refActive.id).catch(() => {});
	}
});

test('the Secret Token in the URL path (/webhook/<id>/<id>/<token>, no query) fires the trigger; a wrong path token gets 401', async (t) => {
	const plain = new URL(callbackUrl.split('?')[0]);
	const webhookId = plain.pathname.split('/')[2];
	const url = `${plain.origin}/webhook/${webhookId}/${webhookId}`;
	const known = await executionIds();
	const refused = await fetch(`${url}/wrong-${TOKEN}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ job_id: crypto.randomUUID(), status: 'completed' }),
	});
	assert.equal(refused.status, 401, await refused.text());
	const job = await submitToSimulator(ctx, '/api/v1/video-diffusion', {
		prompt: `${IMAGE_URL} path token`,
		videoType: 0,
		callback: `${url}/${encodeURIComponent(TOKEN)}`,
	});
	const { execution } = await assertFiredFor(job.job_id, known);
	t.diagnostic(`wrong path token -> 401; callback to /webhook/<id>/<id>/<Secret Token> -> execution ${execution.id} for job ${job.job_id}`);
});

test('a progress callback (job processing) gets 2xx and starts nothing; the finished callback fires once', async (t) => {
	// A longer job than the file's: the progress call (at 20% of it) is answered well before the job ends,
	// however slow a loaded machine makes n8n.
	await ctx.sim.configure({ progressCallbacks: true, jobMs: 6000 });
	try {
		const known = await executionIds();
		const before = await ctx.sim.stats();
		const job = await submitToSimulator(ctx, '/api/v1/video-diffusion', {
			prompt: `${IMAGE_URL} progress`,
			videoType: 0,
			callback: callbackUrl,
		});
		// The progress call lands at 20% of the job's time; nothing may start from it.
		const mid = await waitForCallbacks(ctx.sim, before, { timeoutMs: 4000, what: 'the progress call' });
		assert.equal(mid.callbacksSent - before.callbacksSent, 1, 'the progress call was not answered 2xx');
		assert.equal(mid.callbacksFailed, before.callbacksFailed);
		assert.deepEqual(await executionIds(), known, 'a progress call started an execution');
		await assertFiredFor(job.job_id, known);
		await sleep(1000);
		const after = await ctx.sim.stats();
		const fresh = (await executionIds()).filter((id) => !known.includes(id));
		assert.equal(after.callbacksSent - before.callbacksSent, 2);
		assert.equal(after.callbacksFailed, before.callbacksFailed);
		assert.equal(fresh.length, 1, `${fresh.length} executions for one job`);
		t.diagnostic(`job ${job.job_id}: progress call -> 2xx, 0 executions; finished call -> 1 execution (${fresh[0]})`);
	} finally {
		await ctx.sim.configure({ progressCallbacks: false, jobMs: JOB_MS });
	}
});
