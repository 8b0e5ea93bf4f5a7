'use strict';
// The Legnext Video node in a real n8n against the simulator: create / extend / upscale with wait
// and download (the file reaches the next node), Get Job, a bounded concurrent batch, and each kind
// of error surfacing as a failed execution with the node's message.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useContext } = require('./lib/context');
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
	latestJob,
	executionErrorMessage,
	ms,
} = require('./lib/legnext');

const JOB_MS = 1500;
const VIDEO_BYTES = 300_000; // not the simulator's default, so the size check means something
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let simulator;
let wrongKeyCredential;
const ctx = useContext({
	async setup(ctx) {
		simulator = await snapshotSimulator(ctx.sim, ['jobMs', 'videoBytes', 'credits', 'faults']);
		await ctx.sim.reset();
		await ctx.sim.configure({ jobMs: JOB_MS, videoBytes: VIDEO_BYTES });
	},
	async teardown(ctx) {
		if (wrongKeyCredential)
			await ctx.api.request('DELETE', `/rest/credentials/${wrongKeyCredential.id}`).catch(() => {});
		if (simulator) await simulator.restore();
	},
});

/** Runs Start -> nodes... and returns the finished execution. */
function runChain(name, nodes, options) {
	return ctx.importAndRun(workflow(name, [manualTrigger(), ...nodes]), options);
}

function succeeded(execution) {
	assert.equal(
		execution.status,
		'success',
		`execution ${execution.id}: ${executionErrorMessage(execution)}\n${ctx.logTail(20)}`,
	);
}

/** Downloads the binary through n8n's REST API and checks it is the simulator's MP4. */
async function assertVideoFile(binary, jobId, number) {
	assert.ok(binary, 'no binary data');
	assert.equal(binary.mimeType, 'video/mp4');
	assert.equal(binary.fileName, `${jobId}_${number}.mp4`);
	const bytes = await ctx.api.downloadBinary(binary);
	assert.equal(bytes.length, VIDEO_BYTES, 'file size differs from the simulator videoBytes');
	assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp', 'not an MP4 (no ftyp box)');
	return bytes.length;
}

let createdJobId; // the video job made by the first test, reused by extend / upscale / get

test(`create video (image URL) waits, downloads video 0, and the next node receives the ${VIDEO_BYTES}-byte MP4`, async (t) => {
	const execution = await runChain('e2e create video', [
		videoNode('Create Video', createFromImage({
			prompt: 'the light turns slowly',
			download: 'one',
			downloadNumber: 0,
			options: FAST_WAIT,
		})),
		noOp('Next Node'),
	]);
	succeeded(execution);
	const [created] = execution.nodes['Create Video'].items;
	const [received] = execution.nodes['Next Node'].items;
	assert.match(created.json.jobId, UUID);
	assert.equal(created.json.status, 'completed');
	assert.equal(created.json.taskType, 'video_diffusion');
	assert.equal(created.json.waitMode, 'poll');
	assert.equal(created.json.videoUrls.length, 4);
	assert.equal(received.json.jobId, created.json.jobId);
	const size = await assertVideoFile(received.binary.data, created.json.jobId, 0);
	createdJobId = created.json.jobId;

	const stats = await ctx.sim.stats();
	const [job] = (await ctx.sim.jobs()).filter((j) => j.job_id === createdJobId);
	assert.equal(job.input.prompt, `${IMAGE_URL} the light turns slowly`);
	t.diagnostic(
		`job ${createdJobId}: ${stats.readsByJob[createdJobId]} status reads for a ${JOB_MS} ms job, ` +
			`execution ${ms(execution.startedAt, execution.stoppedAt)} ms, file ${size} bytes video/mp4 in "Next Node"`,
	);
});

test('describe: the suggestions (one emoji-numbered promptEn from Legnext) reach the next node as a list', async (t) => {
	const execution = await runChain('e2e describe', [
		videoNode('Describe', {
			resource: 'image',
			operation: 'describe',
			imageUrl: IMAGE_URL,
			options: FAST_WAIT,
		}),
		noOp('Next Node'),
	]);
	succeeded(execution);
	const [received] = execution.nodes['Next Node'].items;
	const { prompts, promptTexts, taskType, status } = received.json;
	assert.equal(taskType, 'describe');
	assert.equal(status, 'completed');
	assert.ok(Array.isArray(prompts), `prompts is ${JSON.stringify(prompts)}`);
	assert.equal(prompts.length, 4);
	for (const suggestion of prompts) {
		assert.equal(typeof suggestion, 'string');
		assert.ok(suggestion.length > 10, suggestion);
		assert.doesNotMatch(suggestion, /\u20E3/u, 'an emoji number was left in a suggestion');
	}
	assert.match(promptTexts.promptEn, /^1\uFE0F\u20E3 /u);
	assert.equal(received.binary, undefined);
	const job = await latestJob(ctx.sim, (j) => j.job_id === received.json.jobId);
	assert.deepEqual(Object.keys(job.input), ['imgUrl']);
	t.diagnostic(`job ${received.json.jobId}: promptEn of ${promptTexts.promptEn.length} chars -> prompts[4] in "Next Node"; first: "${prompts[0]}"`);
});

test('extend video (from the created job) waits and downloads the extended MP4', async (t) => {
	assert.ok(createdJobId, 'needs the job of the create test');
	const execution = await runChain('e2e extend video', [
		videoNode('Extend Video', {
			resource: 'video',
			operation: 'extend',
			videoJobId: createdJobId,
			videoNumber: 1,
			prompt: 'the camera pulls back',
			download: 'one',
			downloadNumber: 2,
			options: FAST_WAIT,
		}),
		noOp('Next Node'),
	]);
	succeeded(execution);
	const [item] = execution.nodes['Next Node'].items;
	assert.equal(item.json.status, 'completed');
	assert.equal(item.json.taskType, 'extend_video');
	assert.equal(item.json.raw.input.jobId, createdJobId);
	assert.equal(item.json.raw.input.videoNo, 1);
	assert.equal(item.json.videoUrls.length, 4);
	const size = await assertVideoFile(item.binary.data, item.json.jobId, 2);
	t.diagnostic(`extend job ${item.json.jobId} of ${createdJobId} video 1: file ${size} bytes`);
});

test('upscale video (from the created job) waits and downloads its single MP4', async (t) => {
	assert.ok(createdJobId, 'needs the job of the create test');
	const execution = await runChain('e2e upscale video', [
		videoNode('Upscale Video', {
			resource: 'video',
			operation: 'upscale',
			videoJobId: createdJobId,
			videoNumber: 3,
			download: 'all',
			options: FAST_WAIT,
		}),
		noOp('Next Node'),
	]);
	succeeded(execution);
	const [item] = execution.nodes['Next Node'].items;
	assert.equal(item.json.taskType, 'video_upscale');
	assert.equal(item.json.raw.input.videoNo, 3);
	assert.equal(item.json.videoUrls.length, 1);
	assert.deepEqual(Object.keys(item.binary), ['data_0'], 'download All of a 1-video job: one file');
	const size = await assertVideoFile(item.binary.data_0, item.json.jobId, 0);
	t.diagnostic(`upscale job ${item.json.jobId}: 1 video URL, file data_0 ${size} bytes`);
});

test('get job reads the created job (costs no credits) and can download its files', async (t) => {
	assert.ok(createdJobId, 'needs the job of the create test');
	const before = await ctx.sim.stats();
	const execution = await runChain('e2e get job', [
		videoNode('Get Job', {
			resource: 'job',
			operation: 'get',
			jobId: createdJobId,
			waitForCompletion: true,
			download: 'all',
			options: FAST_WAIT,
		}),
	]);
	succeeded(execution);
	const [item] = execution.nodes['Get Job'].items;
	assert.equal(item.json.jobId, createdJobId);
	assert.equal(item.json.status, 'completed');
	assert.equal(item.json.taskType, 'video_diffusion');
	assert.deepEqual(Object.keys(item.binary).sort(), ['data_0', 'data_1', 'data_2', 'data_3']);
	for (let n = 0; n < 4; n++) await assertVideoFile(item.binary[`data_${n}`], createdJobId, n);
	const after = await ctx.sim.stats();
	assert.equal(after.submits, before.submits, 'Get Job submitted something');
	assert.equal(after.creditsSpent, before.creditsSpent, 'Get Job spent credits');
	t.diagnostic(`job ${createdJobId}: 4 files of ${VIDEO_BYTES} bytes, 0 credits, 0 submits`);
});

test('a batch of 6 items with Max Concurrent Jobs 3: all complete in input order, at most 3 jobs in flight', async (t) => {
	await ctx.sim.reset(); // maxJobsInFlight counts from here
	const count = 6;
	const inputs = Array.from({ length: count }, (_, i) => ({ shot: i, imageUrl: `${IMAGE_URL}?shot=${i}` }));
	const execution = await runChain('e2e batch', [
		codeItems('Shots', inputs),
		videoNode('Create Videos', createFromImage({
			imageUrl: '={{ $json.imageUrl }}',
			prompt: '={{ "shot " + $json.shot }}',
			download: 'one',
			options: { ...FAST_WAIT, maxConcurrentJobs: 3 },
		})),
		noOp('Next Node'),
	]);
	succeeded(execution);
	const items = execution.nodes['Next Node'].items;
	assert.equal(items.length, count);
	items.forEach((item, i) => {
		assert.equal(item.json.status, 'completed');
		assert.equal(item.json.raw.input.prompt, `${IMAGE_URL}?shot=${i} shot ${i}`, `item ${i} out of order`);
		assert.equal(item.binary.data.fileName, `${item.json.jobId}_0.mp4`);
	});
	const pairing = execution.nodes['Create Videos'].items.map((item) => item.pairedItem);
	assert.deepEqual(pairing, inputs.map((_, i) => ({ item: i })));
	const stats = await ctx.sim.stats();
	assert.equal(stats.submits, count);
	assert.ok(stats.maxJobsInFlight <= 3, `maxJobsInFlight ${stats.maxJobsInFlight} > 3`);
	assert.equal(stats.maxJobsInFlight, 3, 'the batch never ran 3 jobs at once');
	const nodeMs = execution.nodes['Create Videos'].executionTime;
	t.diagnostic(
		`${count} jobs of ${JOB_MS} ms, limit 3: maxJobsInFlight ${stats.maxJobsInFlight}, ` +
			`node time ${nodeMs} ms (~${(nodeMs / JOB_MS).toFixed(1)} job-times), order kept`,
	);
});

// --- errors --------------------------------------------------------------------------------

async function assertFailedWith(execution, nodeName, pattern) {
	assert.equal(execution.status, 'error', `expected a failed execution, got ${execution.status}`);
	const message = executionErrorMessage(execution);
	assert.match(message, pattern);
	assert.equal(execution.lastNodeExecuted, nodeName);
	assert.ok(execution.nodes[nodeName].error, `${nodeName} has no error in its run data`);
	return message;
}

test('bad input (Video Job ID "abc") fails the execution before anything is sent', async (t) => {
	const before = await ctx.sim.stats();
	const execution = await runChain('e2e error bad input', [
		videoNode('Extend Video', {
			resource: 'video',
			operation: 'extend',
			videoJobId: 'abc',
			options: FAST_WAIT,
		}),
	]);
	const message = await assertFailedWith(execution, 'Extend Video', /Video Job ID must be a job ID/);
	assert.match(message, /"abc"/);
	const after = await ctx.sim.stats();
	assert.equal(after.submitAttempts, before.submitAttempts, 'a request reached the API');
	t.diagnostic(`failed execution ${execution.id}: "${message}"; 0 requests sent`);
});

test('a wrong API key (401) fails the execution with "did not accept the API key", key not shown', async (t) => {
	const wrongKey = 'e2e-wrong-key-5f3a9c';
	wrongKeyCredential = await ctx.api.createCredential({
		name: `Legnext (wrong key) ${crypto.randomUUID().slice(0, 6)}`,
		type: ctx.credential.type,
		data: { apiKey: wrongKey, baseUrl: ctx.simUrl },
	});
	const prepared = ctx.prepareWorkflow(
		workflow('e2e error wrong key', [
			manualTrigger(),
			videoNode('Create Video', createFromImage({
				options: FAST_WAIT,
			})),
		]),
	);
	prepared.nodes[1].credentials = {
		[ctx.credential.type]: { id: wrongKeyCredential.id, name: wrongKeyCredential.name },
	};
	const created = await ctx.api.createWorkflow(prepared);
	const execution = await ctx.run(created.id);
	const message = await assertFailedWith(execution, 'Create Video', /did not accept the API key/);
	const error = execution.nodes['Create Video'].error;
	assert.equal(String(error.httpCode), '401');
	assert.ok(!JSON.stringify(execution.data).includes(wrongKey), 'the API key appears in the execution');
	t.diagnostic(`failed execution ${execution.id}: "${message}" (HTTP 401)`);
});

test('no credits (402) fails the execution with "Not enough Legnext credits"', async (t) => {
	await ctx.sim.configure({ credits: 0 });
	try {
		const execution = await runChain('e2e error no credits', [
			videoNode('Create Video', createFromImage({
				options: FAST_WAIT,
			})),
		]);
		const message = await assertFailedWith(execution, 'Create Video', /Not enough Legnext credits/);
		assert.match(execution.nodes['Create Video'].error.description || '', /480 credits/);
		t.diagnostic(`failed execution ${execution.id}: "${message}" (HTTP 402)`);
	} finally {
		await ctx.sim.configure({ credits: simulator.saved.credits });
	}
});

test('a failed job fails the execution with "Legnext job <id> failed" and Legnext\'s message', async (t) => {
	await ctx.sim.configure({ faults: { failRate: 1 } });
	let execution;
	try {
		execution = await runChain('e2e error failed job', [
			videoNode('Create Video', createFromImage({
				options: FAST_WAIT,
			})),
		]);
	} finally {
		await ctx.sim.configure({ faults: { failRate: 0 } });
	}
	const job = await latestJob(ctx.sim);
	assert.equal(job.status, 'failed');
	const message = await assertFailedWith(
		execution,
		'Create Video',
		new RegExp(`Legnext job ${job.job_id} failed`),
	);
	assert.ok(message.includes(job.error.message), `"${message}" lacks "${job.error.message}"`);
	t.diagnostic(`failed execution ${execution.id}: "${message}"`);
});
