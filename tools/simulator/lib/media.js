// @ts-check
'use strict';

/**
 * Media files behind the /cdn/ URLs of finished jobs.
 *
 * MP4: assets/base.mp4 is a real 1 s 64x64 H.264 clip (moov before mdat). To reach the
 * configured size it gets one trailing `free` box, which players skip. The padding is streamed
 * from one cached zero chunk, so a 64 MB "video" costs no 64 MB buffer.
 *
 * PNG: small real PNGs built here with zlib, one colour per image index.
 */

const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const BASE_MP4 = fs.readFileSync(path.join(__dirname, '..', 'assets', 'base.mp4'));
const PAD_CHUNK = Buffer.alloc(64 * 1024);
const MAX_BOX32 = 0xffffffff;

/**
 * Size actually served for a requested size: the base clip plus at least an empty `free` box.
 * @param {number} requested
 */
function mp4Size(requested) {
	return Math.max(Math.floor(requested), BASE_MP4.length + 8);
}

/**
 * Header of the `free` box that takes up `boxSize` bytes (header included).
 * Boxes over 4 GiB need the 64-bit "largesize" form.
 * @param {number} boxSize
 */
function freeBoxHeader(boxSize) {
	if (boxSize <= MAX_BOX32) {
		const header = Buffer.alloc(8);
		header.writeUInt32BE(boxSize, 0);
		header.write('free', 4, 'latin1');
		return header;
	}
	const header = Buffer.alloc(16);
	header.writeUInt32BE(1, 0);
	header.write('free', 4, 'latin1');
	header.writeBigUInt64BE(BigInt(boxSize), 8);
	return header;
}

/**
 * Write `buffer` honouring back-pressure. Resolves false when the client went away.
 * @param {import('node:http').ServerResponse} res
 * @param {Buffer} buffer
 */
async function write(res, buffer) {
	if (res.destroyed) return false;
	if (!res.write(buffer)) await drainOrClose(res);
	return !res.destroyed;
}

/**
 * Resolves on 'drain' or 'close', removing both listeners (events.once() would leave one
 * behind per chunk and trip the MaxListeners warning on big files).
 * @param {import('node:http').ServerResponse} res
 */
function drainOrClose(res) {
	return new Promise((resolve) => {
		const done = () => {
			res.off('drain', done);
			res.off('close', done);
			resolve(undefined);
		};
		res.on('drain', done);
		res.on('close', done);
	});
}

/**
 * Stream the MP4 body of `totalBytes` bytes. With `cutAfter`, the socket is destroyed once
 * that many bytes went out (a CDN that drops a download half way).
 * @param {import('node:http').ServerResponse} res
 * @param {number} totalBytes   a value from mp4Size()
 * @param {number} [cutAfter]
 * @returns {Promise<number>} bytes written
 */
async function streamMp4(res, totalBytes, cutAfter = Infinity) {
	const boxSize = totalBytes - BASE_MP4.length;
	const header = freeBoxHeader(boxSize);
	let written = 0;
	/** @param {Buffer} chunk */
	const send = async (chunk) => {
		const room = cutAfter - written;
		const part = room < chunk.length ? chunk.subarray(0, Math.max(0, room)) : chunk;
		const ok = await write(res, part);
		written += part.length;
		return ok && written < cutAfter;
	};
	if (!(await send(BASE_MP4)) || !(await send(header))) return finish(res, written, cutAfter);
	let padLeft = boxSize - header.length;
	while (padLeft > 0) {
		const chunk = padLeft >= PAD_CHUNK.length ? PAD_CHUNK : PAD_CHUNK.subarray(0, padLeft);
		if (!(await send(chunk))) return finish(res, written, cutAfter);
		padLeft -= chunk.length;
	}
	res.end();
	return written;
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} written
 * @param {number} cutAfter
 */
function finish(res, written, cutAfter) {
	if (written >= cutAfter) cutConnection(res);
	return written;
}

/**
 * Close the connection after what was written so far has gone out (destroy() would throw
 * buffered bytes away, and a small file would look like a dropped request, not a cut one).
 * @param {import('node:http').ServerResponse} res
 */
function cutConnection(res) {
	res.socket?.end();
}

// ---- PNG ----

/** @type {Int32Array | undefined} */
let crcTable;

/**
 * CRC-32 as PNG chunks need it (zlib.crc32 is missing on older Node 20 releases).
 * @param {Buffer} buffer
 */
function crc32(buffer) {
	if (!crcTable) {
		crcTable = new Int32Array(256);
		for (let n = 0; n < 256; n++) {
			let c = n;
			for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
			crcTable[n] = c;
		}
	}
	let crc = -1;
	for (const byte of buffer) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
	return (crc ^ -1) >>> 0;
}

/**
 * @param {string} type
 * @param {Buffer} data
 */
function pngChunk(type, data) {
	const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length, 0);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(typed), 0);
	return Buffer.concat([length, typed, crc]);
}

/**
 * An RGB PNG whose pixel colour comes from `colorAt(x, y)`.
 * @param {number} width
 * @param {number} height
 * @param {(x: number, y: number) => [number, number, number]} colorAt
 */
function makePng(width, height, colorAt) {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = 2; // colour type RGB
	const rows = Buffer.alloc(height * (1 + width * 3));
	for (let y = 0; y < height; y++) {
		const rowStart = y * (1 + width * 3); // first byte of each row: filter type 0
		for (let x = 0; x < width; x++) rows.set(colorAt(x, y), rowStart + 1 + x * 3);
	}
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', header),
		pngChunk('IDAT', zlib.deflateSync(rows)),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

/** @type {[number, number, number][]} */
const COLORS = [
	[220, 60, 60],
	[60, 180, 90],
	[60, 110, 220],
	[230, 190, 50],
];

/** @type {Map<string, Buffer>} */
const pngCache = new Map();

/**
 * "grid" (a 2x2 of the four colours) or "0".."3" (one colour with a soft gradient).
 * @param {string} name
 */
function pngFor(name) {
	let png = pngCache.get(name);
	if (!png) {
		png =
			name === 'grid'
				? makePng(128, 128, (x, y) => COLORS[(y < 64 ? 0 : 2) + (x < 64 ? 0 : 1)])
				: makePng(64, 64, (x, y) => shade(COLORS[Number(name) % 4], (x + y) / 126));
		pngCache.set(name, png);
	}
	return png;
}

/**
 * @param {[number, number, number]} rgb
 * @param {number} amount 0..1
 * @returns {[number, number, number]}
 */
function shade(rgb, amount) {
	const f = 0.6 + 0.4 * amount;
	return [Math.round(rgb[0] * f), Math.round(rgb[1] * f), Math.round(rgb[2] * f)];
}

module.exports = { BASE_MP4, mp4Size, freeBoxHeader, streamMp4, cutConnection, makePng, pngFor, crc32 };
