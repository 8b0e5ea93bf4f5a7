'use strict';
// What an e2e test file uses. One environment (simulator + n8n + owner + credential) is started
// per `npm run test:e2e` by test/e2e/global-setup.js; each test file (its own process) attaches to it.
// A file run on its own (`node --test test/e2e/x.test.js`) starts a private environment instead.
//
//   const { test } = require('node:test');
//   const assert = require('node:assert/strict');
//   const { useContext } = require('./lib/context');
//   const ctx = useContext();                 // filled in before the first test
//
//   test('creates a video', async () => {
//     const execution = await ctx.importAndRun(ctx.readFixture('create-video'));
//     assert.equal(execution.status, 'success');
//     assert.equal(execution.nodes['Legnext Video'].items.length, 1);
//   });

const { before, after } = require('node:test');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const n8n = require('../../n8n/n8n');
const { tail } = require('../../n8n/proc');
const { createSimClient } = require('./sim-client');
const {
	adaptWorkflow,
	isPackageNode,
	nodeType,
	CUSTOM_PREFIX,
	PACKAGE_NAME,
} = require('../../n8n/workflows');
const { startEnvironment, REPO_ROOT, STATE_ENV } = require('./environment');

const FIXTURES_DIR = path.join(REPO_ROOT, 'test', 'e2e', 'fixtures');

/**
 * adaptWorkflow (the package's node types as this n8n loaded them, the e2e credential on the
 * package's nodes, webhookIds) plus a unique name, so tests can import the same JSON many times.
 */
function prepareWorkflow(workflow, credential, typePrefix) {
	const copy = adaptWorkflow(workflow, { credential, typePrefix });
	copy.name = `${copy.name || 'e2e'} ${crypto.randomUUID().slice(0, 8)}`;
	return copy;
}

/** Builds the context from the environment's state (see environment.js). */
async function createContext(state) {
	const api = n8n.createClient(state.n8nUrl);
	await api.login(state.owner);
	const sim = createSimClient(state.simUrl);
	// How this n8n loaded the package: installed from its tarball, or dist/ as custom extension.
	const typePrefix = state.nodeTypePrefix || CUSTOM_PREFIX;
	const prepare = (workflow) => prepareWorkflow(workflow, state.credential, typePrefix);

	const ctx = {
		...state, // n8nUrl, simUrl, apiKey, owner, credential, logFile, userFolder, n8nVersion, timings
		api,
		sim,
		nodeType: (name) => nodeType(name, typePrefix),
		/** Major version of the n8n under test (2 when the environment does not say). */
		n8nMajor: Number(String(state.n8nVersion || '2').split('.')[0]),
		prepareWorkflow: prepare,

		/** A workflow JSON from test/e2e/fixtures/<name>.json. */
		readFixture: (name) =>
			JSON.parse(
				fs.readFileSync(path.join(FIXTURES_DIR, `${name.replace(/\.json$/, '')}.json`), 'utf8'),
			),

		/** Creates the workflow (prepared as above); returns n8n's workflow object. */
		importWorkflow: (workflow) => api.createWorkflow(prepare(workflow)),

		/**
		 * Manual run of a stored workflow, waits for it to end; returns the execution with per-node
		 * output (execution.nodes[name].items). Options: triggerName, triggerData, timeoutMs, statuses.
		 */
		async run(workflowId, { timeoutMs = 120000, statuses, ...runOptions } = {}) {
			const started = await api.runWorkflow(workflowId, runOptions);
			if (!started.executionId)
				throw new Error(`run of ${workflowId} did not start: ${JSON.stringify(started)}`);
			return api.waitForExecution(started.executionId, { timeoutMs, statuses });
		},

		/** importWorkflow + run: the finished execution (execution.workflowId names the workflow). */
		async importAndRun(workflow, options = {}) {
			const created = await ctx.importWorkflow(workflow);
			return ctx.run(created.id, options);
		},

		/** Creates and publishes (activates) a workflow; returns it once its trigger webhooks answer. */
		async activate(workflow) {
			const created = await ctx.importWorkflow(workflow);
			return api.activateAndWait(created.id);
		},

		/** Waits for a new execution of the workflow (not in knownIds) to end; returns it parsed. */
		waitForExecutionOf: (workflowId, options = {}) => api.waitForNewExecution(workflowId, options),

		/**
		 * Production URL of a trigger node's webhook, /webhook/<webhookId>/<path>; `webhookPath`
		 * defaults to the path in the node type's description (e.g. 'callback').
		 */
		async webhookUrl(workflow, nodeName, webhookPath) {
			// Queue mode (test/e2e-queue/): production webhooks are served by the webhook process.
			const webhookBase = state.webhookBaseUrl || state.n8nUrl;
			const node = workflow.nodes.find((candidate) => candidate.name === nodeName);
			if (!node) throw new Error(`no node named ${nodeName}`);
			if (!webhookPath) {
				const [described] = await api.webhookPaths({ nodes: [node] });
				if (!described) throw new Error(`${nodeName} has no trigger webhook`);
				return `${webhookBase}/webhook/${described}`;
			}
			return `${webhookBase}/webhook/${node.webhookId}/${webhookPath}`;
		},

		/**
		 * Stops n8n (SIGTERM) and starts it again on the same user folder and port (stored
		 * executions, credentials and resume URLs stay valid), then logs `api` in again.
		 * `downMs`: time to stay down. Returns { stopMs, startMs }.
		 */
		async restartN8n({ downMs = 0 } = {}) {
			const response = await fetch(`${state.controlUrl}/n8n/restart`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ downMs }),
			});
			const body = await response.json().catch(() => ({}));
			if (!response.ok) throw new Error(`n8n restart failed (${response.status}): ${body.error}`);
			await api.login(state.owner);
			return body;
		},

		/** Last lines of the n8n log, to put in assertion messages. */
		logTail: (lines = 60) => tail(state.logFile, lines),
	};
	return ctx;
}

let privateEnvironment; // only when this file runs without the global setup

async function getContext() {
	let state = process.env[STATE_ENV] ? JSON.parse(process.env[STATE_ENV]) : undefined;
	if (!state) {
		privateEnvironment = await startEnvironment();
		state = privateEnvironment.state;
	}
	return createContext(state);
}

/**
 * Registers before/after hooks in the calling test file and returns the context object, filled in
 * before the first test runs. Call it once, at the top level of a test file.
 * A file's own setup must go in `setup(ctx)` / `teardown(ctx)`: node:test runs a file's top-level
 * before() hooks concurrently, so a separate before() could run while ctx is still empty.
 */
function useContext({ setup, teardown } = {}) {
	const ctx = {};
	before(
		async () => {
			Object.assign(ctx, await getContext());
			if (setup) await setup(ctx);
		},
		{ timeout: 15 * 60 * 1000 },
	);
	after(async () => {
		try {
			if (teardown) await teardown(ctx);
		} finally {
			if (privateEnvironment) await privateEnvironment.stop();
			privateEnvironment = undefined;
		}
	});
	return ctx;
}

module.exports = { useContext, getContext, prepareWorkflow, nodeType, isPackageNode, PACKAGE_NAME };
