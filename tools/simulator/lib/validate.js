// @ts-check
'use strict';

const { ApiError } = require('./errors');

/** Maximum prompt length of the real API. */
const MAX_PROMPT = 8192;

/** @param {string} field @param {string} rule */
function invalid(field, rule) {
	return new ApiError(400, `invalid parameter "${field}": ${rule}`);
}

/** @param {unknown} value */
function isHttpUrl(value) {
	if (typeof value !== 'string') return false;
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

/**
 * Reads fields of a submit body one by one, throwing a 400 that names the field on the first
 * bad one, and collects what it read into `input` (echoed in the job object).
 */
class BodyReader {
	/**
	 * @param {Record<string, unknown>} body
	 * @param {{ rejectEmptyStrings: boolean }} rules
	 */
	constructor(body, rules) {
		this.body = body;
		this.rules = rules;
		/** @type {Record<string, unknown>} */
		this.input = {};
	}

	/**
	 * Whether the client sent the field. null counts as absent; "" counts as absent only when
	 * empty strings are not rejected (whether the real API accepts "" is unverified).
	 * @param {string} name
	 */
	has(name) {
		const value = this.body[name];
		if (value === undefined || value === null) return false;
		if (value === '' && !this.rules.rejectEmptyStrings) return false;
		return true;
	}

	/** @param {string} name @param {boolean} required */
	present(name, required) {
		if (this.has(name)) return true;
		if (required) throw invalid(name, 'is required');
		return false;
	}

	/**
	 * @param {string} name
	 * @param {{ required?: boolean, min?: number, max?: number }} [opts]
	 * @returns {string | undefined}
	 */
	string(name, { required = false, min = 1, max = MAX_PROMPT } = {}) {
		if (!this.present(name, required)) return undefined;
		const value = this.body[name];
		if (typeof value !== 'string') throw invalid(name, 'must be a string');
		if (value.length < min || value.length > max) throw invalid(name, `length must be between ${min} and ${max}`);
		this.input[name] = value;
		return value;
	}

	/**
	 * @param {string} name
	 * @param {{ required?: boolean, min: number, max: number }} opts
	 * @returns {number | undefined}
	 */
	int(name, { required = false, min, max }) {
		if (!this.present(name, required)) return undefined;
		const value = this.body[name];
		if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(name, 'must be an integer');
		if (value < min || value > max) throw invalid(name, `must be between ${min} and ${max}`);
		this.input[name] = value;
		return value;
	}

	/**
	 * @param {string} name
	 * @param {{ required?: boolean, min: number, max: number }} opts
	 * @returns {number | undefined}
	 */
	number(name, { required = false, min, max }) {
		if (!this.present(name, required)) return undefined;
		const value = this.body[name];
		if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(name, 'must be a number');
		if (value < min || value > max) throw invalid(name, `must be between ${min} and ${max}`);
		this.input[name] = value;
		return value;
	}

	/**
	 * @param {string} name
	 * @param {{ required?: boolean }} [opts]
	 * @returns {string | undefined}
	 */
	url(name, { required = false } = {}) {
		if (!this.present(name, required)) return undefined;
		const value = this.body[name];
		if (!isHttpUrl(value)) throw invalid(name, 'must be an http(s) URL');
		this.input[name] = value;
		return /** @type {string} */ (value);
	}

	/**
	 * @param {string} name
	 * @param {{ min: number, max: number }} opts
	 * @returns {string[]}
	 */
	urlList(name, { min, max }) {
		this.present(name, true);
		const value = this.body[name];
		if (!Array.isArray(value)) throw invalid(name, 'must be an array of URLs');
		if (value.length < min || value.length > max) throw invalid(name, `must hold between ${min} and ${max} URLs`);
		value.forEach((item, i) => {
			if (!isHttpUrl(item)) throw invalid(`${name}[${i}]`, 'must be an http(s) URL');
		});
		this.input[name] = value;
		return value;
	}

	/**
	 * @template T
	 * @param {string} name
	 * @param {readonly T[]} allowed
	 * @returns {T | undefined}
	 */
	oneOf(name, allowed) {
		if (!this.present(name, false)) return undefined;
		const value = /** @type {T} */ (this.body[name]);
		if (!allowed.includes(value)) throw invalid(name, `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`);
		this.input[name] = value;
		return value;
	}

	/**
	 * A job id: any non-empty string is accepted here (an unknown one is a 404 later).
	 * @param {string} name
	 * @returns {string}
	 */
	jobId(name) {
		return /** @type {string} */ (this.string(name, { required: true, max: 100 }));
	}
}

/** Words that make the simulator refuse a prompt with 403, so tests can provoke it. */
const REFUSED_WORD = 'forbidden-content';

/**
 * @param {Record<string, unknown>} input
 * @returns {boolean}
 */
function containsRefusedContent(input) {
	return ['prompt', 'text', 'remixPrompt'].some(
		(field) => typeof input[field] === 'string' && /** @type {string} */ (input[field]).toLowerCase().includes(REFUSED_WORD),
	);
}

module.exports = { BodyReader, isHttpUrl, containsRefusedContent, REFUSED_WORD, MAX_PROMPT };
