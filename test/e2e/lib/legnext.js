'use strict';
// Building blocks for the package's e2e tests: workflow nodes, simulator snapshots, and the
// simulator settings a test file changes and must put back.

const assert = require('node:assert/strict');
const { sleep } = require('../../n8n/proc');

const PACKAGE = 'n8n-nodes-legnext-video';
const IMAGE_URL = 'https://example.com/e2e/lighthouse.png';

function manualTrigger(name = 'Start') {
	return {
		id: name,
		name,
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
}

/** A Legnext Video node (published type name; ctx.prepareWorkflow maps it and adds the credential). */
function videoNode(name, parameters, position = [250, 0]) {
	return {
		id: name,
		name,
		type: `${PACKAGE}.legnextVideo`,
		typeVersion: 1,
		position,
		parameters,
	};
}

/** Video node parameters that create a video from IMAGE_URL, plus `more` (which may replace any of them). */
function createFromImage(more = {}) {
	return {
		resource: 'video',
		operation: 'create',
		source: 'imageUrl',
		imageUrl: IMAGE_URL,
		...more,
	};
}

function triggerNode(name, parameters, position = [0, 0]) {
	return {
		id: name,
		name,
		type: `${PACKAGE}.legnextVideoTrigger`,
		typeVersion: 1,
		position,
		webhookId: crypto.randomUUID(),
		parameters,
	};
}

/** n8n's No Operation node: passes its items (binary included) through unchanged. */
function noOp(name, position = [500, 0]) {
	return {
		id: name,
		name,
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position,
		parameters: {},
	};
}

/** n8n's Code node (JavaScript, once for all items). */
function codeNode(name, jsCode, position) {
	return {
		id: name,
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position,
		parameters: { jsCode },
	};
}

/** A Code node returning `items` (JSON objects), e.g. to feed a batch. */
function codeItems(name, items, position = [125, 0]) {
	return codeNode(name, `return ${JSON.stringify(items.map((json) => ({ json })))};`, position);
}

/**
 * A Code node that reads the file in binary field `data` inside the run (where the run executes, as
 * the next nodes see it) and outputs its size and MP4 box type ('ftyp').
 */
function checkFile(name, position) {
	const jsCode = [
		"const bytes = await this.helpers.getBinaryDataBuffer(0, 'data');",
		"return [{ json: { size: bytes.length, box: bytes.subarray(4, 8).toString('latin1') } }];",
	].join('\n');
	return codeNode(name, jsCode, position);
}

function chain(...names) {
	const connections = {};
	for (let i = 0; i < names.length - 1; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

function workflow(name, nodes) {
	return { name, nodes, connections: chain(...nodes.map((node) => node.name)) };
}

/**
 * Start -> `count` items -> Legnext Video (create, `waitStrategy`, download video 0) -> `nextNode`:
 * a batch for the pause-mode tests, the same in one process and in queue mode.
 */
function videoBatchWorkflow(name, { count, waitStrategy, nextNode, timeoutMinutes }) {
	return workflow(name, [
		manualTrigger(),
		codeItems(
			'Items',
			Array.from({ length: count }, (_, n) => ({ n })),
		),
		videoNode(
			'Create Video',
			createFromImage({
				prompt: `={{ "${name} item " + $json.n }}`,
				waitForCompletion: true,
				waitStrategy,
				download: 'one',
				downloadNumber: 0,
				options: { timeoutMinutes, maxPollIntervalSeconds: 0.5 },
			}),
		),
		noOp(nextNode),
	]);
}

/** Short waits for the short simulator jobs of the e2e run. */
const FAST_WAIT = { maxPollIntervalSeconds: 0.5, timeoutMinutes: 2 };

/**
 * Remembers the simulator options a file is about to change; `restore()` puts them back
 * (faults replaced as a whole) and resets jobs, counters and credits.
 */
async function snapshotSimulator(sim, keys) {
	const saved = await sim.config();
	return {
		saved,
		async restore() {
			const partial = {};
			for (const key of keys) if (key !== 'faults') partial[key] = saved[key];
			await sim.configure({ ...partial, faults: null });
			if (Object.keys(saved.faults || {}).length > 0) await sim.configure({ faults: saved.faults });
			await sim.reset();
		},
	};
}

/** The newest simulator job (job objects as the API returns them), optionally filtered. */
async function latestJob(sim, predicate = () => true) {
	const jobs = (await sim.jobs()).filter(predicate);
	return jobs[jobs.length - 1];
}

/**
 * Waits until the simulator has handled `count` more callbacks (answered 2xx or failed) than its stats
 * `before` show, and returns its stats then; fails after `timeoutMs`.
 */
async function waitForCallbacks(
	sim,
	before,
	{ count = 1, timeoutMs = 15000, what = 'the callback' } = {},
) {
	const handled = (stats) => stats.callbacksSent + stats.callbacksFailed;
	const until = Date.now() + timeoutMs;
	for (;;) {
		const stats = await sim.stats();
		if (handled(stats) - handled(before) >= count) return stats;
		assert.ok(Date.now() < until, `no answer to ${what} within ${timeoutMs / 1000} s`);
		await sleep(50);
	}
}

/** Submits a job straight to the simulator's API, as any client would. */
async function submitToSimulator(ctx, path, body, apiKey = ctx.apiKey) {
	const response = await fetch(`${ctx.simUrl}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
		body: JSON.stringify(body),
	});
	const json = await response.json();
	if (!response.ok)
		throw new Error(`simulator ${path} -> ${response.status}: ${JSON.stringify(json)}`);
	return json;
}

/** The error message of a failed execution: the workflow's error, else the first failed node's. */
function executionErrorMessage(execution) {
	if (execution.error && execution.error.message) return execution.error.message;
	const failed = Object.values(execution.nodes).find((node) => node.error);
	return failed ? failed.error.message : '';
}

/** Whether the loaded Legnext Video node offers `resource`/`operation` (for features still being built). */
async function nodeHasOperation(ctx, resource, operation) {
	const [description] = await ctx.api.getNodeTypeDescriptions([
		{ name: ctx.nodeType('legnextVideo'), version: 1 },
	]);
	const props = (description && description.properties) || [];
	const resourceProp = props.find((p) => p.name === 'resource');
	if (!resourceProp || !resourceProp.options.some((o) => o.value === resource)) return false;
	return props.some(
		(p) =>
			p.name === 'operation' &&
			p.displayOptions?.show?.resource?.includes(resource) &&
			p.options.some((o) => o.value === operation),
	);
}

const ms = (from, to) => new Date(to).getTime() - new Date(from).getTime();

module.exports = {
	PACKAGE,
	IMAGE_URL,
	FAST_WAIT,
	manualTrigger,
	videoNode,
	createFromImage,
	triggerNode,
	noOp,
	codeItems,
	checkFile,
	chain,
	workflow,
	videoBatchWorkflow,
	snapshotSimulator,
	latestJob,
	submitToSimulator,
	waitForCallbacks,
	executionErrorMessage,
	nodeHasOperation,
	ms,
};
