// @ts-check
'use strict';

/**
 * /cdn/<jobId>/<file>: the media of finished jobs. No API key is needed (like a real CDN);
 * a request that carries one anyway is counted, because sending the key to a CDN leaks it.
 */

const { fault } = require('./options');
const { bump } = require('./stats');
const { sendJson, sendRaw, dropConnection } = require('./http-util');
const { htmlErrorPage, expiredLinkPage, redirectLocation } = require('./faults');
const { errorBody } = require('./errors');
const { BASE_MP4, mp4Size, streamMp4, cutConnection, pngFor } = require('./media');

/** @typedef {import('./simulator').Simulator} Simulator */
/** @typedef {import('./jobs').JobRecord} JobRecord */

const FILE_PATTERN = /^\/cdn\/([^/]+)\/(?:(\d)\.(mp4|png)|(grid)\.png)$/;

/**
 * @param {Simulator} sim
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} method
 * @param {URL} url
 */
async function serveCdn(sim, req, res, method, url) {
	if (req.headers['x-api-key'] !== undefined) sim.counters.cdnRequestsWithApiKey += 1;
	const cut = await cdnFault(sim, res, method, url.pathname, req.url || '/');
	if (cut === 'answered') return;

	const file = findFile(sim, url.pathname);
	if (!file) return sendText(res, 404, 'Not Found');
	const signatureProblem = sim.checkSignature(url.pathname, url.searchParams);
	if (signatureProblem) return sendText(res, 403, `Access denied: signature ${signatureProblem}`);

	const size = file.type === 'mp4' ? mp4Size(sim.options.videoBytes) : pngFor(file.name).length;
	res.writeHead(200, {
		'Content-Type': file.type === 'mp4' ? 'video/mp4' : 'image/png',
		'Content-Length': size,
		'Cache-Control': 'public, max-age=86400',
	});
	if (method === 'HEAD') return void res.end();
	if (cut === 'stall') {
		// Headers and a first chunk, then silence: the socket stays open until the client gives up.
		const head = file.type === 'mp4' ? BASE_MP4 : pngFor(file.name).subarray(0, Math.floor(size / 2));
		res.write(head);
		sim.counters.cdnBytesSent += head.length;
		return;
	}
	const cutAfter = cut === 'cut' ? Math.floor(size / 2) : Infinity;
	const sent = file.type === 'mp4' ? await streamMp4(res, size, cutAfter) : sendPng(res, pngFor(file.name), cutAfter);
	sim.counters.cdnBytesSent += sent;
}

/**
 * Scripted rule or cdnDropRate. Returns 'answered' when the fault already answered (or, stalling, never
 * will), 'cut' when the download must stop half way, 'stall' when it must stop after a first chunk
 * without closing, '' for a normal download.
 * @param {Simulator} sim
 * @param {import('node:http').ServerResponse} res
 * @param {string} method
 * @param {string} path
 * @param {string} requestUrl  path and query, for redirects
 * @returns {Promise<'answered' | 'cut' | 'stall' | ''>}
 */
async function cdnFault(sim, res, method, path, requestUrl) {
	const action = sim.rules.take(method, path);
	if (!action) {
		const rate = Number(fault(sim.options, 'cdnDropRate'));
		if (rate > 0 && sim.random() < rate) {
			countFault(sim, method, 'cdnDrop');
			return 'cut';
		}
		return '';
	}
	countFault(sim, method, action.name);
	if (action.delayMs) await sim.sleep(action.delayMs);
	if (action.type === 'truncated') return 'cut';
	if (action.type === 'pass') return '';
	if (action.type === 'stall') return action.stall === 'body' ? 'stall' : 'answered';
	if (action.type === 'redirect') sendRaw(res, action.status || 302, '', { Location: redirectLocation(action.location || '', requestUrl) });
	else if (action.type === 'expiredPage') sendRaw(res, 200, expiredLinkPage(), { 'Content-Type': 'text/html; charset=utf-8' });
	else if (action.type === 'drop') dropConnection(res);
	else if (action.type === 'html') sendRaw(res, action.status || 502, htmlErrorPage(action.status || 502), { 'Content-Type': 'text/html' });
	else sendJson(res, action.status || 500, action.body !== undefined ? action.body : errorBody('flat', action.status || 500), action.headers);
	return 'answered';
}

/**
 * @param {Simulator} sim
 * @param {string} method
 * @param {string} name
 */
function countFault(sim, method, name) {
	bump(sim.counters.faulted, 'total');
	bump(sim.counters.faulted, name);
	bump(sim.counters.faultedRequests, `${method} /cdn`);
}

/**
 * The file a /cdn/ path names, if its job finished and has it.
 * @param {Simulator} sim
 * @param {string} path
 * @returns {{ type: 'mp4' | 'png', name: string } | null}
 */
function findFile(sim, path) {
	const match = FILE_PATTERN.exec(path);
	if (!match) return null;
	const [, jobId, index, extension, grid] = match;
	const job = sim.findJob(jobId);
	if (!job || job.finalStatus !== 'completed') return null;
	if (grid) return job.kind === 'image' && job.taskType !== 'upscale' ? { type: 'png', name: 'grid' } : null;
	if (Number(index) >= job.urlCount) return null;
	if (extension === 'mp4' && job.kind === 'video') return { type: 'mp4', name: index };
	if (extension === 'png' && job.kind === 'image') return { type: 'png', name: index };
	return null;
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {Buffer} png
 * @param {number} cutAfter
 */
function sendPng(res, png, cutAfter) {
	if (cutAfter < png.length) {
		res.write(png.subarray(0, cutAfter));
		cutConnection(res);
		return cutAfter;
	}
	res.end(png);
	return png.length;
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} text
 */
function sendText(res, status, text) {
	sendRaw(res, status, text, { 'Content-Type': 'text/plain; charset=utf-8' });
}

module.exports = { serveCdn };
