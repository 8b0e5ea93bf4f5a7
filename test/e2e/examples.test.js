'use strict';
// The example workflows (examples/*.json) in a real n8n: each imports through the REST API with
// every node type known, and their Legnext parts run against the simulator. Nodes that need
// outside services (Google Drive, Slack, an LLM) are not run.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { useContext, isPackageNode } = require('./lib/context');
const {
	snapshotSimulator,
	executionErrorMessage,
	nodeHasOperation,
	createFromImage,
	ms,
} = require('./lib/legnext');

const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples');
const JOB_MS = 1500;
const VIDEO_BYTES = 100_000;

const exampleFiles = fs
	.readdirSync(EXAMPLES_DIR)
	.filter((name) => name.endsWith('.json'))
	.sort();

function readExample(file) {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'));
}

let simulator;
let loadedTypes;
const activated = [];
const ctx = useContext({
	async setup(ctx) {
		simulator = await snapshotSimulator(ctx.sim, ['jobMs', 'videoBytes', 'callbackShape']);
		await ctx.sim.reset();
		await ctx.sim.configure({ jobMs: JOB_MS, videoBytes: VIDEO_BYTES, callbackShape: 'wrapped' });
		loadedTypes = new Map((await ctx.api.listNodeTypes()).map((type) => [type.name, type]));
	},
	async teardown(ctx) {
		for (const id of activated) await ctx.api.deactivateWorkflow(id).catch(() => {});
		if (simulator) await simulator.restore();
	},
});

function succeeded(execution) {
	assert.equal(
		execution.status,
		'success',
		`execution ${execution.id}: ${executionErrorMessage(execution)}\n${ctx.logTail(20)}`,
	);
}

async function assertMp4(binary, jobId, number) {
	assert.ok(binary, 'no file');
	assert.equal(binary.mimeType, 'video/mp4');
	assert.equal(binary.fileName, `${jobId}_${number}.mp4`);
	const bytes = await ctx.api.downloadBinary(binary);
	assert.equal(bytes.length, VIDEO_BYTES);
	return bytes.length;
}

test(`examples/ holds the four documented example workflows (${exampleFiles.length} files)`, () => {
	assert.deepEqual(exampleFiles, [
		'ai-agent-video-tool.json',
		'image-to-video.json',
		'scheduled-video-pipeline.json',
		'trigger-to-slack.json',
	]);
});

for (const file of exampleFiles) {
	test(`examples/${file} imports through the REST API with every node type known`, async (t) => {
		const example = readExample(file);
		const created = await ctx.importWorkflow(example);
		assert.ok(created.id);
		assert.equal(created.nodes.length, example.nodes.length);
		const unknown = created.nodes.filter((node) => !loadedTypes.has(node.type));
		assert.deepEqual(
			unknown.map((node) => `${node.name} (${node.type})`),
			[],
			'node types this n8n does not know',
		);
		const legnext = created.nodes.filter(isPackageNode);
		assert.ok(legnext.length > 0, 'no Legnext node');
		for (const node of legnext) {
			assert.equal(node.credentials.legnextVideoApi.id, ctx.credential.id);
		}
		const stored = await ctx.api.getWorkflow(created.id);
		assert.deepEqual(
			Object.keys(stored.connections).sort(),
			Object.keys(example.connections).sort(),
		);
		t.diagnostic(
			`workflow ${created.id}: ${created.nodes.length} nodes, Legnext: ${legnext.map((n) => `${n.name} (${n.type})`).join(', ')}`,
		);
	});
}

test('scheduled-video-pipeline runs its Legnext part (Create Video -> Upscale Video, stopped before Google Drive)', async (t) => {
	const execution = await ctx.importAndRun(readExample('scheduled-video-pipeline.json'), {
		triggerName: 'Every Morning',
		destinationNode: 'Upscale Video',
	});
	succeeded(execution);
	const [created] = execution.nodes['Create Video'].items;
	const [upscaled] = execution.nodes['Upscale Video'].items;
	assert.equal(created.json.status, 'completed');
	assert.equal(created.json.taskType, 'video_diffusion');
	assert.match(
		created.json.raw.input.prompt,
		/^https:\/\/picsum\.photos\/\S+ slow cinematic push-in, soft morning light --motion low$/,
	);
	assert.equal(created.binary, undefined, 'Create Video downloads nothing in the example');
	assert.equal(upscaled.json.status, 'completed');
	assert.equal(upscaled.json.taskType, 'video_upscale');
	assert.equal(upscaled.json.raw.input.jobId, created.json.jobId);
	const size = await assertMp4(upscaled.binary.data, upscaled.json.jobId, 0);
	assert.equal(
		execution.nodes['Upload to Google Drive'],
		undefined,
		'ran past the destination node',
	);
	t.diagnostic(
		`create ${created.json.jobId} -> upscale ${upscaled.json.jobId}: ${size}-byte MP4 ready for Google Drive ` +
			`(${ms(execution.startedAt, execution.stoppedAt)} ms)`,
	);
});

test('image-to-video runs fully (Imagine -> Animate Image 2 with the image job, video downloaded)', async (t) => {
	if (!(await nodeHasOperation(ctx, 'image', 'imagine'))) {
		t.skip(
			'the Legnext Video node has no Image resource with an Imagine operation yet (being added)',
		);
		return;
	}
	const execution = await ctx.importAndRun(readExample('image-to-video.json'));
	succeeded(execution);
	const [image] = execution.nodes.Imagine.items;
	const [video] = execution.nodes['Animate Image 2'].items;
	assert.equal(image.json.status, 'completed');
	assert.equal(image.json.taskType, 'diffusion');
	assert.equal(image.json.imageUrls.length, 4);
	assert.equal(image.binary, undefined, 'Imagine downloads nothing in the example');
	assert.equal(video.json.status, 'completed');
	assert.equal(video.json.taskType, 'video_diffusion');
	assert.equal(video.json.raw.input.jobId, image.json.jobId);
	assert.equal(video.json.raw.input.imageNo, 2);
	assert.equal(video.json.raw.input.prompt, 'waves crash, the light turns slowly');
	const size = await assertMp4(video.binary.data, video.json.jobId, 0);
	t.diagnostic(
		`imagine ${image.json.jobId} -> video ${video.json.jobId} of image 2: ${size}-byte MP4 ` +
			`(${ms(execution.startedAt, execution.stoppedAt)} ms)`,
	);
});

test('trigger-to-slack, wired exactly as its note says (published, Production URL pasted as it is into a Video node): a finished video fires it with the file; a wrong token is refused with a warning in the n8n log', async (t) => {
	const example = readExample('trigger-to-slack.json');
	const note = example.nodes.find((n) => n.type === 'n8n-nodes-base.stickyNote').parameters.content;
	assert.match(note, /paste that URL as it is into the \*\*Callback URL\*\*/);
	// A fresh webhookId: the example's fixed one may be active already in this n8n (imported above).
	for (const node of example.nodes) delete node.webhookId;
	// No Slack credential here: the Slack node is disabled, so the run shows what reaches it.
	example.nodes.find((n) => n.name === 'Post to Slack').disabled = true;
	const workflow = await ctx.activate(example);
	activated.push(workflow.id);
	const productionUrl = await ctx.webhookUrl(workflow, 'Legnext Video Trigger');

	// Step 4 of the note: a Legnext Video node with the URL as it is (an image job too, which Job Types filter out).
	const submitter = (name, parameters) => ({
		name: `e2e example wiring: ${name}`,
		nodes: [
			{
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				name: 'Legnext Video',
				type: ctx.nodeType('legnextVideo'),
				typeVersion: 1,
				position: [240, 0],
				parameters: { ...parameters, callbackUrl: productionUrl, waitForCompletion: false },
			},
		],
		connections: { Start: { main: [[{ node: 'Legnext Video', type: 'main', index: 0 }]] } },
	});
	const image = await ctx.importAndRun(
		submitter('image', { resource: 'image', operation: 'imagine', prompt: 'a test image' }),
	);
	succeeded(image);
	const video = await ctx.importAndRun(
		submitter(
			'video',
			createFromImage({
				prompt: 'for slack',
				reference: 'sheet row 7',
			}),
		),
	);
	succeeded(video);
	const videoJobId = video.nodes['Legnext Video'].items[0].json.jobId;

	const execution = await ctx.waitForExecutionOf(workflow.id, { timeoutMs: 30000 });
	succeeded(execution);
	assert.equal(execution.mode, 'webhook');
	const [item] = execution.nodes['Legnext Video Trigger'].items;
	assert.equal(item.json.jobId, videoJobId);
	assert.equal(item.json.status, 'completed');
	assert.equal(item.json.taskType, 'video_diffusion');
	// The Reference given to the Video node comes out of the trigger, and the example's Slack comment uses it.
	assert.equal(item.json.reference, 'sheet row 7');
	const slack = example.nodes.find((n) => n.name === 'Post to Slack');
	assert.match(slack.parameters.options.initialComment, /\$json\.reference/);
	const size = await assertMp4(item.binary.data, videoJobId, 0);

	// A sender with a wrong token: 401, nothing started, and the reason in the n8n log.
	const wrong = await fetch(`${productionUrl}?token=not-the-token`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ job_id: videoJobId, status: 'completed' }),
	});
	assert.equal(wrong.status, 401);
	let warning;
	for (let i = 0; i < 50 && !warning; i++) {
		warning = ctx
			.logTail(400)
			.split('\n')
			.find(
				(line) =>
					line.includes('Legnext callback refused by node "Legnext Video Trigger"') &&
					line.includes(workflow.id),
			);
		if (!warning) await new Promise((resolve) => setTimeout(resolve, 100));
	}
	assert.ok(warning, `no warning in the n8n log:\n${ctx.logTail(30)}`);
	assert.match(warning, /401 Missing or wrong token/);
	assert.ok(!warning.includes('not-the-token'), 'the log shows the token');
	await new Promise((resolve) => setTimeout(resolve, 1000));
	const executions = await ctx.api.listExecutions({ workflowId: workflow.id });
	assert.equal(
		executions.length,
		1,
		'the image job (filtered out) or the wrong token started an execution',
	);
	t.diagnostic(
		`video job ${videoJobId} -> execution ${execution.id}: trigger item with ${size}-byte MP4 reached the (disabled) Slack node; ` +
			`image job filtered out; wrong token -> 401 and log line: ${warning.trim().slice(0, 160)}`,
	);
});

test('ai-agent-video-tool: the Legnext Video tool node type is loaded and wired to the agent (no LLM here)', async (t) => {
	const example = readExample('ai-agent-video-tool.json');
	const created = await ctx.importWorkflow(example);
	const tool = created.nodes.find((node) => node.name === 'Legnext Video');
	assert.equal(tool.type, ctx.nodeType('legnextVideoTool'));
	assert.ok(loadedTypes.has(tool.type), `${tool.type} not loaded`);
	// The tool variant is generated by n8n from the usableAsTool node: it is in /types/nodes.json.
	const description = loadedTypes.get(tool.type);
	assert.deepEqual(description.outputs, ['ai_tool']);
	for (const type of ['@n8n/n8n-nodes-langchain.agent', '@n8n/n8n-nodes-langchain.chatTrigger']) {
		assert.ok(loadedTypes.has(type), `${type} not loaded`);
	}
	assert.deepEqual(created.connections['Legnext Video'].ai_tool[0][0], {
		node: 'AI Agent',
		type: 'ai_tool',
		index: 0,
	});
	t.diagnostic(
		`${tool.type} loaded (outputs ${JSON.stringify(description.outputs)}), $fromAI parameters: ` +
			Object.entries(tool.parameters)
				.filter(([, value]) => String(value).includes('$fromAI'))
				.map(([key]) => key)
				.join(', '),
	);
});
