'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { spawnSync } = require('node:child_process');
const { BASE_MP4, mp4Size, freeBoxHeader, crc32 } = require('../../tools/simulator/lib/media');
const { start, finishedJob } = require('./test-helpers');

/**
 * Top-level MP4 boxes as [type, size]; throws if the sizes do not add up to the file.
 * @param {Buffer} mp4
 */
function topLevelBoxes(mp4) {
	/** @type {[string, number][]} */
	const boxes = [];
	let offset = 0;
	while (offset < mp4.length) {
		let size = mp4.readUInt32BE(offset);
		const type = mp4.toString('latin1', offset + 4, offset + 8);
		if (size === 1) size = Number(mp4.readBigUInt64BE(offset + 8));
		if (size < 8) throw new Error(`bad box size ${size} at ${offset}`);
		boxes.push([type, size]);
		offset += size;
	}
	if (offset !== mp4.length) throw new Error('boxes overrun the file');
	return boxes;
}

/**
 * PNG chunks with their CRCs checked.
 * @param {Buffer} png
 */
function pngChunks(png) {
	expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
	/** @type {{ type: string, data: Buffer }[]} */
	const chunks = [];
	for (let offset = 8; offset < png.length; ) {
		const length = png.readUInt32BE(offset);
		const typed = png.subarray(offset + 4, offset + 8 + length);
		expect(png.readUInt32BE(offset + 8 + length)).toBe(crc32(typed));
		chunks.push({ type: typed.toString('latin1', 0, 4), data: typed.subarray(4) });
		offset += 12 + length;
	}
	return chunks;
}

describe('media', () => {
	/** @type {Awaited<ReturnType<typeof start>>} */
	let ctx;
	afterEach(async () => {
		await ctx?.sim.close();
	});

	/** @param {Record<string, any>} [options] */
	const videoUrls = async (options = {}) => {
		ctx = await start({ jobMs: 60000, ...options });
		const video = await finishedJob(ctx, '/api/v1/video-diffusion', { prompt: 'https://example.com/a.png' });
		return /** @type {string[]} */ (video.output.video_urls);
	};

	test('the base clip is a small real MP4 (ftyp, moov before mdat)', () => {
		expect(BASE_MP4.length).toBeLessThan(10000);
		const types = topLevelBoxes(BASE_MP4).map(([type]) => type);
		expect(types[0]).toBe('ftyp');
		expect(types.indexOf('moov')).toBeLessThan(types.indexOf('mdat'));
	});

	test.each([262144, 100003, mp4Size(0), 3 * 1024 * 1024 + 1])('MP4 of exactly %i bytes, ftyp first, moov inside, free box last', async (videoBytes) => {
		const [url] = await videoUrls({ videoBytes });
		const res = await fetch(url);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('video/mp4');
		expect(res.headers.get('content-length')).toBe(String(videoBytes));
		const mp4 = Buffer.from(await res.arrayBuffer());
		expect(mp4.length).toBe(videoBytes);
		const boxes = topLevelBoxes(mp4);
		expect(boxes[0][0]).toBe('ftyp');
		expect(boxes.map(([type]) => type)).toContain('moov');
		expect(boxes[boxes.length - 1]).toEqual(['free', videoBytes - BASE_MP4.length]);
		expect(mp4.subarray(0, BASE_MP4.length).equals(BASE_MP4)).toBe(true);
		expect(ctx.sim.stats()).toMatchObject({ requests: { 'GET /cdn': 1 }, cdnBytesSent: videoBytes });
	});

	test('a size below the clip is raised to the smallest valid file', () => {
		expect(mp4Size(10)).toBe(BASE_MP4.length + 8);
	});

	test('boxes over 4 GiB use the 64-bit size form', () => {
		const header = freeBoxHeader(5 * 1024 ** 3);
		expect(header.readUInt32BE(0)).toBe(1);
		expect(header.toString('latin1', 4, 8)).toBe('free');
		expect(Number(header.readBigUInt64BE(8))).toBe(5 * 1024 ** 3);
	});

	const ffprobe = spawnSync('ffprobe', ['-version']).status === 0;
	(ffprobe ? test : test.skip)('ffprobe reads the padded MP4 as a 1 s H.264 video', async () => {
		const [url] = await videoUrls({ videoBytes: 200000 });
		const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sim-')), 'v.mp4');
		fs.writeFileSync(file, Buffer.from(await (await fetch(url)).arrayBuffer()));
		const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name:format=duration', '-of', 'json', file], { encoding: 'utf8' });
		expect(probe.status).toBe(0);
		const info = JSON.parse(probe.stdout);
		expect(info.streams[0].codec_name).toBe('h264');
		expect(Number(info.format.duration)).toBeCloseTo(1, 1);
	});

	test('HEAD gives the headers only; every URL of the job is served', async () => {
		const urls = await videoUrls({ videoBytes: 50000 });
		for (const url of urls) {
			const res = await fetch(url, { method: 'HEAD' });
			expect(res.status).toBe(200);
			expect(res.headers.get('content-length')).toBe('50000');
		}
	});

	test('a 16 MB video streams fine', async () => {
		const [url] = await videoUrls({ videoBytes: 16 * 1024 * 1024 });
		const res = await fetch(url);
		expect((await res.arrayBuffer()).byteLength).toBe(16 * 1024 * 1024);
	});

	test('cdnRequestsWithApiKey counts media requests that carried the key', async () => {
		const [url] = await videoUrls({ videoBytes: 5000 });
		await (await fetch(url)).arrayBuffer();
		await (await fetch(url, { headers: { 'x-api-key': 'sim-key' } })).arrayBuffer();
		expect(ctx.sim.stats()).toMatchObject({ cdnRequestsWithApiKey: 1, requests: { 'GET /cdn': 2 } });
	});

	test('unknown job, running job, wrong index or extension: 404', async () => {
		const [url] = await videoUrls();
		const running = (await ctx.api.post('/api/v1/video-diffusion', { prompt: 'https://example.com/b.png' })).body.job_id;
		for (const bad of [url.replace(/\/cdn\/[^/]+/, '/cdn/nope'), `${ctx.sim.url}/cdn/${running}/0.mp4`, url.replace('0.mp4', '4.mp4'), url.replace('0.mp4', '0.png')]) {
			expect((await fetch(bad)).status).toBe(404);
		}
		expect((await fetch(url, { method: 'POST' })).status).toBe(405);
	});

	test('images: real PNGs for the grid and the four images', async () => {
		ctx = await start({ jobMs: 60000 });
		const image = await finishedJob(ctx, '/api/v1/diffusion', { text: 'a' });
		for (const url of [image.output.image_url, ...image.output.image_urls]) {
			const res = await fetch(url);
			expect(res.headers.get('content-type')).toBe('image/png');
			const png = Buffer.from(await res.arrayBuffer());
			expect(res.headers.get('content-length')).toBe(String(png.length));
			const chunks = pngChunks(png);
			expect(chunks.map((chunk) => chunk.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
			const width = chunks[0].data.readUInt32BE(0);
			const height = chunks[0].data.readUInt32BE(4);
			expect(zlib.inflateSync(chunks[1].data).length).toBe(height * (1 + width * 3));
		}
	});

	test('signed URLs carry Expires and Signature; missing, tampered or expired ones get 403', async () => {
		const [url] = await videoUrls({ signedUrls: true, videoBytes: 5000 });
		expect(url).toMatch(/\/0\.mp4\?Expires=\d+&Signature=[0-9a-f]+$/);
		expect((await fetch(url)).status).toBe(200);
		expect((await fetch(url.split('?')[0])).status).toBe(403);
		const tampered = url.replace(/Signature=(.)/, (_, first) => `Signature=${first === '0' ? '1' : '0'}`);
		expect((await fetch(tampered)).status).toBe(403);
		expect((await fetch(url.replace('/0.mp4', '/1.mp4'))).status).toBe(403);
		ctx.sim.configure({ signedUrlTtlSeconds: -10 });
		const job = ctx.sim.jobs()[0];
		const expired = job.output.video_urls[0];
		expect((await fetch(expired)).status).toBe(403);
	});

	test('cdnDropRate cuts downloads half way', async () => {
		const [url] = await videoUrls({ videoBytes: 200000, faults: { cdnDropRate: 1 } });
		const res = await fetch(url);
		expect(res.status).toBe(200);
		await expect(res.arrayBuffer()).rejects.toThrow();
		expect(ctx.sim.stats().faulted).toMatchObject({ cdnDrop: 1, total: 1 });
	});

	test('API faults do not touch /cdn/; scripted rules on /cdn/ do', async () => {
		const [url] = await videoUrls({ videoBytes: 5000 });
		ctx.sim.configure({ faults: { dropRate: 1, htmlErrorRate: 1, readErrorRate: 1 } });
		expect((await fetch(url)).status).toBe(200);
		ctx.sim.enqueue({ path: '/cdn/', status: 503 });
		expect((await fetch(url)).status).toBe(503);
		ctx.sim.enqueue({ path: '/cdn/', truncated: true });
		await expect((await fetch(url)).arrayBuffer()).rejects.toThrow();
	});
});
