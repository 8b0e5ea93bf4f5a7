'use strict';
// The queue-mode cluster itself: one main, two workers and one webhook process are up, every one
// started with the package (N8N_CUSTOM_EXTENSIONS), queue mode, the shared Redis/PostgreSQL and
// WEBHOOK_URL at the webhook process; the main serves the package's node types.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { useQueueContext } = require('./lib/context');

const DIST = path.resolve(__dirname, '..', '..', 'dist');
const ctx = useQueueContext();

/** The environment a running process was started with (Linux /proc). */
function environOf(pid) {
	const raw = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
	return Object.fromEntries(
		raw
			.split('\0')
			.filter(Boolean)
			.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
	);
}

test('one main, two workers and one webhook process run, all with the package and the same queue settings', async (t) => {
	const processes = await ctx.processes();
	assert.deepEqual(
		processes.map((p) => `${p.name}:${p.role}`),
		['main:main', 'worker1:worker', 'worker2:worker', 'webhook:webhook'],
	);
	const keys = new Set();
	for (const p of processes) {
		assert.ok(p.running, `${p.name} is not running`);
		const health = await fetch(`${p.url}/healthz/readiness`);
		assert.equal(health.status, 200, `${p.name} readiness ${health.status}`);
		const env = environOf(p.pid);
		assert.equal(env.N8N_CUSTOM_EXTENSIONS, DIST, `${p.name} does not load the package`);
		assert.equal(env.EXECUTIONS_MODE, 'queue');
		assert.equal(env.DB_TYPE, 'postgresdb');
		assert.equal(env.QUEUE_BULL_REDIS_PORT, String(ctx.queue.redisPort));
		assert.equal(env.WEBHOOK_URL, `${ctx.webhookBaseUrl}/`);
		const binaryMode = ctx.queue.binaryMode === 'database' ? undefined : ctx.queue.binaryMode;
		assert.equal(env.N8N_DEFAULT_BINARY_DATA_MODE, binaryMode, 'binary data mode');
		keys.add(env.N8N_ENCRYPTION_KEY);
	}
	assert.equal(keys.size, 1, 'all processes must share one encryption key');
	const types = (await ctx.api.listNodeTypes()).map((type) => type.name);
	for (const name of ['legnextVideo', 'legnextVideoTrigger'])
		assert.ok(types.includes(ctx.nodeType(name)), `${name} not loaded by the main`);
	assert.equal(await ctx.redis('PING'), 'PONG');
	const summary = processes.map((p) => `${p.name} pid ${p.pid} ${p.url}`).join(', ');
	t.diagnostic(summary);
	ctx.figure(
		'cluster',
		`${summary}; redis :${ctx.queue.redisPort}, postgres :${ctx.queue.postgresPort}; binary data mode ` +
			`${ctx.queue.binaryMode}; startup: main ${ctx.timings.mainStartMs} ms (incl. migrations), ` +
			`workers + webhook ${ctx.timings.othersStartMs} ms, whole environment ${ctx.timings.totalMs} ms`,
	);
});
