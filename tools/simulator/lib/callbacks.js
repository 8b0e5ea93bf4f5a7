// @ts-check
'use strict';

/**
 * POSTs a finished job to its callback URL. Never throws: the outcome is returned so the
 * simulator can count it. Only loopback hosts are contacted unless allowExternalCallbacks is set,
 * because this simulator must never send traffic off the machine by accident.
 */

const http = require('node:http');
const https = require('node:https');
const { createHmac } = require('node:crypto');

const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]']);

/** @param {string} hostname */
function isLoopbackHost(hostname) {
	const host = hostname.toLowerCase();
	return LOOPBACK_NAMES.has(host) || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * @typedef {object} DeliveryOptions
 * @property {number} timeoutMs
 * @property {string} signingSecret          "" = unsigned
 * @property {boolean} allowExternal
 * @property {AbortSignal} [signal]          aborted when the simulator closes
 */

/**
 * @typedef {object} DeliveryResult
 * @property {boolean} ok                    true for a 2xx answer
 * @property {number} [status]
 * @property {string} [error]
 */

/**
 * Headers of the speculative signature scheme one SDK mentions:
 * hex HMAC-SHA256 of "<timestamp>." + body.
 * @param {string} secret
 * @param {string} body
 */
function signatureHeaders(secret, body) {
	const timestamp = String(Date.now());
	const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
	return { 'X-Legnext-Timestamp': timestamp, 'X-Legnext-Signature': signature };
}

/**
 * @param {string} target
 * @param {unknown} payload
 * @param {DeliveryOptions} options
 * @returns {Promise<DeliveryResult>}
 */
function deliverCallback(target, payload, options) {
	/** @type {URL} */
	let url;
	try {
		url = new URL(target);
	} catch {
		return Promise.resolve({ ok: false, error: 'invalid callback URL' });
	}
	if (!options.allowExternal && !isLoopbackHost(url.hostname)) {
		return Promise.resolve({ ok: false, error: `callback host ${url.hostname} is not loopback (allowExternalCallbacks is off)` });
	}
	const body = JSON.stringify(payload);
	const headers = {
		'Content-Type': 'application/json',
		'Content-Length': String(Buffer.byteLength(body)),
		'User-Agent': 'legnext-simulator',
		...(options.signingSecret ? signatureHeaders(options.signingSecret, body) : {}),
	};
	const client = url.protocol === 'https:' ? https : http;
	return new Promise((resolve) => {
		const req = client.request(url, { method: 'POST', headers, agent: false, timeout: options.timeoutMs, signal: options.signal }, (res) => {
			res.resume(); // the answer's body does not matter
			res.on('end', () => resolve({ ok: (res.statusCode || 0) >= 200 && (res.statusCode || 0) < 300, status: res.statusCode }));
			res.on('error', (error) => resolve({ ok: false, error: error.message }));
		});
		req.on('timeout', () => req.destroy(new Error(`callback timed out after ${options.timeoutMs} ms`)));
		req.on('error', (error) => resolve({ ok: false, error: error.message }));
		req.end(body);
	});
}

module.exports = { deliverCallback, isLoopbackHost, signatureHeaders };
