// @ts-check
'use strict';

/** Small helpers around node:http request/response objects. */

/**
 * A response the router can still change (fault injection) before it is written.
 * @typedef {object} Reply
 * @property {number} status
 * @property {unknown} body                       JSON-serialisable body
 * @property {Record<string, string>} [headers]
 */

/**
 * Read a request body, keeping at most `limit` bytes. The rest is drained (not kept) so the
 * connection stays usable for the 413 answer.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limit
 * @returns {Promise<{ buffer: Buffer, tooLarge: boolean }>}
 */
function readBody(req, limit) {
	return new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const chunks = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size > limit) tooLarge = true;
			else chunks.push(chunk);
		});
		req.on('end', () => resolve({ buffer: Buffer.concat(chunks), tooLarge }));
		req.on('error', reject);
	});
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string | Buffer} payload
 * @param {Record<string, string | number>} headers
 */
function sendRaw(res, status, payload, headers) {
	if (res.headersSent || res.destroyed) return;
	res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(payload) });
	res.end(payload);
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function sendJson(res, status, body, headers = {}) {
	sendRaw(res, status, JSON.stringify(body), { 'Content-Type': 'application/json; charset=utf-8', ...headers });
}

/**
 * Close the connection without any response (what a crashed proxy looks like to a client).
 * @param {import('node:http').ServerResponse} res
 */
function dropConnection(res) {
	res.socket?.destroy();
}

/**
 * @param {string} text
 * @returns {{ ok: true, value: unknown } | { ok: false }}
 */
function parseJson(text) {
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch {
		return { ok: false };
	}
}

module.exports = { readBody, sendRaw, sendJson, dropConnection, parseJson };
