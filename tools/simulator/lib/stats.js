// @ts-check
'use strict';

/** Counters behind sim.stats(). */

function createCounters() {
	return {
		/** @type {Record<string, number>} "METHOD /route" -> requests, faulted ones included */
		requests: {},
		/** @type {Record<string, number>} fault name -> count, plus total */
		faulted: { total: 0 },
		/** @type {Record<string, number>} "METHOD /route" -> faulted requests */
		faultedRequests: {},
		submitAttempts: 0,
		submits: 0,
		jobsCreated: 0,
		jobsCompleted: 0,
		jobsFailed: 0,
		maxJobsInFlight: 0,
		callbacksSent: 0,
		callbacksFailed: 0,
		callbacksLost: 0,
		callbacksDuplicated: 0,
		cdnRequestsWithApiKey: 0,
		cdnBytesSent: 0,
		creditsSpent: 0,
		/** @type {Record<string, number>} */
		readsByJob: {},
		readsWhileRunning: 0,
		/** @type {string[]} last few callback delivery errors, for debugging */
		callbackErrors: [],
	};
}

/** @typedef {ReturnType<typeof createCounters>} Counters */

/**
 * @param {Record<string, number>} map
 * @param {string} key
 * @param {number} [by]
 */
function bump(map, key, by = 1) {
	map[key] = (map[key] || 0) + by;
}

module.exports = { createCounters, bump };
