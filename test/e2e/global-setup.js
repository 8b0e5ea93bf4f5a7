'use strict';
// node --test --test-global-setup=test/e2e/global-setup.js: runs once in the runner's process, before
// any test file. Starts simulator + n8n once for the whole run and hands their addresses to the
// test processes through an environment variable (they inherit the runner's environment).

const { startEnvironment, STATE_ENV } = require('./lib/environment');

let environment;

async function globalSetup() {
	const started = Date.now();
	environment = await startEnvironment();
	process.env[STATE_ENV] = JSON.stringify(environment.state);
	const { n8nUrl, simUrl, logFile, timings } = environment.state;
	console.log(
		`# e2e environment ready in ${Date.now() - started} ms: n8n ${n8nUrl} (start ${timings.n8nStartMs} ms, log ${logFile}), simulator ${simUrl}`,
	);
}

async function globalTeardown() {
	if (environment) await environment.stop();
}

module.exports = { globalSetup, globalTeardown };
