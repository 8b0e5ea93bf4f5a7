'use strict';
// The e2e harness itself, with n8n's built-in nodes only: manual runs with per-node output,
// activation + production webhooks, and binary data read back from an execution.
// If these fail, the package's workflow tests cannot be trusted either.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useContext } = require('./lib/context');

const ctx = useContext();

const manualTrigger = {
	id: 'start',
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function setNode(name, fields, position) {
	const assignments = Object.entries(fields).map(([field, value], index) => ({
		id: `${name}-${index}`,
		name: field,
		value,
		type: typeof value === 'number' ? 'number' : 'string',
	}));
	return {
		id: name,
		name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position,
		parameters: { assignments: { assignments } },
	};
}

function chain(...names) {
	const connections = {};
	for (let i = 0; i < names.length - 1; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

test("importAndRun returns each node's output", async () => {
	const execution = await ctx.importAndRun({
		name: 'harness manual',
		nodes: [manualTrigger, setNode('Greeting', { hello: 'world', answer: 42 }, [250, 0])],
		connections: chain('Start', 'Greeting'),
	});
	assert.equal(execution.status, 'success', JSON.stringify(execution.error));
	assert.deepEqual(
		execution.nodes.Greeting.items.map((item) => item.json),
		[{ hello: 'world', answer: 42 }],
	);
	assert.equal(execution.nodes.Start.status, 'success');
});

test('activate serves the production webhook and waitForExecutionOf sees its run', async () => {
	const webhook = {
		id: 'hook',
		name: 'Hook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: crypto.randomUUID(),
		parameters: { httpMethod: 'POST', path: `harness-${Date.now()}` },
	};
	const echo = setNode('Echo', { got: '={{ $json.body.n }}' }, [250, 0]);
	const workflow = await ctx.activate({
		name: 'harness webhook',
		nodes: [webhook, echo],
		connections: chain('Hook', 'Echo'),
	});
	const response = await fetch(await ctx.webhookUrl(workflow, 'Hook'), {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ n: 7 }),
	});
	assert.equal(response.status, 200, await response.text());
	const execution = await ctx.waitForExecutionOf(workflow.id);
	assert.equal(execution.mode, 'webhook');
	assert.equal(execution.nodes.Echo.items[0].json.got, '7');
	await ctx.api.deactivateWorkflow(workflow.id);
});

test('binary data of an execution can be read back', async () => {
	const toFile = {
		id: 'file',
		name: 'To File',
		type: 'n8n-nodes-base.convertToFile',
		typeVersion: 1.1,
		position: [500, 0],
		parameters: { operation: 'toJson', options: { fileName: 'greeting.json' } },
	};
	const execution = await ctx.importAndRun({
		name: 'harness binary',
		nodes: [manualTrigger, setNode('Greeting', { hello: 'binary' }, [250, 0]), toFile],
		connections: chain('Start', 'Greeting', 'To File'),
	});
	assert.equal(execution.status, 'success', JSON.stringify(execution.error));
	const binary = execution.nodes['To File'].items[0].binary.data;
	assert.equal(binary.fileName, 'greeting.json');
	assert.match(binary.id, /^filesystem-v2:/); // N8N_DEFAULT_BINARY_DATA_MODE=filesystem
	const bytes = await ctx.api.downloadBinary(binary);
	assert.deepEqual(JSON.parse(bytes.toString('utf8')), [{ hello: 'binary' }]);
});

test('a paused execution is seen as waiting and resumes through its resume URL', async () => {
	const wait = {
		id: 'wait',
		name: 'Wait',
		type: 'n8n-nodes-base.wait',
		typeVersion: 1.1,
		position: [500, 0],
		webhookId: crypto.randomUUID(),
		parameters: { resume: 'webhook', httpMethod: 'POST' },
	};
	const workflow = await ctx.importWorkflow({
		name: 'harness wait',
		nodes: [
			manualTrigger,
			setNode('Remember', { resumeUrl: '={{ $execution.resumeUrl }}' }, [250, 0]),
			wait,
		],
		connections: chain('Start', 'Remember', 'Wait'),
	});
	const waiting = await ctx.run(workflow.id, { statuses: ['waiting'] });
	assert.equal(waiting.status, 'waiting');
	const { resumeUrl } = waiting.nodes.Remember.items[0].json;
	assert.ok(resumeUrl.startsWith(`${ctx.n8nUrl}/webhook-waiting/${waiting.id}`), resumeUrl);

	const response = await fetch(resumeUrl, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ done: true }),
	});
	assert.equal(response.status, 200, await response.text());
	const finished = await ctx.api.waitForExecution(waiting.id);
	assert.equal(finished.status, 'success');
	assert.deepEqual(finished.nodes.Wait.items[0].json.body, { done: true });
});
