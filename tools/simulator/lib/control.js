// @ts-check
'use strict';

/**
 * /__sim/: the control API, so a test in another process (a real n8n, a benchmark) can drive
 * the simulator. No API key, not counted in stats, never faulted.
 */

const { readBody, sendJson, parseJson } = require('./http-util');

/** @typedef {import('./simulator').Simulator} Simulator */

const CONTROL_BODY_LIMIT = 1024 * 1024;
const JOB_ACTION = /^\/__sim\/jobs\/([^/]+)\/(complete|fail)$/;

/**
 * @param {Simulator} sim
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} method
 * @param {string} path
 */
async function handleControl(sim, req, res, method, path) {
	const raw = method === 'POST' ? await readBody(req, CONTROL_BODY_LIMIT) : null;
	const parsed = parseJson(raw && raw.buffer.length > 0 ? raw.buffer.toString('utf8') : '{}');
	if (!parsed.ok) return sendJson(res, 400, { error: 'body is not valid JSON' });
	const body = /** @type {any} */ (parsed.value);
	try {
		const answer = route(sim, method, path, body);
		if (answer === undefined) return sendJson(res, 404, { error: `no control route ${method} ${path}` });
		if (answer === null) return sendJson(res, 404, { error: 'job not found' });
		return sendJson(res, 200, answer);
	} catch (error) {
		// configure() and enqueue() throw TypeError on bad input.
		return sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
	}
}

/**
 * @param {Simulator} sim
 * @param {string} method
 * @param {string} path
 * @param {any} body
 * @returns {unknown} undefined = no such route, null = no such job
 */
function route(sim, method, path, body) {
	const key = `${method} ${path.replace(/\/+$/, '')}`;
	switch (key) {
		case 'GET /__sim':
		case 'GET /__sim/stats':
			return sim.stats();
		case 'POST /__sim/reset':
			sim.reset();
			return { ok: true };
		case 'GET /__sim/config':
			return sim.options;
		case 'POST /__sim/config':
			return sim.configure(body);
		case 'POST /__sim/enqueue': {
			const rules = Array.isArray(body) ? body : [body];
			for (const rule of rules) sim.rules.add(rule);
			return { ok: true, queued: sim.rules.size };
		}
		case 'GET /__sim/jobs':
			return sim.listJobs();
	}
	const match = method === 'POST' ? JOB_ACTION.exec(path) : null;
	if (!match) return undefined;
	const id = decodeURIComponent(match[1]);
	return match[2] === 'complete' ? sim.completeJob(id) : sim.failJob(id, body.message, body.code);
}

module.exports = { handleControl };
