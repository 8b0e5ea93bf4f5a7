'use strict';
// What a queue-mode test file uses: the single-process suite's context (test/e2e/lib/context.js: api,
// sim, importAndRun, activate, ...) attached to the queue environment, plus queue helpers.
// A file run on its own (`node --test test/e2e-queue/x.test.js`) starts a private queue environment.
//
//   const ctx = useQueueContext({ setup, teardown });
//   ctx.webhookBaseUrl                     the webhook process (WEBHOOK_URL)
//   await ctx.activeJobs()                 Bull jobs being processed by workers right now
//   await ctx.workersOf(executionId)       names of the workers whose log says they ran it
//   await ctx.killProcess('worker1')       kill -9 (process group); ctx.startProcess('worker1')
//   ctx.figure('batch', 'text')            a figure printed in the summary at the end of the run

const { before, after } = require('node:test');
const fs = require('node:fs');

const { getContext } = require('../../e2e/lib/context');
const { redisCommand } = require('../../n8n/queue');
const { sleep } = require('../../n8n/proc');
const { startQueueEnvironment, STATE_ENV } = require('./environment');

function queueState() {
	const raw = process.env[STATE_ENV];
	const state = raw ? JSON.parse(raw) : undefined;
	return state && state.queue ? state : undefined;
}

async function control(ctx, method, path) {
	const response = await fetch(`${ctx.controlUrl}${path}`, { method });
	const body = await response.json().catch(() => ({}));
	if (!response.ok) throw new Error(`${method} ${path} -> ${response.status}: ${body.error}`);
	return body;
}

function readLog(file) {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

/** Queue helpers, added to the e2e context. */
function queueHelpers(ctx) {
	const { queue } = ctx;
	const key = (list) => `${queue.bullPrefix}:${queue.queueName}:${list}`;
	const workers = () => queue.processes.filter((p) => p.role === 'worker');
	return {
		webhookBaseUrl: queue.webhookUrl,
		/** Binary data ids as n8n makes them in this run's mode ('database:<uuid>', 'filesystem-v2:...'). */
		binaryIdPattern: queue.binaryMode === 'filesystem' ? /^filesystem-v2:/ : /^database:/,
		mainUrl: queue.mainUrl,
		workerNames: () => workers().map((p) => p.name),
		redis: (...args) => redisCommand(queue.redisPort, ...args),

		/** Jobs workers hold right now (Bull's active list). */
		activeJobs: () => redisCommand(queue.redisPort, 'LLEN', key('active')),
		/** Jobs queued and not yet taken by a worker. */
		queuedJobs: () => redisCommand(queue.redisPort, 'LLEN', key('wait')),

		/** Samples activeJobs() every intervalMs for durationMs: { samples, max, values }. */
		async sampleActiveJobs(durationMs, intervalMs = 100) {
			const values = [];
			const deadline = Date.now() + durationMs;
			while (Date.now() < deadline) {
				values.push(await ctx.activeJobs());
				await sleep(intervalMs);
			}
			return { samples: values.length, max: Math.max(...values), values };
		},

		/**
		 * Workers whose log has "Worker started execution <id> (job ...)" for it, with how often
		 * (a paused execution starts twice: before the pause and after the resume).
		 */
		workersOf(executionId) {
			const marker = `Worker started execution ${executionId} (job `;
			const found = {};
			for (const worker of workers()) {
				const count = readLog(worker.logFile).split(marker).length - 1;
				if (count > 0) found[worker.name] = count;
			}
			return found;
		},

		/** Waits until a worker's log says it started the execution; returns the worker's name. */
		async waitForWorkerOf(executionId, { timeoutMs = 30000, exclude = [] } = {}) {
			const deadline = Date.now() + timeoutMs;
			while (Date.now() < deadline) {
				const names = Object.keys(ctx.workersOf(executionId)).filter((n) => !exclude.includes(n));
				if (names.length > 0) return names[0];
				await sleep(100);
			}
			throw new Error(`no worker started execution ${executionId} within ${timeoutMs} ms`);
		},

		processes: () => control(ctx, 'GET', '/queue/processes'),
		killProcess: (name) => control(ctx, 'POST', `/queue/processes/${name}/kill`),
		startProcess: (name) => control(ctx, 'POST', `/queue/processes/${name}/start`),

		/** Production URL of a trigger node's webhook on the webhook process. */
		async triggerUrl(workflow, nodeName) {
			const node = workflow.nodes.find((candidate) => candidate.name === nodeName);
			if (!node) throw new Error(`no node named ${nodeName}`);
			const [webhookPath] = await ctx.api.webhookPaths({ nodes: [node] });
			return `${queue.webhookUrl}/webhook/${webhookPath}`;
		},

		/** Waits until `url` (a production webhook) answers a CORS preflight on its process. */
		async waitForWebhook(url, timeoutMs = 30000) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const response = await fetch(url, {
					method: 'OPTIONS',
					headers: { origin: queue.mainUrl, 'access-control-request-method': 'POST' },
				}).catch(() => null);
				if (response && response.status < 400) return;
				if (Date.now() > deadline) throw new Error(`${url} not live after ${timeoutMs} ms`);
				await sleep(200);
			}
		},

		/** Records a figure for the summary printed at the end (test/e2e-queue/run-queue-mode.js). */
		figure(topic, text) {
			fs.appendFileSync(queue.figuresFile, `${JSON.stringify({ topic, text })}\n`);
		},

		/** Last lines of every process log, for assertion messages. */
		logsTail(lines = 15) {
			return queue.processes
				.map((p) => `--- ${p.name} ---\n${readLog(p.logFile).split('\n').slice(-lines).join('\n')}`)
				.join('\n');
		},
	};
}

/**
 * Registers before/after hooks and returns the context, filled in before the first test.
 * `setup(ctx)` / `teardown(ctx)` as in test/e2e/lib/context.js.
 */
function useQueueContext({ setup, teardown } = {}) {
	const ctx = {};
	let privateEnvironment;
	before(
		async () => {
			if (!queueState()) {
				privateEnvironment = await startQueueEnvironment();
				process.env[STATE_ENV] = JSON.stringify(privateEnvironment.state);
				fs.writeFileSync(privateEnvironment.state.queue.figuresFile, '');
			}
			Object.assign(ctx, await getContext());
			Object.assign(ctx, queueHelpers(ctx));
			if (setup) await setup(ctx);
		},
		{ timeout: 20 * 60 * 1000 },
	);
	after(async () => {
		try {
			if (teardown) await teardown(ctx);
		} finally {
			if (privateEnvironment) {
				const { figuresFile } = privateEnvironment.state.queue;
				for (const line of readLog(figuresFile).split('\n').filter(Boolean)) {
					const { topic, text } = JSON.parse(line);
					console.log(`# [${topic}] ${text}`);
				}
				await privateEnvironment.stop();
			}
			privateEnvironment = undefined;
		}
	});
	return ctx;
}

module.exports = { useQueueContext, queueState };
