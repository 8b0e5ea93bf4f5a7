// @ts-check
'use strict';

/**
 * Local HTTP simulator of the Legnext video/image API (contract: shared/legnext-api.md).
 *
 *   const { createSimulator } = require('./tools/simulator');
 *   const sim = await createSimulator({ jobMs: 300 });
 *   // credential base URL: sim.url, API key: 'sim-key'
 *   await sim.close();
 *
 * Plain CommonJS on purpose: the repo's n8n lint checks every .ts file and forbids what a
 * server needs (node:http, process, timers).
 */

const http = require('node:http');
const { Simulator } = require('./lib/simulator');
const { handleRequest } = require('./lib/router');
const { sendJson } = require('./lib/http-util');
const { DEFAULT_OPTIONS, DEFAULT_FAULTS } = require('./lib/options');

const HOST = '127.0.0.1';

/** @typedef {import('./lib/options').SimulatorOptions} SimulatorOptions */
/** @typedef {import('./lib/faults').ScriptedRule} ScriptedRule */

/**
 * @typedef {object} LegnextSimulator
 * @property {string} url                           'http://127.0.0.1:<port>'
 * @property {number} port
 * @property {(partial: Record<string, any>) => SimulatorOptions} configure
 * @property {(rule: ScriptedRule) => number} enqueue  returns the number of queued rules
 * @property {() => ReturnType<Simulator['stats']>} stats
 * @property {() => void} reset
 * @property {() => object[]} jobs
 * @property {(id: string) => object | null} completeJob
 * @property {(id: string, message?: string, code?: number) => object | null} failJob
 * @property {() => Promise<void>} waitForCallbacks  resolves when callbacks started so far are settled
 * @property {() => SimulatorOptions} options        the options in force
 * @property {() => Promise<void>} close
 * @property {http.Server} server
 */

/**
 * Start a simulator listening on 127.0.0.1.
 * @param {Partial<SimulatorOptions> & { faults?: import('./lib/options').Faults }} [options]
 * @returns {Promise<LegnextSimulator>}
 */
async function createSimulator(options = {}) {
	const sim = new Simulator(options);
	const server = http.createServer((req, res) => {
		handleRequest(sim, req, res).catch((error) => {
			// A bug in the simulator must show up in the client, not crash the test process.
			sendJson(res, 500, { code: 500, message: `simulator internal error: ${error && error.message}`, raw_message: String(error && error.stack), detail: null });
		});
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(sim.options.port, HOST, () => resolve(undefined));
	});
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	sim.url = `http://${HOST}:${address.port}`;

	let closing = /** @type {Promise<void> | null} */ (null);
	return {
		url: sim.url,
		port: address.port,
		server,
		configure: (partial) => sim.configure(partial),
		enqueue: (rule) => sim.rules.add(rule),
		stats: () => sim.stats(),
		reset: () => sim.reset(),
		jobs: () => sim.listJobs(),
		completeJob: (id) => sim.completeJob(id),
		failJob: (id, message, code) => sim.failJob(id, message, code),
		waitForCallbacks: () => sim.waitForCallbacks(),
		options: () => sim.options,
		close: () => {
			closing = closing || closeServer(sim, server);
			return closing;
		},
	};
}

/**
 * @param {Simulator} sim
 * @param {http.Server} server
 * @returns {Promise<void>}
 */
function closeServer(sim, server) {
	sim.close();
	return new Promise((resolve) => {
		server.close(() => resolve());
		server.closeAllConnections();
	});
}

module.exports = { createSimulator, DEFAULT_OPTIONS, DEFAULT_FAULTS };
