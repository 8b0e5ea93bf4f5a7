// @ts-check
'use strict';

/**
 * Fault injection: random faults drawn from the seeded PRNG, and scripted one-shot rules.
 * Both produce a FaultAction that the router applies instead of (or on top of) the normal answer.
 */

const { fault } = require('./options');

/** @typedef {import('./options').SimulatorOptions} SimulatorOptions */

/**
 * @typedef {object} FaultAction
 * @property {'drop' | 'html' | 'truncated' | 'reply' | 'redirect' | 'stall' | 'expiredPage' | 'pass'} type
 *   drop: destroy the socket; html: an HTML error page; truncated: 200 with cut-off JSON of the
 *   normal answer; reply: the given status/body/headers; redirect: a 3xx to `location` + the request's
 *   path and query; stall: no answer at all ('answer') or headers and a first chunk, then nothing ('body');
 *   expiredPage: 200 text/html "link expired" page (what a CDN serves for a dead signed link);
 *   pass: the normal answer (after delayMs: a slow but working server)
 * @property {string} name                 stats key in stats().faulted
 * @property {boolean} createsJob          on a submit: the job is created before the fault hits
 * @property {number} [status]
 * @property {unknown} [body]
 * @property {Record<string, string>} [headers]
 * @property {number} [delayMs]
 * @property {string} [location]           redirect: the origin (or base URL) to send the client to
 * @property {'answer' | 'body'} [stall]
 */

/**
 * @typedef {object} ScriptedRule
 * @property {string} path                 exact path or prefix, e.g. '/api/v1/job/'
 * @property {string} [method]             any method when absent
 * @property {number} [status]
 * @property {unknown} [body]
 * @property {Record<string, string>} [headers]
 * @property {boolean} [drop]
 * @property {boolean} [html]
 * @property {boolean} [truncated]
 * @property {number} [times]              how many requests it answers (default 1; -1 = until reset)
 * @property {boolean} [createJob]         submits: create the job anyway (default false)
 * @property {number} [delayMs]            wait before answering
 * @property {string} [redirectTo]         answer a redirect (status, default 302) to this origin + the request's path
 * @property {'answer' | 'body'} [stall]   never answer, or (on /cdn/) send headers and a first chunk, then nothing
 * @property {boolean} [expiredPage]       (/cdn/) 200 text/html "link expired" page instead of the file
 * @property {boolean} [pass]              the normal answer, after delayMs
 */

/** @typedef {'read' | 'submit' | 'account' | 'other'} RouteKind */

/**
 * Which rate knobs apply to which kind of route, in the order their shares are stacked.
 * @type {Record<RouteKind, [keyof import('./options').Faults, FaultAction['type'] | 'serverError' | 'tooMany'][]>}
 */
const RANDOM_FAULTS = {
	read: [
		['dropRate', 'drop'],
		['htmlErrorRate', 'html'],
		['readErrorRate', 'serverError'],
		['read429Rate', 'tooMany'],
		['truncatedJsonRate', 'truncated'],
	],
	submit: [
		['submitDropRate', 'drop'],
		['htmlErrorRate', 'html'],
		['submitErrorRate', 'serverError'],
		['submit429Rate', 'tooMany'],
		['truncatedJsonRate', 'truncated'],
	],
	account: [
		['htmlErrorRate', 'html'],
		['truncatedJsonRate', 'truncated'],
	],
	other: [],
};

const SERVER_ERROR_STATUSES = [500, 502, 503];

/**
 * Draw at most one fault for a request. The rates are stacked shares of one draw, so e.g.
 * readErrorRate 0.2 with read429Rate 0.1 faults 30% of reads.
 * @param {RouteKind} kind
 * @param {SimulatorOptions} options
 * @param {() => number} random
 * @returns {FaultAction | null}
 */
function pickRandomFault(kind, options, random) {
	const candidates = RANDOM_FAULTS[kind].filter(([knob]) => Number(fault(options, knob)) > 0);
	if (candidates.length === 0) return null;
	const draw = random();
	let upTo = 0;
	for (const [knob, type] of candidates) {
		upTo += Number(fault(options, knob));
		if (draw < upTo) return randomAction(knob, type, kind, options, random);
	}
	return null;
}

/**
 * @param {string} knob
 * @param {FaultAction['type'] | 'serverError' | 'tooMany'} type
 * @param {RouteKind} kind
 * @param {SimulatorOptions} options
 * @param {() => number} random
 * @returns {FaultAction}
 */
function randomAction(knob, type, kind, options, random) {
	const name = knob.replace(/Rate$/, '');
	// A 429 is a refusal, and a 200 with bad JSON is a success: neither depends on the knob.
	const createsJob = kind === 'submit' && (type === 'truncated' || (type !== 'tooMany' && fault(options, 'submitFaultCreatesJob') === true));
	if (type === 'serverError') {
		const status = SERVER_ERROR_STATUSES[Math.floor(random() * SERVER_ERROR_STATUSES.length)];
		return { type: 'reply', name, createsJob, status };
	}
	if (type === 'tooMany') return { type: 'reply', name, createsJob: false, status: 429 };
	return { type, name, createsJob };
}

/**
 * @param {ScriptedRule} rule
 * @returns {FaultAction}
 */
function ruleAction(rule) {
	const base = { name: 'scripted', createsJob: rule.createJob === true, delayMs: rule.delayMs, headers: rule.headers };
	if (rule.redirectTo) return { ...base, type: 'redirect', status: rule.status ?? 302, location: rule.redirectTo };
	if (rule.stall) return { ...base, type: 'stall', stall: rule.stall };
	if (rule.expiredPage) return { ...base, type: 'expiredPage' };
	if (rule.pass) return { ...base, type: 'pass' };
	if (rule.drop) return { ...base, type: 'drop' };
	if (rule.html) return { ...base, type: 'html', status: rule.status ?? 502 };
	if (rule.truncated) return { ...base, type: 'truncated' };
	return { ...base, type: 'reply', status: rule.status ?? 500, body: rule.body };
}

/** One-shot scripted responses, matched in the order they were queued. */
class RuleQueue {
	constructor() {
		/** @type {(ScriptedRule & { left: number })[]} */
		this.rules = [];
	}

	/** @param {ScriptedRule} rule */
	add(rule) {
		if (!rule || typeof rule.path !== 'string' || !rule.path.startsWith('/')) {
			throw new TypeError('a rule needs a path starting with "/"');
		}
		const times = rule.times ?? 1;
		if (times !== -1 && !(Number.isInteger(times) && times > 0)) throw new TypeError('rule.times must be a positive integer or -1');
		if (rule.stall !== undefined && rule.stall !== 'answer' && rule.stall !== 'body') throw new TypeError('rule.stall must be "answer" or "body"');
		if (rule.redirectTo !== undefined && !/^https?:\/\//.test(String(rule.redirectTo))) throw new TypeError('rule.redirectTo must be an http(s) URL');
		this.rules.push({ ...rule, left: times });
		return this.rules.length;
	}

	/**
	 * Take the first rule that matches, using up one of its times.
	 * @param {string} method
	 * @param {string} path
	 * @returns {FaultAction | null}
	 */
	take(method, path) {
		const index = this.rules.findIndex((rule) => (!rule.method || rule.method.toUpperCase() === method) && path.startsWith(rule.path));
		if (index < 0) return null;
		const rule = this.rules[index];
		if (rule.left !== -1 && --rule.left === 0) this.rules.splice(index, 1);
		return ruleAction(rule);
	}

	clear() {
		this.rules = [];
	}

	get size() {
		return this.rules.length;
	}
}

/**
 * Latency to add to an API answer: a number, or a [min, max] range drawn from the PRNG.
 * @param {SimulatorOptions} options
 * @param {() => number} random
 */
function latencyFor(options, random) {
	const latency = fault(options, 'latencyMs');
	if (Array.isArray(latency)) {
		const [min, max] = latency;
		return min + random() * Math.max(0, max - min);
	}
	return Number(latency) || 0;
}

/**
 * The page a reverse proxy shows when the app behind it is down.
 * @param {number} status
 */
function htmlErrorPage(status) {
	return `<!DOCTYPE html>\n<html>\n<head><title>${status} Bad Gateway</title></head>\n<body>\n<center><h1>${status} Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n`;
}

/**
 * The page a CDN serves with 200 for a signed link that has expired (Cloudflare/S3-fronted CDNs do this,
 * which is why a download must check the content type, not only the status).
 */
function expiredLinkPage() {
	return '<!DOCTYPE html>\n<html>\n<head><title>Link expired</title></head>\n<body><h1>This link has expired</h1><p>Request a new link.</p></body>\n</html>\n';
}

/**
 * Where a redirect rule sends a request: the rule's origin (or base) plus the request's path and query.
 * @param {string} location
 * @param {string} requestUrl
 */
function redirectLocation(location, requestUrl) {
	return `${location.replace(/\/+$/, '')}${requestUrl}`;
}

module.exports = { pickRandomFault, RuleQueue, latencyFor, htmlErrorPage, expiredLinkPage, redirectLocation, ruleAction };
