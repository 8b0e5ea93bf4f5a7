'use strict';
// The simulator's HTTP control API (/__sim/...), for test files that run in another process than
// the simulator (node --test runs each file in its own process; the simulator lives in the
// global setup). Same method names as the in-process handle from createSimulator().

async function call(baseUrl, method, path, body) {
	const response = await fetch(`${baseUrl}${path}`, {
		method,
		headers: body === undefined ? {} : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const json = await response.json().catch(() => ({}));
	if (!response.ok)
		throw new Error(`simulator ${method} ${path} -> ${response.status}: ${json.error || ''}`);
	return json;
}

function createSimClient(url) {
	return {
		url,
		/** Counters of requests, jobs, callbacks, downloads... */
		stats: () => call(url, 'GET', '/__sim/stats'),
		/** Forgets jobs, stats and queued fault rules. */
		reset: () => call(url, 'POST', '/__sim/reset', {}),
		/** The options in force. */
		config: () => call(url, 'GET', '/__sim/config'),
		/** Merges options, e.g. { jobMs: 500, faults: { readErrorRate: 0.2 } }; returns the options in force. */
		configure: (partial) => call(url, 'POST', '/__sim/config', partial),
		/** Queues scripted fault rules (one or an array). */
		enqueue: (rules) => call(url, 'POST', '/__sim/enqueue', rules),
		/** Every job the simulator knows. */
		jobs: () => call(url, 'GET', '/__sim/jobs'),
		completeJob: (id) => call(url, 'POST', `/__sim/jobs/${encodeURIComponent(id)}/complete`, {}),
		failJob: (id, message, code) =>
			call(url, 'POST', `/__sim/jobs/${encodeURIComponent(id)}/fail`, { message, code }),
	};
}

module.exports = { createSimClient };
