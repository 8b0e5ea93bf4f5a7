// @ts-check
'use strict';

/**
 * HTTP front of the simulator: routes a request, counts it, applies faults, and answers.
 */

const { SUBMIT_ENDPOINTS } = require('./endpoints');
const { ApiError, errorBody } = require('./errors');
const { readBody, sendJson, sendRaw, dropConnection, parseJson } = require('./http-util');
const { pickRandomFault, latencyFor, htmlErrorPage, expiredLinkPage, redirectLocation } = require('./faults');
const { bump } = require('./stats');
const { handleControl } = require('./control');
const { serveCdn } = require('./cdn');

/** @typedef {import('./simulator').Simulator} Simulator */
/** @typedef {import('./http-util').Reply} Reply */
/** @typedef {import('./faults').FaultAction} FaultAction */
/** @typedef {import('node:http').IncomingMessage} Request */
/** @typedef {import('node:http').ServerResponse} Response */

/**
 * @typedef {object} Route
 * @property {string} key                      stats key, e.g. 'GET /api/v1/job/:id'
 * @property {import('./faults').RouteKind | 'cdn'} kind
 * @property {(sim: Simulator, ctx: RequestContext) => Reply} [handle]
 * @property {string[]} [allow]                set when the path exists but not for this method
 */

/**
 * @typedef {object} RequestContext
 * @property {Request} req
 * @property {string} path
 * @property {{ buffer: Buffer, tooLarge: boolean } | null} body
 * @property {string} jobId                    for job reads
 */

const JOB_PATH = '/api/v1/job/';

/** @type {Record<string, (sim: Simulator) => Reply>} */
const ACCOUNT_ENDPOINTS = {
	'/api/account/balance': (sim) => ok({
		account_id: 1,
		balance_usd: Math.round(sim.credits) / 1000,
		available_credits: sim.credits,
		available_points: 0,
		alert_threshold: 10,
		low_balance_alert: sim.credits < 10000,
		updated_at: new Date().toISOString(),
	}),
	// The vendor front end's client: wrapped, with the plan, the concurrency limit, wallet details and the
	// account's API keys (which the node must never output).
	'/api/account/info': (sim) => ok({
		account_id: 1,
		email: 'sim@example.invalid',
		plan: 'standard',
		max_concurrent_task_count: sim.options.concurrency,
		wallet: { balance_usd: Math.round(sim.credits) / 1000, available_credits: sim.credits, payment_token: 'tok_simulated_wallet' },
		api_keys: [{ name: 'default', value: sim.options.apiKey, created_at: '2025-01-01T00:00:00Z' }],
		created_at: '2025-01-01T00:00:00Z',
	}),
	// legnext-ai/sdks `openapi/openapi-complete.yaml` (ActiveTasksResponse), unwrapped as written there.
	'/api/account/active_tasks': (sim) => {
		const tasks = [...sim.running].map((job) => sim.jobObject(job));
		return {
			status: 200,
			body: { account_id: '00000000-0000-4000-8000-000000000001', total_active: tasks.length, concurrent_limit: sim.options.concurrency, tasks, updated_at: new Date().toISOString() },
		};
	},
};

/**
 * The `{code: 200, data, message: "success"}` wrapper of the account endpoints.
 * @param {unknown} data
 * @returns {Reply}
 */
function ok(data) {
	return { status: 200, body: { code: 200, data, message: 'success' } };
}

/**
 * @param {string} method
 * @param {string} path
 * @returns {Route}
 */
function matchRoute(method, path) {
	if (path.startsWith('/cdn/')) {
		return method === 'GET' || method === 'HEAD' ? { key: `${method} /cdn`, kind: 'cdn' } : notAllowed(method, path, ['GET', 'HEAD']);
	}
	const endpoint = SUBMIT_ENDPOINTS[path];
	if (endpoint) {
		if (method !== 'POST') return notAllowed(method, path, ['POST']);
		return { key: `POST ${path}`, kind: 'submit', handle: (sim, ctx) => submitReply(sim, ctx, endpoint) };
	}
	if (path.startsWith(JOB_PATH) && path.length > JOB_PATH.length && !path.slice(JOB_PATH.length).includes('/')) {
		if (method !== 'GET') return notAllowed(method, `${JOB_PATH}:id`, ['GET']);
		return { key: `GET ${JOB_PATH}:id`, kind: 'read', handle: readReply };
	}
	const account = ACCOUNT_ENDPOINTS[path];
	if (account) {
		if (method !== 'GET') return notAllowed(method, path, ['GET']);
		return { key: `GET ${path}`, kind: 'account', handle: (sim) => account(sim) };
	}
	return { key: `${method} ${path.slice(0, 200)}`, kind: 'other', handle: () => ({ status: 404, body: errorBody('flat', 404, `no route for ${method} ${path}`) }) };
}

/**
 * @param {string} method
 * @param {string} path
 * @param {string[]} allow
 * @returns {Route}
 */
function notAllowed(method, path, allow) {
	return {
		key: `${method} ${path}`,
		kind: 'other',
		allow,
		handle: () => ({ status: 405, body: errorBody('flat', 405, `method ${method} not allowed, use ${allow.join(' or ')}`), headers: { Allow: allow.join(', ') } }),
	};
}

/**
 * @param {Simulator} sim
 * @param {RequestContext} ctx
 * @param {import('./endpoints').SubmitEndpoint} endpoint
 * @returns {Reply}
 */
function submitReply(sim, ctx, endpoint) {
	const body = ctx.body;
	if (body && body.tooLarge) throw new ApiError(413, `request body larger than ${sim.options.maxBodyBytes} bytes`);
	const parsed = parseJson(body ? body.buffer.toString('utf8') : '');
	if (!parsed.ok) throw new ApiError(400, 'request body is not valid JSON');
	const job = sim.submit(endpoint, parsed.value);
	return { status: 200, body: sim.jobObject(job) };
}

/**
 * @param {Simulator} sim
 * @param {RequestContext} ctx
 * @returns {Reply}
 */
function readReply(sim, ctx) {
	const job = sim.findJob(ctx.jobId);
	if (!job) throw new ApiError(404, `job ${ctx.jobId} not found`);
	return { status: 200, body: sim.jobObject(job) };
}

/**
 * Run a route's normal handling: auth, then the handler; errors become error bodies.
 * @param {Simulator} sim
 * @param {Route} route
 * @param {RequestContext} ctx
 * @returns {Reply}
 */
function normalReply(sim, route, ctx) {
	try {
		if (route.kind !== 'other' && ctx.req.headers['x-api-key'] !== sim.options.apiKey) {
			throw new ApiError(401, 'Failed to verify api key');
		}
		return /** @type {NonNullable<Route['handle']>} */ (route.handle)(sim, ctx);
	} catch (error) {
		if (!(error instanceof ApiError)) throw error;
		return { status: error.status, body: errorBody(sim.options.errorShape, error.status, error.message), headers: error.headers };
	}
}

/**
 * Count a job read before anything can fault it, so readsByJob sees every poll.
 * @param {Simulator} sim
 * @param {string} jobId
 */
function countRead(sim, jobId) {
	bump(sim.counters.readsByJob, jobId);
	const job = sim.findJob(jobId);
	if (job && !job.finalStatus) sim.counters.readsWhileRunning += 1;
}

/**
 * @param {Simulator} sim
 * @param {Request} req
 * @param {Response} res
 */
async function handleRequest(sim, req, res) {
	const url = new URL(req.url || '/', 'http://127.0.0.1');
	const method = (req.method || 'GET').toUpperCase();
	const path = url.pathname;
	if (path === '/__sim' || path.startsWith('/__sim/')) return handleControl(sim, req, res, method, path);

	const route = matchRoute(method, path);
	bump(sim.counters.requests, route.key);
	if (route.kind === 'cdn') return serveCdn(sim, req, res, method, url);

	const body = method === 'POST' || method === 'PUT' || method === 'PATCH' ? await readBody(req, sim.options.maxBodyBytes) : null;
	const jobId = route.kind === 'read' ? decodeURIComponent(path.slice(JOB_PATH.length)) : '';
	if (route.kind === 'submit') sim.counters.submitAttempts += 1;
	if (route.kind === 'read') countRead(sim, jobId);
	await sim.sleep(latencyFor(sim.options, sim.random));

	/** @type {RequestContext} */
	const ctx = { req, path, body, jobId };
	const action = sim.rules.take(method, path) || pickRandomFault(route.kind, sim.options, sim.random);
	if (!action) return sendReply(res, normalReply(sim, route, ctx));

	bump(sim.counters.faulted, 'total');
	bump(sim.counters.faulted, action.name);
	bump(sim.counters.faultedRequests, route.key);
	if (action.delayMs) await sim.sleep(action.delayMs);
	return applyFault(sim, route, ctx, res, action);
}

/**
 * @param {Simulator} sim
 * @param {Route} route
 * @param {RequestContext} ctx
 * @param {Response} res
 * @param {FaultAction} action
 */
function applyFault(sim, route, ctx, res, action) {
	if (action.type === 'truncated') return sendTruncated(res, normalReply(sim, route, ctx));
	if (action.type === 'pass') return sendReply(res, normalReply(sim, route, ctx));
	// The realistic danger: the job was created and paid for, but the client saw an error.
	if (action.createsJob && route.kind === 'submit') normalReply(sim, route, ctx);
	if (action.type === 'drop') return dropConnection(res);
	// A gateway or proxy in front of the API that redirects: a client must not follow it with the key.
	if (action.type === 'redirect') {
		return sendRaw(res, action.status || 302, '', { Location: redirectLocation(action.location || '', ctx.req.url || '/') });
	}
	if (action.type === 'stall') return undefined; // the socket stays open, unanswered, until the client gives up
	if (action.type === 'expiredPage') return sendRaw(res, 200, expiredLinkPage(), { 'Content-Type': 'text/html; charset=utf-8' });
	if (action.type === 'html') {
		const status = action.status || 502;
		return sendRaw(res, status, htmlErrorPage(status), { 'Content-Type': 'text/html', ...action.headers });
	}
	const status = action.status || 500;
	const headers = { ...action.headers };
	if (status === 429 && !Object.keys(headers).some((name) => name.toLowerCase() === 'retry-after')) {
		headers['Retry-After'] = String(sim.retryAfterSeconds());
	}
	const body = action.body !== undefined ? action.body : errorBody(sim.options.errorShape, status);
	return sendReply(res, { status, body, headers });
}

/**
 * @param {Response} res
 * @param {Reply} reply
 */
function sendReply(res, reply) {
	sendJson(res, reply.status, reply.body, reply.headers);
}

/**
 * The normal answer with its JSON cut in half (what a proxy that dies mid-body can deliver).
 * @param {Response} res
 * @param {Reply} reply
 */
function sendTruncated(res, reply) {
	const text = JSON.stringify(reply.body);
	const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
	sendRaw(res, reply.status, cut, { 'Content-Type': 'application/json; charset=utf-8', ...reply.headers });
}

module.exports = { handleRequest, matchRoute };
