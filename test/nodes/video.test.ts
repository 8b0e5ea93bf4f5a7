/**
 * The Legnext Video node in n8n-core's WorkflowExecute: exact request bodies, output items,
 * waiting, downloads, batches, validation before any request, cancellation and continue-on-fail.
 */
import { createHash, randomBytes } from 'crypto';
import nock from 'nock';
import { sleep, type IDataObject, type INodeParameters } from 'n8n-workflow';

import {
	completedJob,
	everythingVisible,
	IMAGE_JOB_ID,
	jobBody,
	JOB_ID,
	runVideoNode,
	SENTINEL_KEY,
	startVideoNode,
	useFastRetries,
	useSimulator,
	VIDEO_NODE,
	countRequests,
	expectSubmit as expectSubmitTo,
} from '../helpers/legnext';
import { TEST_INSTANCE_URL } from '../helpers/workflow/session';
import { derivedTriggerToken } from '../../nodes/legnext/callbackTokens';
import { parseJob, toJobItem } from '../../nodes/legnext/job';

const API = 'http://legnext.test';
const CDN = 'http://cdn.test';
/** Fast polling for tests; production starts at 1 s and grows to 30 s. */
const quickWait = { maxPollIntervalSeconds: 0.05, timeoutMinutes: 1 };

useFastRetries();
beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

/** Expects exactly this JSON body on the test API (so empty optional fields must be absent). */
function expectSubmit(path: string, body: IDataObject, reply: IDataObject = jobBody()) {
	return expectSubmitTo(API, path, body, reply);
}

describe('request bodies and output, without waiting', () => {
	const cases: Array<[string, INodeParameters, string, IDataObject]> = [
		[
			'create from an image URL with every prompt option',
			{
				resource: 'video',
				operation: 'create',
				source: 'imageUrl',
				imageUrl: 'https://img.test/cat.png',
				prompt: 'the cat walks away',
				quality: 1,
				promptOptions: { motion: 'high', raw: true, endFrameUrl: 'https://img.test/end.png' },
				callbackUrl: 'https://hooks.test/legnext?token=abc',
			},
			'/api/v1/video-diffusion',
			{
				prompt:
					'https://img.test/cat.png the cat walks away --motion high --raw --end https://img.test/end.png',
				videoType: 1,
				callback: 'https://hooks.test/legnext?token=abc',
			},
		],
		[
			'create from an image URL alone',
			{
				resource: 'video',
				operation: 'create',
				source: 'imageUrl',
				imageUrl: 'https://img.test/cat.png',
			},
			'/api/v1/video-diffusion',
			{ prompt: 'https://img.test/cat.png', videoType: 0 },
		],
		[
			'create from an image job, no prompt',
			{
				resource: 'video',
				operation: 'create',
				source: 'imageJob',
				imageJobId: IMAGE_JOB_ID,
				imageNumber: 2,
			},
			'/api/v1/video-diffusion',
			{ jobId: IMAGE_JOB_ID, imageNo: 2, videoType: 0 },
		],
		[
			'create from an image job with a prompt and motion',
			{
				resource: 'video',
				operation: 'create',
				source: 'imageJob',
				imageJobId: IMAGE_JOB_ID.toUpperCase(),
				imageNumber: 0,
				prompt: ' slow zoom ',
				promptOptions: { motion: 'low' },
			},
			'/api/v1/video-diffusion',
			{ jobId: IMAGE_JOB_ID, imageNo: 0, prompt: 'slow zoom --motion low', videoType: 0 },
		],
		[
			'create from text only',
			{ resource: 'video', operation: 'create', source: 'text', prompt: 'a storm over the sea' },
			'/api/v1/video-diffusion',
			{ prompt: 'a storm over the sea', videoType: 0 },
		],
		[
			'extend with a prompt',
			{
				resource: 'video',
				operation: 'extend',
				videoJobId: JOB_ID,
				videoNumber: 1,
				prompt: 'then it rains',
			},
			'/api/v1/extend-video',
			{ jobId: JOB_ID, videoNo: 1, prompt: 'then it rains' },
		],
		[
			'extend without a prompt or callback',
			{
				resource: 'video',
				operation: 'extend',
				videoJobId: JOB_ID,
				videoNumber: 3,
				prompt: '',
				callbackUrl: '',
			},
			'/api/v1/extend-video',
			{ jobId: JOB_ID, videoNo: 3 },
		],
		[
			'upscale',
			{ resource: 'video', operation: 'upscale', videoJobId: JOB_ID, videoNumber: 2 },
			'/api/v1/video-upscale',
			{ jobId: JOB_ID, videoNo: 2 },
		],
	];

	for (const [name, parameters, path, body] of cases) {
		it(name, async () => {
			const reply = jobBody({
				task_type: path.includes('extend') ? 'extend_video' : 'video_diffusion',
			});
			const submit = expectSubmit(path, body, reply);
			const result = await runVideoNode({
				parameters: { ...parameters, waitForCompletion: false },
				baseUrl: API,
			});
			expect(result.status).toBe('success');
			submit.check();
			const [item] = result.outputOf(VIDEO_NODE);
			// From the credit table: create by its quality; extend, whose source is read only for a budget, at the higher price.
			const estimate = { create: Number(parameters.quality ?? 0) === 1 ? 1536 : 480, extend: 1536 }[
				String(parameters.operation)
			];
			expect(item.json).toEqual(toJobItem(parseJob(reply), { reference: null }, estimate ?? 480));
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(item.binary).toBeUndefined();
		});
	}

	/** An upscale submitted with `given` as Callback URL; checks that Legnext was sent `sent`. */
	async function upscaleWithCallback(given: string, sent: string) {
		const submit = expectSubmit('/api/v1/video-upscale', {
			jobId: JOB_ID,
			videoNo: 0,
			callback: sent,
		});
		const result = await runVideoNode({
			parameters: {
				resource: 'video',
				operation: 'upscale',
				videoJobId: JOB_ID,
				videoNumber: 0,
				callbackUrl: given,
				waitForCompletion: false,
			},
			baseUrl: API,
		});
		expect(result.status).toBe('success');
		submit.check();
		return result;
	}

	it('a Callback URL that is a Legnext Video Trigger URL on this n8n gets the derived trigger token in its path', async () => {
		const webhookId = '5b9a2c4e-7d1f-4e3a-9b8c-0a1b2c3d4e5f';
		// The harness's n8n serves its webhooks at TEST_INSTANCE_URL.
		const triggerUrl = `${TEST_INSTANCE_URL}/webhook/${webhookId}/callback`;
		const derived = derivedTriggerToken(SENTINEL_KEY, webhookId);
		for (const [given, sent] of [
			[triggerUrl, `${TEST_INSTANCE_URL}/webhook/${webhookId}/${webhookId}/${derived}`],
			[`${triggerUrl}/`, `${TEST_INSTANCE_URL}/webhook/${webhookId}/${webhookId}/${derived}`],
			[`${triggerUrl}?token=mine`, `${triggerUrl}?token=mine`],
			['https://hooks.test/other/callback', 'https://hooks.test/other/callback'],
		]) {
			const result = await upscaleWithCallback(given, sent);
			expect(result.outputOf(VIDEO_NODE)[0].json.callbackNote).toBeUndefined();
		}
	});

	it('a trigger-looking Callback URL on another host gets no token, and the output says the trigger will refuse it', async () => {
		const webhookId = '5b9a2c4e-7d1f-4e3a-9b8c-0a1b2c3d4e5f';
		const token = derivedTriggerToken(SENTINEL_KEY, webhookId);
		for (const given of [
			`https://someone-else.example/webhook/${webhookId}/callback`,
			// Same host name, another port or scheme: another origin.
			`http://127.0.0.1:5679/webhook/${webhookId}/callback`,
			`https://127.0.0.1:5678/webhook/${webhookId}/callback`,
		]) {
			const result = await upscaleWithCallback(given, given);
			const [item] = result.outputOf(VIDEO_NODE);
			expect(item.json.callbackNote).toMatch(/no trigger token was added.*refuses the call/);
			expect(JSON.stringify(result.run)).not.toContain(token);
		}
	});

	it('get job reads the job and returns it, failed or not', async () => {
		const failed = jobBody({
			status: 'failed',
			error: { code: 10001, message: 'moderation', raw_message: '' },
		});
		nock(API).get(`/api/v1/job/${JOB_ID}`).reply(200, failed);
		const result = await runVideoNode({
			parameters: { resource: 'job', operation: 'get', jobId: JOB_ID },
			baseUrl: API,
		});
		expect(result.status).toBe('success');
		expect(result.outputOf(VIDEO_NODE)[0].json).toMatchObject({
			jobId: JOB_ID,
			status: 'failed',
			error: 'moderation',
		});
	});
});

describe('waiting and downloading', () => {
	const videos = [0, 1, 2, 3].map(() => randomBytes(256 * 1024));
	const urls = videos.map((_, n) => `${CDN}/videos/${JOB_ID}/${n}.mp4?Expires=1&Signature=x`);

	function serveVideos(only?: number) {
		const cdn = nock(CDN, { badheaders: ['x-api-key'] });
		videos.forEach((bytes, n) => {
			if (only === undefined || only === n) {
				cdn
					.get(`/videos/${JOB_ID}/${n}.mp4`)
					.query(true)
					.reply(200, bytes, { 'content-type': 'video/mp4' });
			}
		});
		return cdn;
	}

	it('create waits for the job and downloads the chosen video; the CDN never sees the key', async () => {
		const submit = expectSubmit('/api/v1/video-diffusion', {
			prompt: 'https://img.test/cat.png',
			videoType: 0,
		});
		const api = nock(API)
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(200, jobBody({ status: 'staged' }))
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(200, jobBody({ status: 'processing' }))
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(200, completedJob(urls));
		const cdn = serveVideos(1);
		const result = await runVideoNode({
			parameters: {
				resource: 'video',
				operation: 'create',
				source: 'imageUrl',
				imageUrl: 'https://img.test/cat.png',
				download: 'one',
				downloadNumber: 1,
				binaryPropertyName: 'video',
				options: quickWait,
			},
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
			videoUrls: urls,
			seed: '1234',
			creditsUsed: 480,
		});
		expect(item.binary?.video).toMatchObject({
			fileName: `${JOB_ID}_1.mp4`,
			mimeType: 'video/mp4',
		});
		const bytes = await result.binaryBuffer(item, 'video');
		expect(createHash('sha256').update(bytes).digest('hex')).toBe(
			createHash('sha256').update(videos[1]).digest('hex'),
		);
	});

	it('extend, upscale and get-with-wait download all videos as data_0..data_3', async () => {
		for (const parameters of [
			{ resource: 'video', operation: 'extend', videoJobId: JOB_ID, videoNumber: 0 },
			{ resource: 'video', operation: 'upscale', videoJobId: JOB_ID, videoNumber: 0 },
			{ resource: 'job', operation: 'get', jobId: JOB_ID, waitForCompletion: true },
		]) {
			if (parameters.resource === 'video') nock(API).post(/.*/).reply(200, jobBody());
			nock(API)
				.get(`/api/v1/job/${JOB_ID}`)
				.reply(200, jobBody({ status: 'processing' }))
				.get(`/api/v1/job/${JOB_ID}`)
				.reply(200, completedJob(urls));
			const cdn = serveVideos();
			const result = await runVideoNode({
				parameters: { ...parameters, download: 'all', options: quickWait },
				baseUrl: API,
			});
			expect(result.status).toBe('success');
			cdn.done();
			const [item] = result.outputOf(VIDEO_NODE);
			expect(Object.keys(item.binary ?? {})).toEqual(['data_0', 'data_1', 'data_2', 'data_3']);
			for (const n of [0, 1, 2, 3]) {
				expect((await result.binaryBuffer(item, `data_${n}`)).equals(videos[n])).toBe(true);
			}
		}
	});

	it('a failed job raises an error with the job ID and Legnext message', async () => {
		nock(API).post('/api/v1/video-upscale').reply(200, jobBody());
		nock(API)
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(
				200,
				jobBody({
					status: 'failed',
					error: { code: 10002, message: 'video too short', raw_message: '' },
				}),
			);
		const result = await runVideoNode({
			parameters: {
				resource: 'video',
				operation: 'upscale',
				videoJobId: JOB_ID,
				videoNumber: 0,
				options: quickWait,
			},
			baseUrl: API,
		});
		expect(result.error?.message).toBe(`Legnext job ${JOB_ID} failed: video too short`);
	});

	it('a job that never finishes ends at the timeout, naming the job and Get Job', async () => {
		nock(API).post('/api/v1/video-upscale').reply(200, jobBody());
		let reads = 0;
		nock(API)
			.get(`/api/v1/job/${JOB_ID}`)
			.times(1000)
			.reply(() => {
				reads++;
				return [200, jobBody({ status: 'retry' })];
			});
		const started = Date.now();
		const result = await runVideoNode({
			parameters: {
				resource: 'video',
				operation: 'upscale',
				videoJobId: JOB_ID,
				videoNumber: 0,
				options: { maxPollIntervalSeconds: 0.1, timeoutMinutes: 0.01 },
			},
			baseUrl: API,
		});
		const elapsed = Date.now() - started;
		expect(result.error?.message).toMatch(
			new RegExp(`Legnext job ${JOB_ID} did not finish within 1 s \\(last status: retry\\)`),
		);
		expect(result.error?.description).toMatch(/"Get Job" operation and job ID/);
		expect(elapsed).toBeGreaterThanOrEqual(600);
		expect(elapsed).toBeLessThan(3000);
		expect(reads).toBeGreaterThan(3);
	});
});

describe('checks before any request', () => {
	const base = {
		resource: 'video',
		operation: 'create',
		source: 'imageUrl',
		imageUrl: 'https://img.test/a.png',
	};
	const cases: Array<[string, INodeParameters, RegExp]> = [
		[
			'image URL expression that gives nothing',
			{ ...base, imageUrl: '={{ $json.missing }}' },
			/^Image URL is empty \(item 0\)$/,
		],
		[
			'image URL not http',
			{ ...base, imageUrl: 'ftp://img.test/a.png' },
			/^Image URL must be an http/,
		],
		['image URL not a URL', { ...base, imageUrl: 'cat picture' }, /^Image URL must be an http/],
		[
			'image URL from an object expression',
			{ ...base, imageUrl: '={{ { a: 1 } }}' },
			/^Image URL must be text, but the expression gave an object/,
		],
		[
			'prompt too long',
			{ ...base, prompt: 'x'.repeat(8200) },
			/^Prompt is too long: Legnext takes at most 8192 characters, and the prompt sent would have \d+ \(8200 typed, plus \d+ for the Image URL\)/,
		],
		[
			'text only without prompt',
			{ ...base, source: 'text', prompt: '  ' },
			/^Prompt is empty \(item 0\)$/,
		],
		[
			'image job ID not a UUID',
			{ ...base, source: 'imageJob', imageJobId: 'job-123' },
			/^Image Job ID must be a job ID/,
		],
		[
			'image job ID expression that gives empty text',
			{ ...base, source: 'imageJob', imageJobId: '={{ "" }}' },
			/^Image Job ID is empty/,
		],
		[
			'image number out of range',
			{ ...base, source: 'imageJob', imageJobId: IMAGE_JOB_ID, imageNumber: 4 },
			/^Image Number must be a whole number from 0 to 3, got 4/,
		],
		[
			'image number not whole',
			{ ...base, source: 'imageJob', imageJobId: IMAGE_JOB_ID, imageNumber: 1.5 },
			/^Image Number must be a whole number/,
		],
		[
			'end frame not a URL',
			{ ...base, promptOptions: { endFrameUrl: 'end.png' } },
			/^End Frame Image URL must be an http/,
		],
		[
			'callback not a URL',
			{ ...base, callbackUrl: 'localhost/hook' },
			/^Callback URL must be an http/,
		],
		[
			'timeout zero',
			{ ...base, options: { timeoutMinutes: 0 } },
			/^Timeout \(Minutes\) must be a number from/,
		],
		[
			'empty binary field',
			{ ...base, download: 'one', binaryPropertyName: '' },
			/^Put Output File in Field is empty/,
		],
		[
			'download number out of range',
			{ ...base, download: 'one', downloadNumber: 7 },
			/^Result to Download must be a whole number from 0 to 3/,
		],
		[
			'extend: video number negative',
			{ resource: 'video', operation: 'extend', videoJobId: JOB_ID, videoNumber: -1 },
			/^Video Number must be a whole number from 0 to 3, got -1/,
		],
		[
			'extend: job ID from an array expression',
			{ resource: 'video', operation: 'extend', videoJobId: '={{ [1,2] }}', videoNumber: 0 },
			/^Video Job ID must be text, but the expression gave a list/,
		],
		[
			'upscale: job ID not a UUID',
			{ resource: 'video', operation: 'upscale', videoJobId: '12345', videoNumber: 0 },
			/^Video Job ID must be a job ID/,
		],
		[
			'get: job ID expression that gives empty text',
			{ resource: 'job', operation: 'get', jobId: '={{ " " }}' },
			/^Job ID is empty/,
		],
		[
			'max concurrent jobs zero',
			{ ...base, options: { maxConcurrentJobs: 0 } },
			/^Max Concurrent Jobs must be a number from 1 to 100/,
		],
	];

	for (const [name, parameters, message] of cases) {
		it(`${name}: clear error, nothing sent`, async () => {
			const requests = countRequests(API);
			const result = await runVideoNode({ parameters, baseUrl: API });
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(message);
			expect(result.error?.message).toMatch(/\(item 0\)$/);
			expect(requests()).toBe(0);
		});
	}

	/** Create from each item's `url`, without waiting; the middle one of three is not a URL. */
	const urlFromEachItem = { ...base, imageUrl: '={{ $json.url }}', waitForCompletion: false };
	const oneBadUrlAmongThree = [
		{ url: 'https://img.test/1.png' },
		{ url: 'not a url' },
		{ url: 'https://img.test/3.png' },
	];

	it('one bad item among three: nothing is submitted at all', async () => {
		const requests = countRequests(API);
		const result = await runVideoNode({
			parameters: urlFromEachItem,
			items: oneBadUrlAmongThree,
			baseUrl: API,
		});
		expect(result.error?.message).toMatch(/^Image URL must be an http.*\(item 1\)$/);
		expect(requests()).toBe(0);
	});

	it('with Continue On Fail the bad item becomes an error item and the others go on', async () => {
		const submitted: string[] = [];
		nock(API)
			.persist()
			.post('/api/v1/video-diffusion')
			.reply((_uri, body) => {
				submitted.push((body as IDataObject).prompt as string);
				return [200, jobBody()];
			});
		const result = await runVideoNode({
			parameters: urlFromEachItem,
			items: oneBadUrlAmongThree,
			baseUrl: API,
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		expect(submitted.sort()).toEqual(['https://img.test/1.png', 'https://img.test/3.png']);
		const out = result.outputOf(VIDEO_NODE);
		expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json.jobId).toBe(JOB_ID);
		expect(out[1].json.error).toMatch(/^Image URL must be an http/);
		expect(out[2].json.jobId).toBe(JOB_ID);
		expect(everythingVisible(out)).not.toContain(SENTINEL_KEY);
	});
});

describe('cancellation', () => {
	it('a cancelled execution stops polling within a second', async () => {
		nock(API).post('/api/v1/video-upscale').reply(200, jobBody());
		let reads = 0;
		let firstRead: () => void = () => {};
		const readStarted = new Promise<void>((resolve) => (firstRead = resolve));
		nock(API)
			.persist()
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(() => {
				reads++;
				firstRead();
				return [200, jobBody({ status: 'processing' })];
			});
		const handle = startVideoNode({
			parameters: {
				resource: 'video',
				operation: 'upscale',
				videoJobId: JOB_ID,
				videoNumber: 0,
				options: { maxPollIntervalSeconds: 5, timeoutMinutes: 60 },
			},
			baseUrl: API,
		});
		await readStarted;
		const cancelledAt = Date.now();
		handle.cancel();
		const result = await handle.done;
		expect(Date.now() - cancelledAt).toBeLessThan(1000);
		expect(result.status).toBe('canceled');
		const readsAtCancel = reads;
		await sleep(300);
		expect(reads).toBe(readsAtCancel);
	});
});

describe('batches (simulator)', () => {
	const sim = useSimulator({ apiKey: SENTINEL_KEY, jobMs: 500, videoBytes: 4096 });

	it('12 items with limit 3: never more than 3 jobs in flight, about 4 job-times, order kept', async () => {
		const items = Array.from({ length: 12 }, (_, i) => ({ url: `https://img.test/${i}.png` }));
		const started = Date.now();
		const result = await runVideoNode({
			parameters: {
				resource: 'video',
				operation: 'create',
				source: 'imageUrl',
				imageUrl: '={{ $json.url }}',
				download: 'none',
				options: { maxConcurrentJobs: 3, maxPollIntervalSeconds: 0.05 },
			},
			items,
			baseUrl: sim.url,
		});
		const wall = Date.now() - started;
		expect(result.status).toBe('success');
		const stats = sim.stats();
		expect(stats.maxJobsInFlight).toBe(3);
		expect(stats.jobsCreated).toBe(12);
		// 4 rounds of 500 ms jobs; polling adds at most 50 ms per round.
		expect(wall).toBeGreaterThanOrEqual(4 * 500);
		expect(wall).toBeLessThan(4 * 500 * 1.6);
		const promptOf = new Map(
			(sim.jobs() as IDataObject[]).map((job) => [job.job_id, (job.input as IDataObject).prompt]),
		);
		const out = result.outputOf(VIDEO_NODE);
		out.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json.status).toBe('completed');
			expect(promptOf.get(item.json.jobId as string)).toBe(items[i].url);
		});
	});
});
