'use strict';
// node --test --test-global-setup=test/e2e-queue/global-setup.js: starts the queue-mode environment
// once per run (see lib/environment.js) and hands its state to the test files, which inherit the
// runner's environment: the same variable as the single-process suite, so test/e2e/*.test.js attach too.

const fs = require('node:fs');
const { startQueueEnvironment, STATE_ENV, FIGURES_FILE } = require('./lib/environment');

let environment;

async function globalSetup() {
	environment = await startQueueEnvironment();
	process.env[STATE_ENV] = JSON.stringify(environment.state);
	fs.writeFileSync(FIGURES_FILE, '');
	const { n8nUrl, webhookBaseUrl, simUrl, timings, queue } = environment.state;
	console.log(
		`# queue environment ready in ${timings.totalMs} ms: main ${n8nUrl}, webhook process ${webhookBaseUrl}, ` +
			`workers ${queue.processes
				.filter((p) => p.role === 'worker')
				.map((p) => p.url)
				.join(' ')}, ` +
			`redis :${queue.redisPort}, postgres :${queue.postgresPort}, simulator ${simUrl}, logs ${queue.logDir}`,
	);
}

async function globalTeardown() {
	if (environment) await environment.stop();
}

module.exports = { globalSetup, globalTeardown };
