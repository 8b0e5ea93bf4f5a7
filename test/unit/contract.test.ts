/**
 * Legnext's published shapes (test/fixtures/contract, each naming its source) through the package's real parsers:
 * describe and shorten text, progress callbacks, Base URL forms, error advice, credits, available actions
 * and account figures.
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { creditsFor, CREDIT_COSTS } from '../../nodes/legnext/credits';
import {
	isFinished,
	parseJob,
	splitSuggestions,
	toJobItem,
	unwrapCallbackBody,
} from '../../nodes/legnext/job';
import { apiErrorMessage, callKindOf } from '../../nodes/legnext/apiErrors';
import { normalizeBaseUrl } from '../../nodes/legnext/client';
import { fixtureNames, readFixture } from '../helpers/contract-fixtures';
import {
	everythingVisible,
	runVideoNode,
	SENTINEL_KEY,
	useFastRetries,
	VIDEO_NODE,
} from '../helpers/legnext';
// The shape table of `npm run contract` (plain JS, shared with the command).
import { checkShape } from '../../tools/contract-check';

interface Fixture {
	source: string;
	endpoint: string;
	body: IDataObject;
}

const FILES: string[] = fixtureNames();
const fixture = (name: string): Fixture => readFixture(name) as Fixture;
const API = 'http://legnext.test';
const KEYCAP = /[0-9]\uFE0F?\u20E3/u;

useFastRetries();
beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('the fixtures', () => {
	it.each(FILES)('%s names its source and endpoint', (name) => {
		const { source, endpoint, body } = fixture(name);
		expect(source.length).toBeGreaterThan(20);
		expect(endpoint).not.toBe('');
		expect(typeof body).toBe('object');
	});

	const KIND: Record<string, 'balance' | 'info' | 'activeTasks' | 'job' | 'callback'> = {
		'GET /api/account/balance': 'balance',
		'GET /api/account/info': 'info',
		'GET /api/account/active_tasks': 'activeTasks',
		'callback POST': 'callback',
	};
	it.each(FILES.filter((name) => !name.startsWith('error-')))(
		'%s matches the shape table of npm run contract (nothing required missing)',
		(name) => {
			const { endpoint, body } = fixture(name);
			const result = checkShape(KIND[endpoint] ?? 'job', body, { parseJob });
			expect({ missing: result.missing, problems: result.problems }).toEqual({
				missing: [],
				problems: [],
			});
			expect(result.ok).toBe(true);
		},
	);
});

describe('describe and shorten text', () => {
	it('describe: the four emoji-numbered suggestions of promptEn become a list, the text is kept as given', () => {
		const { body } = fixture('job-completed-describe-promptEn');
		const job = parseJob(body);
		expect(job.prompts).toHaveLength(4);
		expect(job.prompts[0]).toBe(
			'A red fox curled up in fresh snow, soft winter light, shallow depth of field --ar 3:2',
		);
		for (const suggestion of job.prompts) expect(suggestion).not.toMatch(KEYCAP);
		expect(job.promptTexts).toEqual({ promptEn: (body.output as IDataObject).promptEn });
		expect(toJobItem(job)).toMatchObject({ prompts: job.prompts, promptTexts: job.promptTexts });
	});

	it('shorten: five suggestions from promptEn', () => {
		const job = parseJob(fixture('job-completed-shorten-promptEn').body);
		expect(job.prompts).toEqual([
			'red fox, snow, winter light',
			'fox in snow, soft light',
			'sleeping fox, snowy forest',
			'fox, snow',
			'winter fox',
		]);
	});

	it('a prompts list is taken first; description and finalPrompt are kept as given', () => {
		const { body } = fixture('job-completed-describe-variants');
		const output = body.output as IDataObject;
		const job = parseJob(body);
		expect(job.prompts).toEqual(output.prompts);
		expect(job.promptTexts).toEqual({
			description: output.description,
			finalPrompt: output.finalPrompt,
		});
	});

	it('description alone is split like promptEn; finalPrompt alone is one suggestion', () => {
		const { body } = fixture('job-completed-describe-variants');
		const output = body.output as IDataObject;
		const onlyDescription = parseJob({ ...body, output: { description: output.description } });
		expect(onlyDescription.prompts).toHaveLength(4);
		expect(parseJob(fixture('job-completed-shorten-finalPrompt').body).prompts).toEqual([
			'red fox, snow, winter light',
		]);
	});

	it('splits keycaps with or without the variation selector, and 🔟', () => {
		expect(splitSuggestions('1\u20E3 a 2\uFE0F\u20E3 b \u{1F51F} c')).toEqual(['a', 'b', 'c']);
		expect(splitSuggestions('no numbering here')).toEqual(['no numbering here']);
		expect(splitSuggestions('  ')).toEqual([]);
	});
});

describe('progress callbacks', () => {
	it('the progress fixture is a job that is not finished; the finished ones are', () => {
		const progress = unwrapCallbackBody(fixture('callback-progress').body);
		expect(progress).not.toBeNull();
		expect(isFinished(parseJob(progress))).toBe(false);
		for (const name of ['callback-wrapped', 'callback-bare']) {
			expect(isFinished(parseJob(unwrapCallbackBody(fixture(name).body)))).toBe(true);
		}
	});
});

describe('Base URL as the docs write it', () => {
	it.each([
		['https://api.legnext.ai/api', 'https://api.legnext.ai'],
		['https://api.legnext.ai/api/', 'https://api.legnext.ai'],
		['https://api.legnext.ai//', 'https://api.legnext.ai'],
		[' https://gw.example.com/legnext/api ', 'https://gw.example.com/legnext'],
		['https://gw.example.com/apis', 'https://gw.example.com/apis'],
	])('%s -> %s', (given, root) => {
		expect(normalizeBaseUrl(given)).toBe(root);
	});

	it('a node with the docs form calls /api/v1/..., never /api/api/...', async () => {
		const read = nock(API).get('/api/account/balance').reply(200, fixture('balance').body);
		const result = await runVideoNode({
			parameters: { resource: 'account', operation: 'getBalance' },
			baseUrl: `${API}/api/`,
		});
		expect(result.status).toBe('success');
		expect(read.isDone()).toBe(true);
	});
});

describe('error advice by what was called', () => {
	it('the call kind comes from the request', () => {
		expect(callKindOf({ method: 'GET', path: '/api/v1/job/x' })).toBe('jobRead');
		expect(callKindOf({ method: 'POST', path: '/api/v1/extend-video', body: { jobId: 'x' } })).toBe(
			'followUp',
		);
		expect(callKindOf({ method: 'POST', path: '/api/v1/diffusion', body: { text: 'a' } })).toBe(
			'submit',
		);
		expect(callKindOf({ method: 'GET', path: '/api/account/info' })).toBe('account');
	});

	it('a 404 from an account endpoint is about the Base URL, not an unknown job', async () => {
		nock(API).get('/api/account/info').reply(404, { code: 404, message: 'page not found' });
		const result = await runVideoNode({
			parameters: { resource: 'account', operation: 'getInfo' },
			baseUrl: API,
		});
		expect(result.error?.message).toMatch(
			/^Legnext does not offer this account endpoint at this Base URL/,
		);
		expect(result.error?.message).not.toMatch(/job/);
	});

	it('both error shapes give their message', () => {
		expect(apiErrorMessage(fixture('error-flat-401').body)).toBe('Failed to verify api key');
		expect(apiErrorMessage(fixture('error-job-shaped-403').body)).toMatch(/^This feature is only/);
	});
});

describe('credits by operation and quality', () => {
	it('the table holds the pricing page', () => {
		expect(creditsFor('video:create', 0)).toEqual([480]);
		expect(creditsFor('video:create', 1)).toEqual([1536]);
		expect(creditsFor('video:extend')).toEqual([480, 1536]);
		expect(creditsFor('image:upscale', 1)).toEqual([160]);
		expect(creditsFor('image:variation')).toEqual([120]);
		expect(creditsFor('image:describe')).toEqual([20]);
		expect(Object.keys(CREDIT_COSTS)).toHaveLength(12);
	});

	it('the documented describe response reserves what the table says', () => {
		expect(parseJob(fixture('job-completed-describe-promptEn').body).creditsFrozen).toBe(
			creditsFor('image:describe')[0],
		);
	});

	it.each([
		[
			'extend (priced as its source video)',
			'/api/v1/extend-video',
			{
				resource: 'video',
				operation: 'extend',
				videoJobId: '2cbffb65-10ac-45a2-91d4-19a19a19ab4c',
				videoNumber: 0,
			},
			/about 480 or 1536 credits/,
		],
		[
			'a creative image upscale',
			'/api/v1/upscale',
			{
				resource: 'image',
				operation: 'upscale',
				imageJobId: '2cbffb65-10ac-45a2-91d4-19a19a19ab4c',
				imageNumber: 0,
				upscaleType: 1,
			},
			/about 160 credits/,
		],
		[
			'describe',
			'/api/v1/describe',
			{ resource: 'image', operation: 'describe', imageUrl: 'https://img.test/a.png' },
			/about 20 credits/,
		],
	])('a 402 for %s names its price', async (_name, path, parameters, price) => {
		nock(API).post(path).reply(402, { code: 402, message: 'insufficient credits' });
		const result = await runVideoNode({ parameters, baseUrl: API });
		expect(result.error?.description).toMatch(price);
	});
});

describe('available_actions', () => {
	it('is read as the documented map of action to image numbers', () => {
		const job = parseJob(fixture('job-completed-image').body);
		expect(job.availableActions).toEqual({
			edit: [0, 1, 2, 3],
			inpaint: [],
			outpaint: [],
			pan: [],
			remix: [0, 1, 2, 3],
			reroll: true,
			upscale: [0, 1, 2, 3],
			variation: [0, 1, 2, 3],
		});
		expect(toJobItem(job).availableActions).toEqual(job.availableActions);
	});
});

describe('account figures', () => {
	async function runAccount(operation: string, body: IDataObject) {
		nock(API)
			.get(`/api/account/${operation === 'getInfo' ? 'info' : 'active_tasks'}`)
			.reply(200, body);
		const result = await runVideoNode({
			parameters: { resource: 'account', operation },
			baseUrl: API,
		});
		expect(result.status).toBe('success');
		return result.outputOf(VIDEO_NODE)[0].json;
	}

	it('Get Info, front end shape: plan and max_concurrent_task_count; no API keys or other secrets', async () => {
		const { body } = fixture('account-info-frontend');
		const json = await runAccount('getInfo', body);
		expect(json).toMatchObject({ plan: 'pro', maxConcurrentTaskCount: 12 });
		expect(json.activeTaskCount).toBeUndefined();
		const data = json.data as IDataObject;
		expect(data.api_keys).toBeUndefined();
		expect((data.wallet as IDataObject).stripe_customer_token).toBeUndefined();
		expect((data.wallet as IDataObject).available_credits).toBe(71000);
		expect(everythingVisible(json)).not.toContain('lgx-EXAMPLE-KEY');
		expect(everythingVisible(json)).not.toContain('cus_secret');
	});

	it('Get Info, complete OpenAPI shape (unwrapped): plan, quota kept', async () => {
		const { body } = fixture('account-info-openapi-complete');
		const json = await runAccount('getInfo', body);
		expect(json).toMatchObject({ plan: 'basic', maxConcurrentTaskCount: null });
		expect((json.data as IDataObject).quota).toEqual(body.quota);
	});

	it('Get Info never passes on a field it does not know, even a harmless-looking one', async () => {
		const json = await runAccount('getInfo', {
			code: 200,
			data: { plan: 'pro', api_key: SENTINEL_KEY, session_id: 's', nickname: 'n' },
			message: 'success',
		});
		expect(json.data).toEqual({ plan: 'pro' });
		expect(everythingVisible(json)).not.toContain(SENTINEL_KEY);
	});

	it('Get Active Tasks: total_active and concurrent_limit', async () => {
		const { body } = fixture('active-tasks-openapi-complete');
		const json = await runAccount('getActiveTasks', body);
		expect(json).toMatchObject({ activeTaskCount: 2, maxConcurrentTaskCount: 6 });
		expect(json.tasks).toHaveLength(2);
	});
});
