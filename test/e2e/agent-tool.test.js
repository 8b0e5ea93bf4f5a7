'use strict';
// In a real n8n: the Legnext Video node as an AI agent's tool. No language model runs offline
// here, so the tool is driven the way n8n runs a tool without an agent (the editor's "Execute step" on a tool
// node): n8n's own Tool Executor node (@n8n/n8n-nodes-langchain.toolExecutor) takes the "Legnext Video Tool" n8n
// builds from usableAsTool on its ai_tool input and invokes it. The tool's result must be compact JSON, no binary.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useContext } = require('./lib/context');
const {
	PACKAGE,
	createFromImage,
	FAST_WAIT,
	manualTrigger,
	snapshotSimulator,
} = require('./lib/legnext');

let simulator;
const ctx = useContext({
	async setup(ctx) {
		simulator = await snapshotSimulator(ctx.sim, ['jobMs', 'videoBytes']);
		await ctx.sim.reset();
		await ctx.sim.configure({ jobMs: 1500, videoBytes: 100_000 });
	},
	async teardown() {
		if (simulator) await simulator.restore();
	},
});

function toolWorkflow(name, toolParameters) {
	return {
		name,
		nodes: [
			manualTrigger(),
			{
				id: 'Tool Executor',
				name: 'Tool Executor',
				type: '@n8n/n8n-nodes-langchain.toolExecutor',
				typeVersion: 1,
				position: [250, 0],
				parameters: { query: '{}', toolName: '' },
			},
			{
				id: 'Legnext Video Tool',
				name: 'Legnext Video Tool',
				type: `${PACKAGE}.legnextVideoTool`,
				typeVersion: 1,
				position: [250, 200],
				parameters: toolParameters,
			},
		],
		connections: {
			Start: { main: [[{ node: 'Tool Executor', type: 'main', index: 0 }]] },
			'Legnext Video Tool': { ai_tool: [[{ node: 'Tool Executor', type: 'ai_tool', index: 0 }]] },
		},
	};
}

/** The tool's answer as the Tool Executor passed it on: n8n's tool returns the node's items as JSON text. */
function toolAnswer(execution) {
	const [item] = execution.nodes['Tool Executor'].items;
	assert.equal(item.binary, undefined, 'the tool result carries binary data');
	let value = item.json;
	if (value && typeof value.response === 'string') value = value.response;
	while (typeof value === 'string') value = JSON.parse(value);
	const text = JSON.stringify(value);
	assert.ok(
		!/"binary"|[A-Za-z0-9+/=]{200,}/.test(text),
		`binary in the tool result: ${text.slice(0, 300)}`,
	);
	return { text, result: Array.isArray(value) ? value[0] : value };
}

test('the Video node as a tool returns compact JSON (job, URLs, credits, seconds, summary), no binary', async (t) => {
	const execution = await ctx.importAndRun(
		toolWorkflow(
			'e2e agent tool create',
			createFromImage({
				download: 'all',
				options: FAST_WAIT,
			}),
		),
	);
	assert.equal(
		execution.status,
		'success',
		`${JSON.stringify(execution.error)}\n${ctx.logTail(30)}`,
	);
	const { text, result } = toolAnswer(execution);
	t.diagnostic(`tool result (${text.length} chars): ${text.slice(0, 400)}`);
	assert.match(result.jobId, /^[0-9a-f-]{36}$/);
	assert.equal(result.status, 'completed');
	assert.equal(result.resultUrls.length, 4);
	assert.match(result.resultUrls[0], /^http:\/\/127\.0\.0\.1:\d+\/cdn\//);
	assert.equal(result.creditsEstimated, 480);
	assert.equal(result.creditsUsed, 480);
	assert.equal(typeof result.seconds, 'number');
	assert.match(result.summary, /completed in \d+ s with 4 result file/);
	assert.deepEqual(Object.keys(result).sort(), [
		'creditsEstimated',
		'creditsUsed',
		'jobId',
		'prompts',
		'resultUrls',
		'seconds',
		'status',
		'summary',
	]);
	assert.ok(text.length < 3000, `tool result is ${text.length} characters`);
});

test('the Video node as a tool with Wait for Completion off returns the job ID at once', async (t) => {
	const started = Date.now();
	const execution = await ctx.importAndRun(
		toolWorkflow(
			'e2e agent tool submit only',
			createFromImage({
				waitForCompletion: false,
			}),
		),
	);
	assert.equal(execution.status, 'success', JSON.stringify(execution.error));
	const { text, result } = toolAnswer(execution);
	t.diagnostic(`submit-only tool result in ${Date.now() - started} ms: ${text.slice(0, 300)}`);
	assert.equal(result.status, 'pending');
	assert.match(result.summary, /read it later with Job Get/);
});
