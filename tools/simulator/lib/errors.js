// @ts-check
'use strict';

/**
 * The two error body shapes the real API uses (see the contract, "Errors"), and an Error
 * class that handlers throw to answer with one of them.
 */

const STATUS_TEXT = /** @type {Record<number, string>} */ ({
	400: 'bad request',
	401: 'Failed to verify api key',
	402: 'insufficient credits',
	403: 'forbidden',
	404: 'not found',
	405: 'method not allowed',
	413: 'payload too large',
	429: 'too many requests',
	500: 'internal server error',
	502: 'bad gateway',
	503: 'service unavailable',
});

/** @param {number} status */
function defaultMessage(status) {
	return STATUS_TEXT[status] || `error ${status}`;
}

/**
 * `{code, message, raw_message, detail}` - used for auth and validation errors.
 * @param {number} code
 * @param {string} message
 */
function flatErrorBody(code, message) {
	return { code, message, raw_message: '', detail: null };
}

/**
 * Job-shaped error: `{job_id: "", status: "failed", output: null, error: {...}}`.
 * @param {number} code
 * @param {string} message
 */
function jobErrorBody(code, message) {
	return { job_id: '', status: 'failed', output: null, error: { code, message, raw_message: '', detail: null } };
}

/** Statuses that the real API answers job-shaped in 'mixed' mode. */
const JOB_SHAPED_IN_MIXED = new Set([402, 403, 429]);

/**
 * @param {'flat' | 'job' | 'mixed'} shape
 * @param {number} status
 * @param {string} [message]
 */
function errorBody(shape, status, message = defaultMessage(status)) {
	const jobShaped = shape === 'job' || (shape === 'mixed' && JOB_SHAPED_IN_MIXED.has(status));
	return jobShaped ? jobErrorBody(status, message) : flatErrorBody(status, message);
}

class ApiError extends Error {
	/**
	 * @param {number} status
	 * @param {string} message
	 * @param {Record<string, string>} [headers]
	 */
	constructor(status, message, headers = {}) {
		super(message);
		this.status = status;
		this.headers = headers;
	}
}

module.exports = { ApiError, errorBody, flatErrorBody, jobErrorBody, defaultMessage };
