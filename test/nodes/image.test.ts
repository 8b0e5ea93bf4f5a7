/**
 * The Image resource of the Legnext Video node in n8n-core's WorkflowExecute: exact request bodies,
 * output items, waiting, image and grid downloads, text results, pause mode, checks before any request,
 * and every operation against the simulator.
 */
import { randomBytes } from 'crypto';
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	everythingVisible,
	IMAGE_JOB_ID,
	jobBody,
	JOB_ID,
	runVideoNode,
	SENTINEL_KEY,
	useFastRetries,
	useSimulator,
	VIDEO_NODE,
	countRequests,
	expectSubmit as expectSubmitTo,
} from '../helpers/legnext';
import { resumeWorkflow } from '../helpers/workflow/resume';
import { creditsFor, type PricedOperation } from '../../nodes/legnext/credits';
import { parseJob, toJobItem } from '../../nodes/legnext/job';

const API = 'http://legnext.test';
const CDN = 'http://cdn.test';
const quickWait = { maxPollIntervalSeconds: 0.05, timeoutMinutes: 1 };

useFastRetries();
beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

/** An image job as Legnext returns it. */
function imageJob(overrides: IDataObject = {}): IDataObject {
	return jobBody({
		task_type: 'diffusion',
		output: { image_url: '', image_urls: null, seed: '' },
		meta: {
			created_at: '2025-11-05T08:22:37Z',
			started_at: '',
			ended_at: '',
			usage: { type: 'point', frozen: 80, consume: 0 },
		},
		...overrides,
	});
}

function completedImageJob(output: IDataObject, overrides: IDataObject = {}): IDataObject {
	return imageJob({
		status: 'completed',
		output: { seed: '987', ...output },
		meta: {
			created_at: '2025-11-05T08:22:37Z',
			started_at: '2025-11-05T08:22:40Z',
			ended_at: '2025-11-05T08:23:31Z',
			usage: { type: 'point', frozen: 0, consume: 80 },
		},
		...overrides,
	});
}

/** Expects exactly this JSON body on the test API (so empty optional fields must be absent). */
function expectSubmit(path: string, body: IDataObject, reply: IDataObject = imageJob()) {
	return expectSubmitTo(API, path, body, reply);
}

describe('request bodies and output, without waiting', () => {
	const cases: Array<[string, INodeParameters, string, IDataObject]> = [
		[
			'imagine with a callback',
			{
				operation: 'imagine',
				prompt: ' a lighthouse at dusk --ar 16:9 ',
				callbackUrl: 'https://hooks.test/legnext?token=abc',
			},
			'/api/v1/diffusion',
			{ text: 'a lighthouse at dusk --ar 16:9', callback: 'https://hooks.test/legnext?token=abc' },
		],
		[
			'imagine with an empty callback',
			{ operation: 'imagine', prompt: 'a red fox', callbackUrl: '' },
			'/api/v1/diffusion',
			{ text: 'a red fox' },
		],
		[
			'upscale, creative',
			{ operation: 'upscale', imageJobId: IMAGE_JOB_ID, imageNumber: 3, upscaleType: 1 },
			'/api/v1/upscale',
			{ jobId: IMAGE_JOB_ID, imageNo: 3, type: 1 },
		],
		[
			'upscale with defaults (upper-case job ID)',
			{ operation: 'upscale', imageJobId: IMAGE_JOB_ID.toUpperCase() },
			'/api/v1/upscale',
			{ jobId: IMAGE_JOB_ID, imageNo: 0, type: 0 },
		],
		[
			'variation, strong, with a remix prompt',
			{
				operation: 'variation',
				imageJobId: IMAGE_JOB_ID,
				imageNumber: 1,
				variationType: 1,
				remixPrompt: 'in winter',
			},
			'/api/v1/variation',
			{ jobId: IMAGE_JOB_ID, imageNo: 1, type: 1, remixPrompt: 'in winter' },
		],
		[
			'variation without a remix prompt',
			{ operation: 'variation', imageJobId: IMAGE_JOB_ID, imageNumber: 2, remixPrompt: '  ' },
			'/api/v1/variation',
			{ jobId: IMAGE_JOB_ID, imageNo: 2, type: 0 },
		],
		[
			'reroll',
			{ operation: 'reroll', imageJobId: IMAGE_JOB_ID, callbackUrl: 'http://hooks.test/r' },
			'/api/v1/reroll',
			{ jobId: IMAGE_JOB_ID, callback: 'http://hooks.test/r' },
		],
		[
			'pan left with a remix prompt',
			{
				operation: 'pan',
				imageJobId: IMAGE_JOB_ID,
				imageNumber: 0,
				direction: 3,
				scale: 2.25,
				remixPrompt: 'a harbour',
			},
			'/api/v1/pan',
			{ jobId: IMAGE_JOB_ID, imageNo: 0, direction: 3, scale: 2.25, remixPrompt: 'a harbour' },
		],
		[
			'pan with defaults',
			{ operation: 'pan', imageJobId: IMAGE_JOB_ID },
			'/api/v1/pan',
			{ jobId: IMAGE_JOB_ID, imageNo: 0, direction: 1, scale: 1.5 },
		],
		[
			'pan with the direction named by an expression',
			{ operation: 'pan', imageJobId: IMAGE_JOB_ID, direction: '={{ "Up" }}', scale: 3 },
			'/api/v1/pan',
			{ jobId: IMAGE_JOB_ID, imageNo: 0, direction: 2, scale: 3 },
		],
		[
			'outpaint',
			{ operation: 'outpaint', imageJobId: IMAGE_JOB_ID, imageNumber: 2, scale: 1.1 },
			'/api/v1/outpaint',
			{ jobId: IMAGE_JOB_ID, imageNo: 2, scale: 1.1 },
		],
		[
			'outpaint with a remix prompt',
			{ operation: 'outpaint', imageJobId: IMAGE_JOB_ID, scale: 2, remixPrompt: 'open sea' },
			'/api/v1/outpaint',
			{ jobId: IMAGE_JOB_ID, imageNo: 0, scale: 2, remixPrompt: 'open sea' },
		],
		[
			'blend three URLs, one per line',
			{
				operation: 'blend',
				imageUrls: 'https://img.test/a.png\nhttps://img.test/b.png\n\nhttps://img.test/c.png\n',
				aspectRatio: '3:2',
			},
			'/api/v1/blend',
			{
				imgUrls: ['https://img.test/a.png', 'https://img.test/b.png', 'https://img.test/c.png'],
				aspect_ratio: '3:2',
			},
		],
		[
			'blend with commas, keeping a comma inside a URL',
			{
				operation: 'blend',
				imageUrls:
					'https://res.img.test/w_300,h_200/a.jpg,https://img.test/b.png, https://img.test/c.png',
			},
			'/api/v1/blend',
			{
				imgUrls: [
					'https://res.img.test/w_300,h_200/a.jpg',
					'https://img.test/b.png',
					'https://img.test/c.png',
				],
				aspect_ratio: '1:1',
			},
		],
		[
			'blend from a list expression',
			{
				operation: 'blend',
				imageUrls: '={{ ["https://img.test/1.png", "https://img.test/2.png"] }}',
				aspectRatio: '2:3',
			},
			'/api/v1/blend',
			{ imgUrls: ['https://img.test/1.png', 'https://img.test/2.png'], aspect_ratio: '2:3' },
		],
		[
			'describe',
			{ operation: 'describe', imageUrl: 'https://img.test/cat.png' },
			'/api/v1/describe',
			{ imgUrl: 'https://img.test/cat.png' },
		],
		[
			'shorten',
			{
				operation: 'shorten',
				prompt: 'a very detailed and long prompt',
				callbackUrl: 'https://hooks.test/s',
			},
			'/api/v1/shorten',
			{ prompt: 'a very detailed and long prompt', callback: 'https://hooks.test/s' },
		],
	];

	for (const [name, parameters, path, body] of cases) {
		it(name, async () => {
			const reply = imageJob({ task_type: path.split('/').pop() });
			const submit = expectSubmit(path, body, reply);
			const result = await runVideoNode({
				parameters: { resource: 'image', ...parameters, waitForCompletion: false },
				baseUrl: API,
			});
			expect(result.status).toBe('success');
			submit.check();
			const [item] = result.outputOf(VIDEO_NODE);
			// The estimate comes from the credit table: the upscale type picks its price.
			const operation = `image:${String(parameters.operation)}` as PricedOperation;
			const estimate = creditsFor(operation, Number(parameters.upscaleType ?? 0))[0];
			expect(item.json).toEqual(toJobItem(parseJob(reply), { reference: null }, estimate));
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(item.binary).toBeUndefined();
		});
	}

	it('a 402 names the 80 credits an image job needs', async () => {
		nock(API)
			.post('/api/v1/diffusion')
			.reply(402, { code: 402, message: 'insufficient credits', raw_message: '', detail: null });
		const result = await runVideoNode({
			parameters: { resource: 'image', operation: 'imagine', prompt: 'a fox' },
			baseUrl: API,
		});
		expect(result.error?.message).toMatch(/Not enough Legnext credits/);
		expect(result.error?.description).toMatch(/This call needs about 80 credits\./);
	});
});

describe('waiting and downloading', () => {
	const images = [0, 1, 2, 3].map(() => randomBytes(32 * 1024));
	const grid = randomBytes(48 * 1024);
	const imageUrls = images.map((_, n) => `${CDN}/img/${JOB_ID}/${n}.png?Expires=1&Signature=x`);
	const gridUrl = `${CDN}/img/${JOB_ID}/grid.png?Expires=1&Signature=x`;
	const finished = completedImageJob({
		image_url: gridUrl,
		image_urls: imageUrls,
		available_actions: { upscale: [0, 1, 2, 3] },
	});

	/** Serves the chosen files once each; the CDN must never see the API key. */
	function serveImages(numbers: number[], withGrid: boolean) {
		const cdn = nock(CDN, { badheaders: ['x-api-key'] });
		for (const n of numbers) {
			cdn
				.get(`/img/${JOB_ID}/${n}.png`)
				.query(true)
				.reply(200, images[n], { 'content-type': 'image/png' });
		}
		if (withGrid) {
			cdn
				.get(`/img/${JOB_ID}/grid.png`)
				.query(true)
				.reply(200, grid, { 'content-type': 'image/png' });
		}
		return cdn;
	}

	function pollToCompletion() {
		return nock(API)
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(200, imageJob({ status: 'staged' }))
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(200, imageJob({ status: 'processing' }))
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(200, finished);
	}

	const imagine = { resource: 'image', operation: 'imagine', prompt: 'a lighthouse' };

	it('imagine waits and downloads the four images by default (data_0..data_3)', async () => {
		const submit = expectSubmit('/api/v1/diffusion', { text: 'a lighthouse' });
		const api = pollToCompletion();
		const cdn = serveImages([0, 1, 2, 3], false);
		const result = await runVideoNode({
			parameters: { ...imagine, options: quickWait },
			baseUrl: API,
		});
		expect(result.status).toBe('success');
		submit.check();
		api.done();
		cdn.done();
		const [item] = result.outputOf(VIDEO_NODE);
		expect(item.json).toMatchObject({
			jobId: JOB_ID,
			status: 'completed',
			taskType: 'diffusion',
			imageUrl: gridUrl,
			imageUrls,
			seed: '987',
			creditsUsed: 80,
			waitMode: 'poll',
		});
		expect(Object.keys(item.binary ?? {})).toEqual(['data_0', 'data_1', 'data_2', 'data_3']);
		for (const n of [0, 1, 2, 3]) {
			expect(item.binary?.[`data_${n}`]).toMatchObject({
				fileName: `${JOB_ID}_${n}.png`,
				mimeType: 'image/png',
			});
			expect((await result.binaryBuffer(item, `data_${n}`)).equals(images[n])).toBe(true);
		}
		expect(everythingVisible(item)).not.toContain(SENTINEL_KEY);
	});

	it('imagine with "Grid" downloads only the grid, into the named field', async () => {
		expectSubmit('/api/v1/diffusion', { text: 'a lighthouse' });
		pollToCompletion();
		const cdn = serveImages([], true);
		const result = await runVideoNode({
			parameters: {
				...imagine,
				download: 'grid',
				binaryPropertyName: 'preview',
				options: quickWait,
			},
			baseUrl: API,
		});
		expect(result.status).toBe('success');
		cdn.done();
		const [item] = result.outputOf(VIDEO_NODE);
		expect(Object.keys(item.binary ?? {})).toEqual(['preview']);
		expect(item.binary?.preview).toMatchObject({
			fileName: `${JOB_ID}_grid.png`,
			mimeType: 'image/png',
		});
		expect((await result.binaryBuffer(item, 'preview')).equals(grid)).toBe(true);
	});

	it('imagine with "All Images and Grid" downloads all five files, bytes equal', async () => {
		expectSubmit('/api/v1/diffusion', { text: 'a lighthouse' });
		pollToCompletion();
		const cdn = serveImages([0, 1, 2, 3], true);
		const result = await runVideoNode({
			parameters: { ...imagine, download: 'allAndGrid', options: quickWait },
			baseUrl: API,
		});
		expect(result.status).toBe('success');
		cdn.done();
		const [item] = result.outputOf(VIDEO_NODE);
		expect(Object.keys(item.binary ?? {})).toEqual([
			'data_0',
			'data_1',
			'data_2',
			'data_3',
			'data_grid',
		]);
		for (const n of [0, 1, 2, 3]) {
			expect((await result.binaryBuffer(item, `data_${n}`)).equals(images[n])).toBe(true);
		}
		expect((await result.binaryBuffer(item, 'data_grid')).equals(grid)).toBe(true);
		expect(item.binary?.data_grid.fileName).toBe(`${JOB_ID}_grid.png`);
	});

	it('imagine with "One Image" downloads the chosen image only', async () => {
		expectSubmit('/api/v1/diffusion', { text: 'a lighthouse' });
		pollToCompletion();
		const cdn = serveImages([2], false);
		const result = await runVideoNode({
			parameters: { ...imagine, download: 'one', downloadNumber: 2, options: quickWait },
			baseUrl: API,
		});
		expect(result.status).toBe('success');
		cdn.done();
		const [item] = result.outputOf(VIDEO_NODE);
		expect(Object.keys(item.binary ?? {})).toEqual(['data']);
		expect(item.binary?.data.fileName).toBe(`${JOB_ID}_2.png`);
		expect((await result.binaryBuffer(item, 'data')).equals(images[2])).toBe(true);
	});

	it('"Grid" on a job without a grid fails clearly after the job finished', async () => {
		expectSubmit('/api/v1/diffusion', { text: 'a lighthouse' });
		nock(API)
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(200, completedImageJob({ image_url: imageUrls[0], image_urls: imageUrls }));
		const result = await runVideoNode({
			parameters: { ...imagine, download: 'grid', options: quickWait },
			baseUrl: API,
		});
		expect(result.error?.message).toBe(`Legnext job ${JOB_ID} has no grid image to download`);
	});

	it('variation, reroll, pan, outpaint and blend wait and download the grid the same way', async () => {
		const operations: INodeParameters[] = [
			{ operation: 'variation', imageJobId: IMAGE_JOB_ID },
			{ operation: 'reroll', imageJobId: IMAGE_JOB_ID },
			{ operation: 'pan', imageJobId: IMAGE_JOB_ID },
			{ operation: 'outpaint', imageJobId: IMAGE_JOB_ID },
			{ operation: 'blend', imageUrls: 'https://img.test/a.png https://img.test/b.png' },
		];
		for (const parameters of operations) {
			nock(API)
				.post(`/api/v1/${String(parameters.operation)}`)
				.reply(200, imageJob());
			nock(API).get(`/api/v1/job/${JOB_ID}`).reply(200, finished);
			const cdn = serveImages([], true);
			const result = await runVideoNode({
				parameters: { resource: 'image', ...parameters, download: 'grid', options: quickWait },
				baseUrl: API,
			});
			expect(result.status).toBe('success');
			cdn.done();
			const [item] = result.outputOf(VIDEO_NODE);
			expect((await result.binaryBuffer(item, 'data')).equals(grid)).toBe(true);
		}
	});

	it('upscale waits and downloads its single image', async () => {
		const upscaled = randomBytes(64 * 1024);
		const url = `${CDN}/img/${JOB_ID}/upscaled.webp`;
		expectSubmit('/api/v1/upscale', { jobId: IMAGE_JOB_ID, imageNo: 1, type: 0 });
		nock(API)
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(
				200,
				completedImageJob({ image_url: url, image_urls: [url] }, { task_type: 'upscale' }),
			);
		nock(CDN, { badheaders: ['x-api-key'] })
			.get(`/img/${JOB_ID}/upscaled.webp`)
			.reply(200, upscaled);
		const result = await runVideoNode({
			parameters: {
				resource: 'image',
				operation: 'upscale',
				imageJobId: IMAGE_JOB_ID,
				imageNumber: 1,
				options: quickWait,
			},
			baseUrl: API,
		});
		expect(result.status).toBe('success');
		const [item] = result.outputOf(VIDEO_NODE);
		expect(item.json).toMatchObject({ taskType: 'upscale', imageUrl: url, imageUrls: [url] });
		expect(item.binary?.data).toMatchObject({
			fileName: `${JOB_ID}_0.webp`,
			mimeType: 'image/webp',
		});
		expect((await result.binaryBuffer(item, 'data')).equals(upscaled)).toBe(true);
	});

	it('describe and shorten wait and return their text in prompts, with no files', async () => {
		const texts = ['a red fox in snow', 'a fox, winter, soft light', 'fox --ar 3:2', 'snow fox'];
		for (const [operation, parameters] of [
			['describe', { imageUrl: 'https://img.test/fox.png' }],
			['shorten', { prompt: 'a long prompt about a fox' }],
		] as const) {
			nock(API)
				.post(`/api/v1/${operation}`)
				.reply(200, imageJob({ task_type: operation }));
			nock(API)
				.get(`/api/v1/job/${JOB_ID}`)
				.reply(
					200,
					completedImageJob(
						{ prompt: texts[0], prompts: texts, image_url: '', image_urls: null },
						{ task_type: operation },
					),
				);
			const result = await runVideoNode({
				parameters: { resource: 'image', operation, ...parameters, options: quickWait },
				baseUrl: API,
			});
			expect(result.status).toBe('success');
			const [item] = result.outputOf(VIDEO_NODE);
			expect(item.json).toMatchObject({ status: 'completed', taskType: operation, prompts: texts });
			expect(item.binary).toBeUndefined();
		}
	});

	it('a failed image job raises an error with the job ID and Legnext message', async () => {
		nock(API).post('/api/v1/diffusion').reply(200, imageJob());
		nock(API)
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(
				200,
				imageJob({
					status: 'failed',
					error: { code: 10001, message: 'banned prompt', raw_message: '' },
				}),
			);
		const result = await runVideoNode({
			parameters: { ...imagine, options: quickWait },
			baseUrl: API,
		});
		expect(result.error?.message).toBe(`Legnext job ${JOB_ID} failed: banned prompt`);
	});
});

describe('pause mode', () => {
	/** Submits in pause mode, then resumes with the given finished job as Legnext's callback. */
	async function pauseAndResume(parameters: INodeParameters, path: string, finished: IDataObject) {
		let callback = '';
		nock(API)
			.post(path, (body: IDataObject) => {
				callback = String(body.callback);
				return true;
			})
			.reply(200, imageJob());
		const waiting = await runVideoNode({
			parameters: { resource: 'image', ...parameters, waitStrategy: 'pause' },
			baseUrl: API,
		});
		expect(waiting.status).toBe('waiting');
		const url = new URL(callback);
		const job = {
			...finished,
			config: { webhook_config: { endpoint: url.toString(), secret: '' } },
		};
		nock(API).get(`/api/v1/job/${JOB_ID}`).reply(200, job);
		const query = Object.fromEntries(url.searchParams.entries());
		return await resumeWorkflow(waiting, { request: { method: 'POST', body: job, query } });
	}

	it('imagine resumes on the callback and downloads the grid', async () => {
		const gridBytes = randomBytes(4096);
		nock(CDN).get('/g/grid.png').reply(200, gridBytes);
		const { webhook, result } = await pauseAndResume(
			{ operation: 'imagine', prompt: 'a lighthouse', download: 'grid' },
			'/api/v1/diffusion',
			completedImageJob({
				image_url: `${CDN}/g/grid.png`,
				image_urls: [0, 1, 2, 3].map((n) => `${CDN}/g/${n}.png`),
			}),
		);
		expect(webhook.response.status).toBe(200);
		expect(result?.status).toBe('success');
		const [item] = result!.outputOf(VIDEO_NODE);
		expect(item.json).toMatchObject({ waitMode: 'pause', callbackReceived: true });
		expect(item.binary?.data.fileName).toBe(`${JOB_ID}_grid.png`);
		expect((await result!.binaryBuffer(item, 'data')).equals(gridBytes)).toBe(true);
	});

	it('describe resumes with its prompts and tries no download', async () => {
		const { result } = await pauseAndResume(
			{ operation: 'describe', imageUrl: 'https://img.test/fox.png' },
			'/api/v1/describe',
			completedImageJob(
				{ prompt: 'a fox', prompts: ['a fox', 'a red fox'] },
				{ task_type: 'describe' },
			),
		);
		expect(result?.status).toBe('success');
		const [item] = result!.outputOf(VIDEO_NODE);
		expect(item.json).toMatchObject({ prompts: ['a fox', 'a red fox'], callbackReceived: true });
		expect(item.binary).toBeUndefined();
	});
});

describe('checks before any image request', () => {
	const job = { imageJobId: IMAGE_JOB_ID };
	const cases: Array<[string, INodeParameters, RegExp]> = [
		['imagine: empty prompt', { operation: 'imagine', prompt: '  ' }, /^Prompt is empty/],
		[
			'imagine: prompt too long',
			{ operation: 'imagine', prompt: 'x'.repeat(8193) },
			/^Prompt is too long: Legnext takes at most 8192 characters, and the prompt sent would have 8193 \(item 0\)$/,
		],
		[
			'imagine: prompt from an object expression',
			{ operation: 'imagine', prompt: '={{ { a: 1 } }}' },
			/^Prompt must be text, but the expression gave an object/,
		],
		[
			'imagine: callback not a URL',
			{ operation: 'imagine', prompt: 'a fox', callbackUrl: 'hooks.test/x' },
			/^Callback URL must be an http/,
		],
		[
			'imagine: download number out of range',
			{ operation: 'imagine', prompt: 'a fox', download: 'one', downloadNumber: 4 },
			/^Result to Download must be a whole number from 0 to 3/,
		],
		[
			'imagine: empty binary field',
			{ operation: 'imagine', prompt: 'a fox', download: 'grid', binaryPropertyName: ' ' },
			/^Put Output File in Field is empty/,
		],
		[
			'upscale: job ID not a UUID',
			{ operation: 'upscale', imageJobId: 'job-1' },
			/^Image Job ID must be a job ID/,
		],
		[
			'upscale: image number 4',
			{ operation: 'upscale', ...job, imageNumber: 4 },
			/^Image Number must be a whole number from 0 to 3, got 4/,
		],
		[
			'upscale: type 2',
			{ operation: 'upscale', ...job, upscaleType: 2 },
			/^Upscale Type must be a whole number from 0 to 1, got 2/,
		],
		[
			'variation: type from a text expression',
			{ operation: 'variation', ...job, variationType: '={{ "strong" }}' },
			/^Variation Type must be a whole number from 0 to 1, got "strong"/,
		],
		[
			'variation: remix prompt too long',
			{ operation: 'variation', ...job, remixPrompt: 'y'.repeat(9000) },
			/^Remix Prompt is too long/,
		],
		[
			'reroll: empty job ID',
			{ operation: 'reroll', imageJobId: '={{ "" }}' },
			/^Image Job ID is empty/,
		],
		[
			'pan: direction 4',
			{ operation: 'pan', ...job, direction: 4 },
			/^Direction must be a whole number from 0 to 3, got 4/,
		],
		[
			'pan: unknown direction word',
			{ operation: 'pan', ...job, direction: '={{ "sideways" }}' },
			/^Direction must be a whole number from 0 to 3, got "sideways"/,
		],
		[
			'pan: scale above 3',
			{ operation: 'pan', ...job, scale: 3.5 },
			/^Scale must be a number from 1.1 to 3, got 3.5/,
		],
		[
			'pan: scale 1',
			{ operation: 'pan', ...job, scale: 1 },
			/^Scale must be a number from 1.1 to 3, got 1/,
		],
		[
			'outpaint: scale above 2',
			{ operation: 'outpaint', ...job, scale: 2.5 },
			/^Scale must be a number from 1.1 to 2, got 2.5/,
		],
		[
			'outpaint: image number negative',
			{ operation: 'outpaint', ...job, imageNumber: -1 },
			/^Image Number must be a whole number from 0 to 3, got -1/,
		],
		[
			'blend: one URL',
			{ operation: 'blend', imageUrls: 'https://img.test/a.png' },
			/^Image URLs must hold 2 to 5 URLs, got 1/,
		],
		[
			'blend: six URLs',
			{
				operation: 'blend',
				imageUrls: [1, 2, 3, 4, 5, 6].map((n) => `https://img.test/${n}.png`).join('\n'),
			},
			/^Image URLs must hold 2 to 5 URLs, got 6/,
		],
		[
			'blend: a URL that is not http',
			{ operation: 'blend', imageUrls: 'https://img.test/a.png\nftp://img.test/b.png' },
			/^Image URLs \(URL 2\) must be an http/,
		],
		[
			'blend: a list with a number in it',
			{ operation: 'blend', imageUrls: '={{ ["https://img.test/a.png", 7] }}' },
			/^Image URLs entry 2 must be text, got number/,
		],
		[
			'blend: aspect ratio not offered',
			{
				operation: 'blend',
				imageUrls: 'https://img.test/a.png https://img.test/b.png',
				aspectRatio: '16:9',
			},
			/^Aspect Ratio must be 2:3, 1:1 or 3:2, got "16:9"/,
		],
		[
			'describe: image URL expression that gives nothing',
			{ operation: 'describe', imageUrl: '={{ $json.missing }}' },
			/^Image URL is empty/,
		],
		[
			'describe: image URL not a URL',
			{ operation: 'describe', imageUrl: 'my cat.png' },
			/^Image URL must be an http/,
		],
		[
			'shorten: prompt expression that gives empty text',
			{ operation: 'shorten', prompt: '={{ "" }}' },
			/^Prompt is empty/,
		],
		[
			'shorten: prompt too long',
			{ operation: 'shorten', prompt: 'z'.repeat(8193) },
			/^Prompt is too long/,
		],
	];

	for (const [name, parameters, message] of cases) {
		it(`${name}: clear error, nothing sent`, async () => {
			const requests = countRequests(API, imageJob());
			const result = await runVideoNode({
				parameters: { resource: 'image', ...parameters },
				baseUrl: API,
			});
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(message);
			expect(result.error?.message).toMatch(/\(item 0\)$/);
			expect(requests()).toBe(0);
		});
	}
});

describe('against the simulator', () => {
	const sim = useSimulator({ apiKey: SENTINEL_KEY, jobMs: 200 });

	const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	const wait = { maxPollIntervalSeconds: 0.05, timeoutMinutes: 1 };

	async function run(parameters: INodeParameters) {
		const result = await runVideoNode({
			parameters: { resource: 'image', options: wait, ...parameters },
			baseUrl: sim.url,
		});
		expect(result.error).toBeUndefined();
		return result;
	}

	it('imagine with wait downloads four PNGs and the grid, then every follow-up action is accepted', async () => {
		const imagined = await run({
			operation: 'imagine',
			prompt: 'a lighthouse',
			download: 'allAndGrid',
		});
		const [item] = imagined.outputOf(VIDEO_NODE);
		expect(item.json).toMatchObject({ status: 'completed', taskType: 'diffusion' });
		expect(item.json.imageUrls).toHaveLength(4);
		const files = await Promise.all(
			['data_0', 'data_1', 'data_2', 'data_3', 'data_grid'].map((key) =>
				imagined.binaryBuffer(item, key),
			),
		);
		for (const bytes of files) expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
		expect(new Set(files.map((bytes) => bytes.toString('hex'))).size).toBe(5);

		const imageJobId = item.json.jobId as string;
		for (const parameters of [
			{ operation: 'upscale', imageJobId, imageNumber: 1, upscaleType: 1 },
			{ operation: 'variation', imageJobId, imageNumber: 2, remixPrompt: 'in winter' },
			{ operation: 'reroll', imageJobId },
			{ operation: 'pan', imageJobId, imageNumber: 3, direction: 0, scale: 1.25 },
			{ operation: 'outpaint', imageJobId, scale: 2 },
		]) {
			const result = await run({ ...parameters, download: 'none' });
			expect(result.outputOf(VIDEO_NODE)[0].json).toMatchObject({
				status: 'completed',
				taskType: parameters.operation,
			});
		}
		// The pricing page's figures: imagine 80, creative upscale 160, variation 120, reroll, pan, outpaint 80 each.
		expect(sim.stats().creditsSpent).toBe(80 + 160 + 120 + 80 + 80 + 80);
	});

	it('blend, describe and shorten are accepted; text jobs give their prompts', async () => {
		const blended = await run({
			operation: 'blend',
			imageUrls: 'https://img.test/a.png\nhttps://img.test/b.png',
			download: 'grid',
		});
		const [blend] = blended.outputOf(VIDEO_NODE);
		expect((await blended.binaryBuffer(blend, 'data')).subarray(0, 8)).toEqual(PNG_SIGNATURE);

		const described = await run({ operation: 'describe', imageUrl: 'https://img.test/a.png' });
		expect(described.outputOf(VIDEO_NODE)[0].json.prompts).toHaveLength(4);
		const shortened = await run({ operation: 'shorten', prompt: 'a long prompt about a fox' });
		expect(shortened.outputOf(VIDEO_NODE)[0].json.prompts).toHaveLength(5);
	});

	it('describe: an API that takes imageLink refuses imgUrl with a 400, and the node tries imageLink once', async () => {
		sim.configure({ describeField: 'imageLink' });
		try {
			const before = sim.stats();
			const described = await run({ operation: 'describe', imageUrl: 'https://img.test/a.png' });
			const [item] = described.outputOf(VIDEO_NODE);
			expect(item.json.prompts).toHaveLength(4);
			expect((item.json.promptTexts as IDataObject).promptEn).toMatch(/^1\uFE0F\u20E3 /u);
			const after = sim.stats();
			expect(after.submitAttempts - before.submitAttempts).toBe(2);
			expect(after.submits - before.submits).toBe(1);
			expect(after.creditsSpent - before.creditsSpent).toBe(20);
		} finally {
			sim.configure({ describeField: 'imgUrl' });
		}
	});
});

describe('describe: the disputed image field', () => {
	const describe400 = (message: string) => ({ code: 400, message, raw_message: '', detail: null });

	it('a 400 that names the field: one more try with imageLink, which is used', async () => {
		const sent: IDataObject[] = [];
		nock(API)
			.post('/api/v1/describe', (body: IDataObject) => sent.push(body) > 0)
			.reply(400, describe400('invalid parameter "imageLink": required'))
			.post('/api/v1/describe', (body: IDataObject) => sent.push(body) > 0)
			.reply(200, imageJob({ task_type: 'describe' }));
		const result = await runVideoNode({
			parameters: {
				resource: 'image',
				operation: 'describe',
				imageUrl: 'https://img.test/a.png',
				waitForCompletion: false,
			},
			baseUrl: API,
		});
		expect(result.status).toBe('success');
		expect(sent).toEqual([
			{ imgUrl: 'https://img.test/a.png' },
			{ imageLink: 'https://img.test/a.png' },
		]);
	});

	it.each([
		['a 400 about something else', 400, 'prompt too long'],
		['a 402', 402, 'insufficient credits for imgUrl'],
	])('%s is not retried', async (_name, status, message) => {
		let calls = 0;
		nock(API)
			.persist()
			.post('/api/v1/describe')
			.reply(() => {
				calls++;
				return [status, describe400(message)];
			});
		const result = await runVideoNode({
			parameters: { resource: 'image', operation: 'describe', imageUrl: 'https://img.test/a.png' },
			baseUrl: API,
		});
		expect(result.status).toBe('error');
		expect(calls).toBe(1);
	});
});
