/**
 * The Legnext Video Trigger, driven through its real webhook() in an n8n-core WebhookContext
 * (runWebhook): both callback body shapes, the token, confirmation with the API (nock), filters,
 * de-duplication, malformed bodies and file download; then the same against the local simulator.
 * Every call is checked for the API key: it must show up in no response, output or error.
 */
import { randomBytes } from 'crypto';
import nock from 'nock';
import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeParameters,
} from 'n8n-workflow';

import { MAX_CALLBACK_BYTES } from '../../nodes/legnext/callback';
import { derivedTriggerToken } from '../../nodes/legnext/callbackTokens';
import { parseJob, toJobItem } from '../../nodes/legnext/job';
import {
	completedJob,
	credentialsFor,
	everythingVisible,
	IMAGE_JOB_ID,
	jobBody,
	JOB_ID,
	nodeTypes,
	SENTINEL_KEY,
	TRIGGER_NODE_TYPE,
	useFastRetries,
	useSimulator,
} from '../helpers/legnext';
import { createSimulator } from '../helpers/simulator';
import { SET_ITEMS_TYPE } from '../helpers/workflow/builtin-nodes';
import { harnessLog } from '../helpers/workflow/n8n-runtime';
import { runWorkflow } from '../helpers/workflow/run';
import { binaryBuffer } from '../helpers/workflow/binary';
import { runWebhook, type WebhookRunResult } from '../helpers/workflow/webhook';
import type { WebhookRequest } from '../helpers/workflow/express-fakes';

const API = 'http://legnext.test';
const CDN = 'http://cdn.test';
/** The trigger's Secret Token: 32 characters, mixed case. */
const TOKEN = `Tk${randomBytes(15).toString('hex')}`;
const TRIGGER = 'Legnext Video Trigger';
const trigger = nodeTypes[TRIGGER_NODE_TYPE];

const videoUrlsOf = (jobId: string, count = 4) =>
	Array.from({ length: count }, (_, n) => `${CDN}/${jobId}/${n}.mp4`);
const VIDEO_URLS = videoUrlsOf(JOB_ID);

/** A finished job as the API reports it. */
const apiCompleted = (overrides: IDataObject = {}) => completedJob(VIDEO_URLS, overrides);
const apiFailed = (overrides: IDataObject = {}) =>
	jobBody({
		status: 'failed',
		error: { code: 500, raw_message: '', message: 'Video generation failed', detail: null },
		...overrides,
	});

/** The two callback body shapes Legnext is known to send. */
const wrapped = (job: IDataObject) => ({ timestamp: 1760423128794, data: job });
const bare = (job: IDataObject) => job;
const SHAPES = [
	['{timestamp, data: job}', wrapped],
	['the bare job', bare],
] as const;

interface Call {
	body: unknown;
	parameters?: INodeParameters;
	query?: WebhookRequest['query'];
	headers?: WebhookRequest['headers'];
	nodeStaticData?: IDataObject;
	/** Base URL of the credential; null: no credential at all. */
	baseUrl?: string | null;
}

/** One callback into the trigger. Downloads are off unless a test asks for them. */
async function callTrigger(call: Call): Promise<WebhookRunResult> {
	const baseUrl = call.baseUrl === undefined ? API : call.baseUrl;
	const out = await runWebhook({
		nodeType: trigger,
		parameters: { token: TOKEN, download: 'none', ...call.parameters },
		credentials: baseUrl === null ? undefined : credentialsFor(baseUrl),
		request: {
			body: call.body,
			query: call.query ?? { token: TOKEN },
			headers: call.headers,
		},
		nodeStaticData: call.nodeStaticData,
	});
	expect(everythingVisible(out)).not.toContain(SENTINEL_KEY);
	return out;
}

/** The confirming read; it must carry the API key. */
function confirmRead(job: IDataObject, status = 200) {
	return nock(API)
		.get(`/api/v1/job/${encodeURIComponent(String(job.job_id))}`)
		.matchHeader('x-api-key', SENTINEL_KEY)
		.reply(status, status === 200 ? job : { code: status, message: 'job not found' });
}

/** A result file on the CDN; a request that carries the API key does not match (and fails the test). */
function cdnFile(url: string, bytes: Buffer) {
	const { origin, pathname } = new URL(url);
	return nock(origin, { badheaders: ['x-api-key'] })
		.get(pathname)
		.reply(200, bytes, { 'content-type': 'video/mp4', 'content-length': String(bytes.length) });
}

function expectFired(out: WebhookRunResult, job: IDataObject): INodeExecutionData {
	expect(out.response.status).toBe(200);
	expect(out.response.ended).toBe(false); // n8n itself answers "Workflow was started"
	expect(out.noWebhookResponse).toBeUndefined();
	expect(out.workflowData).toHaveLength(1);
	expect(out.workflowData?.[0]).toHaveLength(1);
	const item = out.workflowData![0][0];
	expect(item.json).toEqual(toJobItem(parseJob(job), { reference: null }));
	return item;
}

/** A progress call: acknowledged with 200, nothing fired or remembered. */
function expectProgress(out: WebhookRunResult, reason?: RegExp) {
	expect(out.workflowData).toBeUndefined();
	expect(out.noWebhookResponse).toBe(true);
	expect(out.response).toMatchObject({ status: 200, ended: true, body: { ok: true } });
	if (reason) expect((out.response.body as IDataObject).ignored).toMatch(reason);
	expect(out.nodeStaticData.deliveries ?? []).toEqual([]);
}

function expectRefused(out: WebhookRunResult, status: number, error?: RegExp) {
	expect(out.workflowData).toBeUndefined();
	expect(out.noWebhookResponse).toBe(true);
	expect(out.response).toMatchObject({ status, ended: true, body: { ok: false } });
	if (error) expect((out.response.body as IDataObject).error).toMatch(error);
	expect(out.nodeStaticData.deliveries ?? []).toEqual([]);
}

function expectIgnored(out: WebhookRunResult, reason: 'filtered out' | 'duplicate') {
	expect(out.workflowData).toBeUndefined();
	expect(out.noWebhookResponse).toBe(true);
	expect(out.response).toMatchObject({
		status: 200,
		ended: true,
		body: { ok: true, ignored: reason },
	});
}

/** Requests nock saw but no interceptor matched (e.g. a CDN download that carried the API key). */
const unmatched: string[] = [];
function recordUnmatched(req: { method?: string; host?: string; path?: string; href?: string }) {
	const where = req.href ?? `${req.host ?? ''}${req.path ?? ''}`;
	if (!where.includes('127.0.0.1')) unmatched.push(`${req.method ?? '?'} ${where}`);
}

useFastRetries();
beforeAll(() => {
	nock.disableNetConnect();
	nock.emitter.on('no match', recordUnmatched);
});
afterEach(() => {
	nock.cleanAll();
	expect(unmatched.splice(0)).toEqual([]);
});
afterAll(() => {
	nock.emitter.removeListener('no match', recordUnmatched);
	nock.enableNetConnect();
	expect(everythingVisible(harnessLog)).not.toContain(SENTINEL_KEY);
});

describe('body shapes', () => {
	it.each(SHAPES)('%s: fires once with the job the API confirms', async (_name, shape) => {
		const api = apiCompleted();
		// The callback may be stale or forged: its URLs and numbers are not what fires.
		const claimed = completedJob([`${CDN}/forged.mp4`], {
			output: { video_urls: [`${CDN}/forged.mp4`], seed: '9' },
		});
		const read = confirmRead(api);

		const out = await callTrigger({ body: shape(claimed) });

		expect(read.isDone()).toBe(true);
		const item = expectFired(out, api);
		expect(item.json).toMatchObject({ jobId: JOB_ID, status: 'completed', videoUrls: VIDEO_URLS });
		expect(item.binary).toBeUndefined();
		expect(out.nodeStaticData.deliveries).toEqual([`${JOB_ID}:completed`]);
	});

	it('takes the job from `data` when the wrapper has other fields', async () => {
		const api = apiCompleted();
		const read = confirmRead(api);
		const out = await callTrigger({
			body: { timestamp: 1760423128794, event: 'job.finished', data: apiCompleted() },
		});
		expect(read.isDone()).toBe(true);
		expectFired(out, api);
	});
});

describe('confirmation with the Legnext API', () => {
	it('the API does not know the job: 404, nothing fired', async () => {
		const read = confirmRead(apiCompleted(), 404);
		const out = await callTrigger({ body: wrapped(apiCompleted()) });
		expect(read.isDone()).toBe(true);
		expectRefused(out, 404, /unknown job/i);
	});

	it.each([
		['pending', 'completed'],
		['processing', 'completed'],
		['processing', 'failed'],
	])('the API says %s while the callback claims %s: 409, nothing fired', async (actual, claim) => {
		const read = confirmRead(jobBody({ status: actual }));
		const out = await callTrigger({
			body: wrapped(claim === 'completed' ? apiCompleted() : apiFailed()),
			parameters: { events: 'both' },
		});
		expect(read.isDone()).toBe(true);
		expectRefused(out, 409, /not finished/);
	});

	it.each([
		['failed', 'completed'],
		['completed', 'failed'],
	])('the API says %s while the callback claims %s: 409, nothing fired', async (actual, claim) => {
		const read = confirmRead(actual === 'completed' ? apiCompleted() : apiFailed());
		const out = await callTrigger({
			body: bare(claim === 'completed' ? apiCompleted() : apiFailed()),
			parameters: { events: 'both' },
		});
		expect(read.isDone()).toBe(true);
		expectRefused(out, 409, /does not confirm/);
	});

	it('a callback that claims no status fires with the status the API reports', async () => {
		const api = apiFailed();
		const read = confirmRead(api);
		const out = await callTrigger({
			body: { data: { job_id: JOB_ID } },
			parameters: { events: 'failed' },
		});
		expect(read.isDone()).toBe(true);
		const item = expectFired(out, api);
		expect(item.json).toMatchObject({
			status: 'failed',
			error: 'Video generation failed',
			errorCode: 500,
		});
	});

	it('the API answers 5xx: 503 after two tries, nothing fired', async () => {
		let tries = 0;
		nock(API)
			.get(`/api/v1/job/${JOB_ID}`)
			.times(5)
			.reply(() => {
				tries++;
				return [502, { code: 502, message: 'bad gateway' }];
			});
		const out = await callTrigger({ body: bare(apiCompleted()) });
		expectRefused(out, 503, /could not confirm/i);
		expect(tries).toBe(2);
	});

	it('a job id that is not a UUID is refused with 400 before any read (no other API path is reached)', async () => {
		for (const id of ['../../account/balance?x=1', '..', '.', 'a/b', `${JOB_ID}/../x`]) {
			const api = apiCompleted({ job_id: id });
			// Any request to the API would fail the test (nock allows none here).
			const out = await callTrigger({ body: wrapped(api) });
			expectRefused(out, 400, /job_id is not a Legnext job ID/);
		}
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('the API is called with the base URL of the credential', async () => {
		const api = apiCompleted();
		const read = nock('http://gateway.test')
			.get(`/legnext/api/v1/job/${JOB_ID}`)
			.matchHeader('x-api-key', SENTINEL_KEY)
			.reply(200, api);
		const out = await callTrigger({
			body: wrapped(apiCompleted()),
			baseUrl: 'http://gateway.test/legnext/',
		});
		expect(read.isDone()).toBe(true);
		expectFired(out, api);
	});
});

describe('with confirmation off', () => {
	it.each(SHAPES)(
		'%s: fires with the callback’s own data, without reading the API',
		async (_n, shape) => {
			const claimed = completedJob([`${CDN}/own.mp4`], { task_type: 'video-upscale' });
			const out = await callTrigger({
				body: shape(claimed),
				parameters: { confirmWithApi: false },
				baseUrl: null,
			});
			const item = expectFired(out, claimed);
			expect(item.json).toMatchObject({ taskType: 'video_upscale', videoUrls: [`${CDN}/own.mp4`] });
		},
	);

	it('a job the callback itself calls unfinished: a progress call, 200, nothing fired', async () => {
		const out = await callTrigger({
			body: wrapped(jobBody({ status: 'processing' })),
			parameters: { confirmWithApi: false },
			baseUrl: null,
		});
		expectProgress(out, /processing/);
	});

	it('still needs the token', async () => {
		const out = await callTrigger({
			body: wrapped(apiCompleted()),
			parameters: { confirmWithApi: false },
			query: { token: 'nope' },
			baseUrl: null,
		});
		expectRefused(out, 401);
	});
});

describe('progress callbacks (Legnext\u2019s front end handles calls for unfinished jobs)', () => {
	it.each(['pending', 'staged', 'processing', 'running', 'queued', 'retry'])(
		'a call reporting %s: 200, nothing fired, nothing remembered, the API not asked',
		async (status) => {
			const out = await callTrigger({ body: wrapped(jobBody({ status })) });
			expectProgress(out, new RegExp(status));
			expect(nock.pendingMocks()).toEqual([]);
		},
	);

	it('a call that claims no status while the API says the job runs: 200, nothing fired', async () => {
		const read = confirmRead(jobBody({ status: 'processing' }));
		const out = await callTrigger({ body: { data: { job_id: JOB_ID } } });
		expect(read.isDone()).toBe(true);
		expectProgress(out, /processing/);
	});

	it('the finished call after a progress call fires', async () => {
		expectProgress(await callTrigger({ body: wrapped(jobBody({ status: 'processing' })) }));
		const api = apiCompleted();
		confirmRead(api);
		expectFired(await callTrigger({ body: wrapped(api) }), api);
	});

	it('a progress call still needs the token', async () => {
		const out = await callTrigger({
			body: wrapped(jobBody({ status: 'processing' })),
			query: { token: 'nope' },
		});
		expectRefused(out, 401);
	});
});

describe('token in the URL path (/webhook/<id>/<id>/<token>)', () => {
	const callWithPathToken = async (token: string, query?: WebhookRequest['query']) =>
		await runWebhook({
			nodeType: trigger,
			parameters: { token: TOKEN, download: 'none' },
			credentials: credentialsFor(API),
			webhookPath: '={{$webhookId}}/:token',
			request: { body: wrapped(apiCompleted()), params: { token }, query: query ?? {} },
		});

	it('the node declares the path form next to the plain URL, hidden in the panel', () => {
		const hooks = trigger.description.webhooks ?? [];
		expect(
			hooks.map((hook) => [hook.path, hook.isFullPath ?? false, hook.ndvHideUrl ?? false]),
		).toEqual([
			['callback', false, false],
			['={{$webhookId}}/:token', true, true],
		]);
	});

	it('the right token in the path fires, confirmed with the API', async () => {
		const api = apiCompleted();
		const read = confirmRead(api);
		const out = await callWithPathToken(TOKEN);
		expect(read.isDone()).toBe(true);
		expectFired(out, api);
	});

	it('a wrong token in the path: 401, nothing fired (a right ?token= does not rescue it)', async () => {
		expectRefused(await callWithPathToken('nope', { token: TOKEN }), 401);
	});
});

describe('secret token', () => {
	const wrongTokens: Array<[string, WebhookRequest['query']]> = [
		[
			'wrong, of the right length',
			{ token: TOKEN.slice(0, -1) + (TOKEN.endsWith('E') ? 'F' : 'E') },
		],
		['wrong case, of the right length', { token: TOKEN.toLowerCase() }],
		['one character short', { token: TOKEN.slice(0, -1) }],
		['one character too many', { token: `${TOKEN}x` }],
		['missing', {}],
		['empty', { token: '' }],
		['given twice', { token: [TOKEN, TOKEN] }],
		['under another name', { secret: TOKEN }],
	];

	it.each(wrongTokens)('%s: 401, nothing fired, the API not asked', async (_name, query) => {
		const read = confirmRead(apiCompleted());
		const out = await callTrigger({ body: wrapped(apiCompleted()), query });
		expectRefused(out, 401, /token/i);
		expect(read.isDone()).toBe(false);
		expect(everythingVisible(out.response)).not.toContain(TOKEN);
	});

	it('in a header instead of the URL: 401', async () => {
		const out = await callTrigger({
			body: wrapped(apiCompleted()),
			query: {},
			headers: { 'x-token': TOKEN, authorization: `Bearer ${TOKEN}` },
		});
		expectRefused(out, 401);
	});

	it('without a Secret Token it wants the token derived from the credential and its webhook ID', async () => {
		const webhookId = '5b9a2c4e-7d1f-4e3a-9b8c-0a1b2c3d4e5f';
		const derived = derivedTriggerToken(SENTINEL_KEY, webhookId);
		const call = (query: WebhookRequest['query'], withCredential = true) =>
			runWebhook({
				nodeType: trigger,
				node: { webhookId },
				parameters: { token: '', download: 'none' },
				credentials: withCredential ? credentialsFor(API) : undefined,
				request: { body: wrapped(apiCompleted()), query },
			});
		const wrongQueries: Array<WebhookRequest['query']> = [
			{},
			{ token: '' },
			{ token: TOKEN },
			{ token: derivedTriggerToken('other-key', webhookId) },
		];
		for (const query of wrongQueries) {
			expectRefused(await call(query), 401);
		}
		expectRefused(await call({ token: derived }, false), 401, /no Legnext credential/i);
		const read = confirmRead(apiCompleted());
		const out = await call({ token: derived });
		expect(out.workflowData?.[0][0].json.jobId).toBe(JOB_ID);
		expect(read.isDone()).toBe(true);
		expect(everythingVisible(out)).not.toContain(SENTINEL_KEY);
	});
});

describe("what a user who follows the Trigger's notice gets", () => {
	const webhookId = '5b9a2c4e-7d1f-4e3a-9b8c-0a1b2c3d4e5f';
	const call = (query: WebhookRequest['query']) =>
		runWebhook({
			nodeType: trigger,
			node: { webhookId },
			parameters: { token: TOKEN, download: 'none' },
			credentials: credentialsFor(API),
			request: { body: wrapped(apiCompleted()), query },
		});

	it("with a Secret Token set, a Video node's pasted Production URL (derived token) still fires", async () => {
		const read = confirmRead(apiCompleted());
		const out = await call({ token: derivedTriggerToken(SENTINEL_KEY, webhookId) });
		expect(out.workflowData?.[0][0].json.jobId).toBe(JOB_ID);
		expect(read.isDone()).toBe(true);
		// The Secret Token itself keeps working for other senders.
		confirmRead(apiCompleted());
		expect((await call({ token: TOKEN })).workflowData?.[0][0].json.jobId).toBe(JOB_ID);
	});

	it('a refused call leaves a warning in the n8n log naming the node and the reason, not the token', async () => {
		const before = harnessLog.length;
		const wrong = 'wrong-token-0123456789abcdef';
		expectRefused(await call({ token: wrong }), 401);
		const warnings = harnessLog.slice(before).filter((entry) => entry.level === 'warn');
		expect(warnings).toHaveLength(1);
		expect(warnings[0].message).toMatch(
			/^Legnext callback refused by node "Legnext Video Trigger" of workflow \S+: 401 Missing or wrong token$/,
		);
		expect(JSON.stringify(warnings)).not.toContain(wrong);
		expect(JSON.stringify(warnings)).not.toContain(TOKEN);
	});
});

describe('malformed bodies', () => {
	const bodies: Array<[string, unknown]> = [
		['an empty object', {}],
		['a JSON array of jobs', [apiCompleted()]],
		['a string', 'job_id=2cbffb65'],
		['a number', 42],
		['a job without job_id', { status: 'completed', task_type: 'video_diffusion' }],
		['a numeric job_id', { job_id: 12345, status: 'completed' }],
		['an empty job_id', { job_id: '', status: 'completed' }],
		['a wrapper with an empty data object', { timestamp: 1, data: {} }],
		['a wrapper whose data is a string', { timestamp: 1, data: JSON.stringify(apiCompleted()) }],
		['a wrapper whose data is an array', { timestamp: 1, data: [apiCompleted()] }],
		['a job nested one level too deep', { data: { data: apiCompleted() } }],
	];

	it.each(bodies)('%s: 400, nothing fired, the API not asked', async (_name, body) => {
		const read = confirmRead(apiCompleted());
		const out = await callTrigger({ body });
		expectRefused(out, 400, /no Legnext job/);
		expect(read.isDone()).toBe(false);
	});

	it('a body over 1 MiB: 413 before anything else, nothing fired', async () => {
		const read = confirmRead(apiCompleted());
		const out = await callTrigger({
			body: wrapped(apiCompleted()),
			headers: { 'content-length': String(MAX_CALLBACK_BYTES + 1) },
		});
		expectRefused(out, 413, /too large/);
		expect(read.isDone()).toBe(false);
	});

	it('a body of exactly 1 MiB is accepted', async () => {
		const api = apiCompleted();
		confirmRead(api);
		const out = await callTrigger({
			body: wrapped(apiCompleted()),
			headers: { 'Content-Length': String(MAX_CALLBACK_BYTES) },
		});
		expectFired(out, api);
	});
});

describe('filters', () => {
	/** A job the filters let through fires; one they hold back is ignored and not remembered. */
	function expectFiredOrFilteredOut(out: WebhookRunResult, job: IDataObject, fires: boolean) {
		if (fires) {
			expectFired(out, job);
		} else {
			expectIgnored(out, 'filtered out');
			expect(out.nodeStaticData.deliveries ?? []).toEqual([]);
		}
	}

	const events: Array<[string, 'completed' | 'failed', boolean]> = [
		['completed', 'completed', true],
		['completed', 'failed', false],
		['failed', 'failed', true],
		['failed', 'completed', false],
		['both', 'completed', true],
		['both', 'failed', true],
	];

	it.each(events)('Trigger On %s, a %s job: fires = %s', async (event, status, fires) => {
		const api = status === 'completed' ? apiCompleted() : apiFailed();
		const read = confirmRead(api);
		const out = await callTrigger({ body: wrapped(api), parameters: { events: event } });
		expect(read.isDone()).toBe(true);
		expectFiredOrFilteredOut(out, api, fires);
	});

	const jobTypes: Array<[string[], string, boolean]> = [
		[['any'], 'video_diffusion', true],
		[['any'], 'diffusion', true],
		[[], 'extend_video', true],
		[['video_diffusion'], 'video_diffusion', true],
		[['video_diffusion'], 'extend_video', false],
		[['video_diffusion'], 'video-diffusion', true],
		[['extend_video'], 'extend_video', true],
		[['extend_video'], 'video_upscale', false],
		[['video_upscale'], 'video_upscale', true],
		[['video_upscale'], 'video-upscale', true],
		[['video_upscale'], 'upscale', false],
		[['image'], 'diffusion', true],
		[['image'], 'upscale', true],
		[['image'], 'describe', true],
		[['image'], 'video_diffusion', false],
		[['image'], 'extend_video', false],
		[['video_upscale', 'image'], 'variation', true],
		[['video_upscale', 'image'], 'video_diffusion', false],
	];

	it.each(jobTypes)('Job Types %j, a %s job: fires = %s', async (types, taskType, fires) => {
		const api = apiCompleted({ task_type: taskType });
		const read = confirmRead(api);
		const out = await callTrigger({ body: bare(api), parameters: { jobTypes: types } });
		expect(read.isDone()).toBe(true);
		expectFiredOrFilteredOut(out, api, fires);
	});

	it('filters look at what the API says, not at what the callback claims', async () => {
		const read = confirmRead(apiCompleted({ task_type: 'video_diffusion' }));
		const out = await callTrigger({
			body: wrapped(apiCompleted({ task_type: 'video_upscale' })),
			parameters: { jobTypes: ['video_upscale'] },
		});
		expect(read.isDone()).toBe(true);
		expectIgnored(out, 'filtered out');
	});

	it('a filtered-out job is not remembered: it fires once the filter lets it through', async () => {
		const api = apiCompleted();
		confirmRead(api);
		const first = await callTrigger({ body: wrapped(api), parameters: { events: 'failed' } });
		expectIgnored(first, 'filtered out');
		confirmRead(api);
		const second = await callTrigger({
			body: wrapped(api),
			parameters: { events: 'completed' },
			nodeStaticData: first.nodeStaticData,
		});
		expectFired(second, api);
	});
});

describe('duplicates', () => {
	it('the same job and status fire once, in either body shape, without downloading again', async () => {
		const api = apiCompleted();
		const bytes = randomBytes(2048);
		confirmRead(api);
		const cdn = cdnFile(VIDEO_URLS[0], bytes); // once only: a second download would not match
		const first = await callTrigger({ body: wrapped(api), parameters: { download: 'one' } });
		expectFired(first, api);
		expect(cdn.isDone()).toBe(true);

		for (const shape of [wrapped, bare]) {
			const read = confirmRead(api);
			const again = await callTrigger({
				body: shape(api),
				parameters: { download: 'one' },
				nodeStaticData: first.nodeStaticData,
			});
			expect(read.isDone()).toBe(true);
			expectIgnored(again, 'duplicate');
			expect(again.nodeStaticData.deliveries).toEqual([`${JOB_ID}:completed`]);
		}
	});

	it('the same job with another status fires again; another job fires too', async () => {
		let staticData: IDataObject | undefined;
		const calls: IDataObject[] = [
			apiFailed(),
			apiCompleted(),
			completedJob(videoUrlsOf(IMAGE_JOB_ID), { job_id: IMAGE_JOB_ID }),
		];
		for (const api of calls) {
			confirmRead(api);
			const out = await callTrigger({
				body: wrapped(api),
				parameters: { events: 'both' },
				nodeStaticData: staticData,
			});
			expectFired(out, api);
			staticData = out.nodeStaticData;
		}
		expect(staticData?.deliveries).toEqual([
			`${JOB_ID}:failed`,
			`${JOB_ID}:completed`,
			`${IMAGE_JOB_ID}:completed`,
		]);
	});

	it('remembers the last 500 deliveries: the oldest drops out and would fire again', async () => {
		const oldId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
		const old = Array.from({ length: 500 }, (_, n) => `${oldId(n)}:completed`);
		const api = apiCompleted();
		confirmRead(api);
		const out = await callTrigger({ body: wrapped(api), nodeStaticData: { deliveries: old } });
		expectFired(out, api);
		const deliveries = out.nodeStaticData.deliveries as string[];
		expect(deliveries).toHaveLength(500);
		expect(deliveries[0]).toBe(`${oldId(1)}:completed`);
		expect(deliveries[499]).toBe(`${JOB_ID}:completed`);

		const dropped = apiCompleted({ job_id: oldId(0) });
		confirmRead(dropped);
		expectFired(
			await callTrigger({ body: wrapped(dropped), nodeStaticData: out.nodeStaticData }),
			dropped,
		);
		const stillKnown = apiCompleted({ job_id: oldId(499) });
		confirmRead(stillKnown);
		expectIgnored(
			await callTrigger({ body: wrapped(stillKnown), nodeStaticData: out.nodeStaticData }),
			'duplicate',
		);
	});

	it('refused calls are not remembered', async () => {
		confirmRead(jobBody({ status: 'processing' }));
		const early = await callTrigger({ body: wrapped(apiCompleted()) });
		expectRefused(early, 409);
		const api = apiCompleted();
		confirmRead(api);
		expectFired(
			await callTrigger({ body: wrapped(api), nodeStaticData: early.nodeStaticData }),
			api,
		);
	});

	it('deactivating the workflow forgets the deliveries', async () => {
		const nodeData: IDataObject = { deliveries: [`${JOB_ID}:completed`], other: 1 };
		const hooks = trigger.webhookMethods?.default;
		const ctx = { getWorkflowStaticData: () => nodeData } as unknown as IHookFunctions;
		expect(await hooks?.checkExists.call(ctx)).toBe(false);
		expect(await hooks?.create.call(ctx)).toBe(true);
		expect(await hooks?.delete.call(ctx)).toBe(true);
		expect(nodeData).toEqual({ other: 1 });
	});
});

describe('download', () => {
	it('one (the default): the chosen result, byte for byte, fetched without the API key', async () => {
		const api = apiCompleted();
		const bytes = randomBytes(1024 * 1024);
		const read = confirmRead(api);
		const cdn = cdnFile(VIDEO_URLS[2], bytes);

		const out = await callTrigger({
			body: wrapped(api),
			parameters: { download: 'one', downloadNumber: 2 },
		});

		expect(read.isDone()).toBe(true);
		expect(cdn.isDone()).toBe(true);
		const item = expectFired(out, api);
		expect(Object.keys(item.binary ?? {})).toEqual(['data']);
		expect(item.binary?.data).toMatchObject({
			fileName: `${JOB_ID}_2.mp4`,
			mimeType: 'video/mp4',
		});
		const got = await binaryBuffer(item, 'data');
		expect(got.length).toBe(bytes.length);
		expect(got.equals(bytes)).toBe(true);
	});

	it('the default settings download result 0 into "data"', async () => {
		const api = apiCompleted();
		const bytes = randomBytes(4096);
		confirmRead(api);
		cdnFile(VIDEO_URLS[0], bytes);
		const out = await runWebhook({
			nodeType: trigger,
			parameters: { token: TOKEN },
			credentials: credentialsFor(API),
			request: { body: wrapped(api), query: { token: TOKEN } },
		});
		const item = expectFired(out, api);
		expect(item.binary?.data?.fileName).toBe(`${JOB_ID}_0.mp4`);
		expect((await binaryBuffer(item)).equals(bytes)).toBe(true);
	});

	it('all: every result into <field>_<n>, each byte for byte', async () => {
		const api = apiCompleted();
		const files = VIDEO_URLS.map(() => randomBytes(64 * 1024));
		confirmRead(api);
		const cdn = VIDEO_URLS.map((url, n) => cdnFile(url, files[n]));

		const out = await callTrigger({
			body: bare(api),
			parameters: { download: 'all', binaryPropertyName: 'video' },
		});

		expect(cdn.every((scope) => scope.isDone())).toBe(true);
		const item = expectFired(out, api);
		expect(Object.keys(item.binary ?? {}).sort()).toEqual([
			'video_0',
			'video_1',
			'video_2',
			'video_3',
		]);
		for (const [n, bytes] of files.entries()) {
			expect(item.binary?.[`video_${n}`]?.fileName).toBe(`${JOB_ID}_${n}.mp4`);
			expect((await binaryBuffer(item, `video_${n}`)).equals(bytes)).toBe(true);
		}
	});

	it('a job with a single result gives that one for any result number', async () => {
		const url = `${CDN}/${JOB_ID}/upscaled.mp4`;
		const api = completedJob([url], { task_type: 'video_upscale' });
		const bytes = randomBytes(8192);
		confirmRead(api);
		cdnFile(url, bytes);
		const out = await callTrigger({
			body: wrapped(api),
			parameters: { download: 'one', downloadNumber: 3 },
		});
		const item = expectFired(out, api);
		expect(item.binary?.data?.fileName).toBe(`${JOB_ID}_0.mp4`);
		expect((await binaryBuffer(item)).equals(bytes)).toBe(true);
	});

	it('downloads what the API reports, not the URLs of the callback', async () => {
		const api = apiCompleted();
		const bytes = randomBytes(4096);
		confirmRead(api);
		const real = cdnFile(VIDEO_URLS[0], bytes);
		const forged = nock('http://evil.test').get(/.*/).reply(200, 'forged');
		const out = await callTrigger({
			body: wrapped(completedJob(['http://evil.test/x.mp4'])),
			parameters: { download: 'one' },
		});
		expectFired(out, api);
		expect(real.isDone()).toBe(true);
		expect(forged.isDone()).toBe(false);
	});

	it('none: no binary, the CDN not asked', async () => {
		const api = apiCompleted();
		confirmRead(api);
		const cdn = cdnFile(VIDEO_URLS[0], randomBytes(16));
		const out = await callTrigger({ body: wrapped(api), parameters: { download: 'none' } });
		expect(expectFired(out, api).binary).toBeUndefined();
		expect(cdn.isDone()).toBe(false);
	});

	it('a failed job downloads nothing', async () => {
		const api = apiFailed();
		confirmRead(api);
		const out = await callTrigger({
			body: wrapped(api),
			parameters: { events: 'failed', download: 'all' },
		});
		expect(expectFired(out, api).binary).toBeUndefined();
	});

	it('an expired result link answers 503 with a clear error that holds no key, and starts nothing', async () => {
		const api = apiCompleted();
		confirmRead(api);
		nock(CDN).get(new URL(VIDEO_URLS[0]).pathname).reply(403, 'AccessDenied');
		const out = await callTrigger({
			body: wrapped(api),
			parameters: { download: 'one' },
		});
		expectRefused(out, 503, /Could not download result 0 of Legnext job .*HTTP 403/);
		expect(everythingVisible(out)).not.toContain(SENTINEL_KEY);
	});
});

describe('in a workflow', () => {
	it('the fired item, binary included, reaches the next node', async () => {
		const api = apiCompleted();
		const bytes = randomBytes(32 * 1024);
		confirmRead(api);
		cdnFile(VIDEO_URLS[1], bytes);
		const fired = await callTrigger({
			body: wrapped(api),
			parameters: { download: 'one', downloadNumber: 1 },
		});
		expectFired(fired, api);

		const result = await runWorkflow({
			workflow: {
				nodes: [
					{ name: TRIGGER, type: TRIGGER_NODE_TYPE, parameters: { token: TOKEN } },
					{
						name: 'Next',
						type: SET_ITEMS_TYPE,
						parameters: {
							items:
								'={{ [{ jobId: $json.jobId, status: $json.status, file: $binary.data.fileName, videos: $json.videoUrls.length }] }}',
						},
					},
				],
				connections: { [TRIGGER]: { main: [[{ node: 'Next', type: 'main', index: 0 }]] } },
			},
			nodeTypes,
			credentials: credentialsFor(API),
			startData: fired.workflowData,
			mode: 'webhook',
		});

		expect(result.status).toBe('success');
		expect(result.nodeExecutionOrder).toEqual([TRIGGER, 'Next']);
		expect(result.outputOf('Next').map((item) => item.json)).toEqual([
			{ jobId: JOB_ID, status: 'completed', file: `${JOB_ID}_1.mp4`, videos: 4 },
		]);
		const [triggerItem] = result.outputOf(TRIGGER);
		expect(triggerItem.json).toEqual(toJobItem(parseJob(api), { reference: null }));
		expect((await result.binaryBuffer(triggerItem)).equals(bytes)).toBe(true);
		expect(everythingVisible(result.run)).not.toContain(SENTINEL_KEY);
	});
});

describe('against the Legnext simulator', () => {
	const sim = useSimulator({ apiKey: SENTINEL_KEY, jobMs: 600_000, videoBytes: 200_000 });

	async function api(method: 'GET' | 'POST', path: string, body?: IDataObject) {
		const response = await fetch(`${sim.url}${path}`, {
			method,
			headers: { 'x-api-key': SENTINEL_KEY, 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: response.status, body: (await response.json()) as IDataObject };
	}

	async function submitVideo(): Promise<string> {
		const submitted = await api('POST', '/api/v1/video-diffusion', {
			prompt: 'https://img.test/cat.png a cat walks through snow',
		});
		expect(submitted.status).toBe(200);
		return String(submitted.body.job_id);
	}

	it.each(SHAPES)(
		'%s of a finished job: fires with the simulator’s job and its file',
		async (_n, shape) => {
			const id = await submitVideo();
			sim.completeJob(id);
			const job = (await api('GET', `/api/v1/job/${id}`)).body;
			expect(job.status).toBe('completed');
			const url = (job.output as { video_urls: string[] }).video_urls[1];
			const expected = Buffer.from(await (await fetch(url)).arrayBuffer());
			const readsBefore = sim.stats().readsByJob[id] ?? 0;

			const out = await callTrigger({
				body: shape(job),
				parameters: { download: 'one', downloadNumber: 1 },
				baseUrl: sim.url,
			});

			const item = expectFired(out, job);
			expect(item.json).toMatchObject({
				jobId: id,
				status: 'completed',
				taskType: 'video_diffusion',
			});
			expect(item.binary?.data?.fileName).toBe(`${id}_1.mp4`);
			const got = await binaryBuffer(item);
			expect(got.length).toBe(200_000);
			expect(got.equals(expected)).toBe(true);
			expect(sim.stats().readsByJob[id]).toBe(readsBefore + 1);
			expect(sim.stats().cdnRequestsWithApiKey).toBe(0);
		},
	);

	it('a callback claiming a running job is finished: 409, nothing fired', async () => {
		const id = await submitVideo();
		const job = (await api('GET', `/api/v1/job/${id}`)).body;
		const out = await callTrigger({
			body: wrapped({ ...job, status: 'completed' }),
			baseUrl: sim.url,
		});
		expectRefused(out, 409, /not finished/);
	});

	it('the API drops the connection: 503 after two tries, nothing fired; the retried callback fires', async () => {
		const id = await submitVideo();
		sim.completeJob(id);
		const job = (await api('GET', `/api/v1/job/${id}`)).body;
		const faultedBefore = sim.stats().faulted.scripted ?? 0;
		sim.enqueue({ method: 'GET', path: `/api/v1/job/${id}`, drop: true, times: 2 });

		const out = await callTrigger({ body: wrapped(job), baseUrl: sim.url });
		expectRefused(out, 503, /could not confirm/i);
		expect((sim.stats().faulted.scripted ?? 0) - faultedBefore).toBe(2);

		const retried = await callTrigger({
			body: wrapped(job),
			baseUrl: sim.url,
			nodeStaticData: out.nodeStaticData,
		});
		expectFired(retried, job);
	});

	it('nothing listens at the API URL: 503, nothing fired', async () => {
		const closed = await createSimulator({ apiKey: SENTINEL_KEY });
		const deadUrl = closed.url;
		await closed.close();
		const out = await callTrigger({ body: wrapped(apiCompleted()), baseUrl: deadUrl });
		expectRefused(out, 503, /could not confirm/i);
	});

	it('a forged callback for a job the simulator does not know: 404, nothing fired', async () => {
		const id = await submitVideo();
		sim.completeJob(id);
		const job = (await api('GET', `/api/v1/job/${id}`)).body;
		const forgedId = 'a1b2c3d4-0000-4000-8000-000000000000';
		const readsBefore = sim.stats().requests['GET /api/v1/job/:id'] ?? 0;
		for (const shape of [wrapped, bare]) {
			const out = await callTrigger({
				body: shape({ ...job, job_id: forgedId }),
				baseUrl: sim.url,
			});
			expectRefused(out, 404, /unknown job/i);
		}
		expect(sim.stats().requests['GET /api/v1/job/:id']).toBe(readsBefore + 2);
	});
});
