// @ts-check
'use strict';

/** Shared helpers of the simulator's own tests (not a test file itself). */

const http = require('node:http');
const { createSimulator } = require('../../tools/simulator');

const KEY = 'sim-key';

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Poll until `check` returns a truthy value.
 * @template T
 * @param {() => T | Promise<T>} check
 * @param {number} [timeoutMs]
 * @returns {Promise<T>}
 */
async function waitFor(check, timeoutMs = 3000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error('waitFor: condition not met in time');
		await sleep(10);
	}
}

/**
 * @typedef {object} ApiAnswer
 * @property {number} status
 * @property {Headers} headers
 * @property {string} text
 * @property {any} body       parsed JSON, or undefined when the text is not JSON
 */

/**
 * A tiny fetch client for one simulator.
 * @param {{ url: string }} sim
 */
function client(sim) {
	/**
	 * @param {string} method
	 * @param {string} path
	 * @param {{ body?: unknown, rawBody?: string, key?: string | null, headers?: Record<string, string> }} [opts]
	 * @returns {Promise<ApiAnswer>}
	 */
	async function call(method, path, opts = {}) {
		/** @type {Record<string, string>} */
		const headers = { ...opts.headers };
		const key = opts.key === undefined ? KEY : opts.key;
		if (key !== null) headers['x-api-key'] = key;
		let payload;
		if (opts.rawBody !== undefined) payload = opts.rawBody;
		else if (opts.body !== undefined) payload = JSON.stringify(opts.body);
		if (payload !== undefined) headers['content-type'] = 'application/json';
		const res = await fetch(`${sim.url}${path}`, { method, headers, body: payload });
		const text = await res.text();
		let body;
		try {
			body = JSON.parse(text);
		} catch {
			body = undefined;
		}
		return { status: res.status, headers: res.headers, text, body };
	}
	return {
		call,
		/** @param {string} path @param {unknown} body @param {{ key?: string | null }} [opts] */
		post: (path, body, opts = {}) => call('POST', path, { ...opts, body }),
		/** @param {string} path @param {{ key?: string | null }} [opts] */
		get: (path, opts = {}) => call('GET', path, opts),
		/** @param {string} id */
		job: (id) => call('GET', `/api/v1/job/${id}`),
	};
}

/**
 * Start a simulator and its client; the test must close it.
 * @param {Record<string, any>} [options]
 */
async function start(options = {}) {
	const sim = await createSimulator({ jobMs: 200, ...options });
	return { sim, api: client(sim) };
}

/**
 * Submit a job and finish it at once; returns the finished job object.
 * @param {Awaited<ReturnType<typeof start>>} ctx
 * @param {string} path
 * @param {unknown} body
 */
async function finishedJob({ sim, api }, path, body) {
	const submitted = await api.post(path, body);
	if (submitted.status !== 200) throw new Error(`submit ${path} failed: ${submitted.status} ${submitted.text}`);
	sim.completeJob(submitted.body.job_id);
	return (await api.job(submitted.body.job_id)).body;
}

/**
 * A local HTTP server that records callback POSTs.
 * @param {{ status?: number }} [opts]
 */
async function startCallbackServer({ status = 200 } = {}) {
	/** @type {{ headers: http.IncomingHttpHeaders, text: string, body: any }[]} */
	const received = [];
	const server = http.createServer((req, res) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			received.push({ headers: req.headers, text, body: JSON.parse(text) });
			res.writeHead(status).end();
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${port}/hook`,
		received,
		close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
	};
}

/** A free loopback port with nothing listening on it (for failed deliveries). */
async function closedPort() {
	const server = http.createServer();
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	await new Promise((resolve) => server.close(() => resolve(undefined)));
	return port;
}

module.exports = { KEY, sleep, waitFor, client, start, finishedJob, startCallbackServer, closedPort };
