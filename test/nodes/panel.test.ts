/**
 * What a new user sees: which hints the Video node's panel shows for each Wait Strategy (decided by n8n's own
 * display rules, as the editor applies them), and the order and fields of output items in a real run.
 */
import nock from 'nock';
import {
	NodeHelpers,
	type INodeParameters,
	type INodeProperties,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { LegnextVideo } from '../../nodes/LegnextVideo/LegnextVideo.node';
import {
	completedJob,
	IMAGE_JOB_ID,
	jobBody,
	JOB_ID,
	runVideoNode,
	useFastRetries,
	VIDEO_NODE,
} from '../helpers/legnext';

const API = 'http://legnext.test';
const CDN = 'http://cdn.test';
const description: INodeTypeDescription = new LegnextVideo().description;

/** Names of the top-level parameters the editor shows for these values (n8n's rules, as the editor uses them). */
function visible(values: INodeParameters): string[] {
	return description.properties
		.filter((p) => NodeHelpers.displayParameter(values, p, null, description))
		.map((p) => p.name);
}

/** Names of the "Options" collection entries the editor offers for these values. */
function visibleOptions(values: INodeParameters): string[] {
	const collections = description.properties.filter(
		(p) => p.name === 'options' && NodeHelpers.displayParameter(values, p, null, description),
	);
	expect(collections).toHaveLength(1);
	const entries = (collections[0].options ?? []) as INodeProperties[];
	return entries
		.filter((o) => NodeHelpers.displayParameter({}, o, null, description, values))
		.map((o) => o.name);
}

const create: INodeParameters = {
	resource: 'video',
	operation: 'create',
	waitForCompletion: true,
};

describe('Wait Strategy in the panel', () => {
	it('Poll shows what polling does and its read interval option', () => {
		const shown = visible({ ...create, waitStrategy: 'poll' });
		expect(shown).toContain('pollNotice');
		expect(shown).not.toContain('pauseNotice');
		expect(shown).not.toContain('pauseCallbackConflictNotice');
		expect(visibleOptions({ ...create, waitStrategy: 'poll' })).toEqual([
			'keepBalanceAbove',
			'maxConcurrentJobs',
			'maxCreditsPerExecution',
			'maxPollIntervalSeconds',
			'splitIntoItems',
			'timeoutMinutes',
		]);
	});

	it('Pause shows what pausing does and hides Max Poll Interval, which it never uses', () => {
		const shown = visible({ ...create, waitStrategy: 'pause', callbackUrl: '' });
		expect(shown).toContain('pauseNotice');
		expect(shown).not.toContain('pollNotice');
		expect(shown).not.toContain('pauseCallbackConflictNotice');
		expect(visibleOptions({ ...create, waitStrategy: 'pause' })).toEqual([
			'keepBalanceAbove',
			'maxConcurrentJobs',
			'maxCreditsPerExecution',
			'splitIntoItems',
			'timeoutMinutes',
		]);
	});

	it('Pause with a Callback URL filled in warns in the panel, before any run', () => {
		const shown = visible({
			...create,
			waitStrategy: 'pause',
			callbackUrl: 'https://n8n.example.com/webhook/x/callback',
		});
		expect(shown).toContain('pauseCallbackConflictNotice');
		expect(
			visible({ ...create, waitStrategy: 'poll', callbackUrl: 'https://a.test/' }),
		).not.toContain('pauseCallbackConflictNotice');
	});

	it('no wait strategy hints when the node does not wait', () => {
		const shown = visible({ ...create, waitForCompletion: false, waitStrategy: 'pause' });
		expect(shown).not.toContain('waitStrategy');
		expect(shown.filter((name) => name.endsWith('Notice'))).toEqual([]);
	});

	it('Timeout help says what happens in each mode', () => {
		const options = description.properties.find((p) => p.name === 'options')?.options as
			| INodeProperties[]
			| undefined;
		const timeout = options?.find((o) => o.name === 'timeoutMinutes');
		expect(timeout?.description).toMatch(/Poll: the node then fails with the job ID/);
		expect(timeout?.description).toMatch(
			/Pause: the run then continues with callbackReceived: false/,
		);
	});

	it('results are offered as 1 to 4, sent as 0 to 3', () => {
		const field = description.properties.find(
			(p) =>
				p.name === 'downloadNumber' &&
				NodeHelpers.displayParameter({ ...create, download: 'one' }, p, null, description),
		);
		expect(field?.options).toEqual([
			{ name: 'Result 1 (First)', value: 0 },
			{ name: 'Result 2', value: 1 },
			{ name: 'Result 3', value: 2 },
			{ name: 'Result 4', value: 3 },
		]);
	});
});

describe('output items', () => {
	useFastRetries();
	beforeAll(() => nock.disableNetConnect());
	afterEach(() => nock.cleanAll());

	it('a video job: the fields people use first, then how the node waited, then raw; no image fields', async () => {
		nock(API).post('/api/v1/video-diffusion').reply(200, jobBody());
		nock(API)
			.get(`/api/v1/job/${JOB_ID}`)
			.times(2)
			.reply(200, jobBody({ status: 'processing' }))
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(200, completedJob([`${CDN}/a.mp4`, `${CDN}/b.mp4`]));
		const result = await runVideoNode({
			parameters: {
				...create,
				source: 'text',
				prompt: 'a calm sea',
				download: 'none',
				options: { maxPollIntervalSeconds: 0.05 },
			},
			baseUrl: API,
		});
		expect(result.status).toBe('success');
		const keys = Object.keys(result.outputOf(VIDEO_NODE)[0].json);
		expect(keys.slice(0, 4)).toEqual(['jobId', 'status', 'taskType', 'videoUrls']);
		expect(keys.slice(-2)).toEqual(['waitMode', 'raw']);
		expect(keys).not.toContain('imageUrl');
		expect(keys).not.toContain('imageUrls');
		expect(keys).not.toContain('prompts');
		// The only sign of life n8n offers a running community node: the editor's browser console, once per status.
		expect(result.uiMessages.map((args) => String(args[0]))).toEqual([
			expect.stringMatching(
				new RegExp(
					`^Legnext job ${JOB_ID}: processing after \\d+ s \\(video jobs take 3-6 minutes\\)$`,
				),
			),
			expect.stringMatching(new RegExp(`^Legnext job ${JOB_ID}: completed after \\d+ s$`)),
		]);
	});

	it('an image job has image fields and no video fields, the same before and after it finishes', async () => {
		const pending = jobBody({ job_id: IMAGE_JOB_ID, task_type: 'diffusion', output: null });
		nock(API).post('/api/v1/diffusion').reply(200, pending);
		const result = await runVideoNode({
			parameters: {
				resource: 'image',
				operation: 'imagine',
				prompt: 'a fox',
				waitForCompletion: false,
			},
			baseUrl: API,
		});
		expect(result.status).toBe('success');
		const keys = Object.keys(result.outputOf(VIDEO_NODE)[0].json);
		expect(keys.slice(0, 5)).toEqual(['jobId', 'status', 'taskType', 'imageUrl', 'imageUrls']);
		expect(keys).not.toContain('videoUrls');
		expect(keys[keys.length - 1]).toBe('raw');
	});
});
