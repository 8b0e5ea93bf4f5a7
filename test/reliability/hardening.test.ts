/**
 * Hardening: one block per guarantee (no redirects followed, bounded downloads, no double payment,
 * tokens kept out of outputs, checked callback input...), each run against the local Legnext
 * simulator (redirecting API, stalling CDN, error page as file) or a local server, through n8n-core's
 * WorkflowExecute or the nodes' real webhook functions. Each test fails on code without the guarantee.
 */
import { randomBytes, randomUUID } from 'crypto';
import { sleep, type IDataObject, type INodeParameters } from 'n8n-workflow';

import { derivedTriggerToken } from '../../nodes/legnext/callbackTokens';
import { downloadPolicy } from '../../nodes/legnext/fileDownload';
import {
	credentialsFor,
	nodeTypes,
	runVideoNode,
	SENTINEL_KEY,
	startVideoNode,
	TRIGGER_NODE_TYPE,
	useFastRetries,
	useSimulator,
	VIDEO_NODE,
	VIDEO_NODE_TYPE,
} from '../helpers/legnext';
import { MANUAL_TRIGGER_TYPE, SET_ITEMS_TYPE } from '../helpers/workflow/builtin-nodes';
import { TEST_INSTANCE_URL } from '../helpers/workflow/session';
import { runWorkflow, type WorkflowRunResult } from '../helpers/workflow/run';
import { runWebhook, type WebhookRunResult } from '../helpers/workflow/webhook';
import { resumeWorkflow } from '../helpers/workflow/resume';
import { exposureFigures, watch } from './exposure';

const TOKEN = randomBytes(16).toString('hex');
const TRIGGER_NODE_ID = randomUUID();
/** Short bounds, so a hanging download fails the test's own timeout instead of ending in time. */
const FAST_DOWNLOADS = { answerTimeoutMs: 300, stallTimeoutMs: 300, attempts: 2 };

useFastRetries();
const sim = useSimulator({
	apiKey: SENTINEL_KEY,
	jobMs: 150,
	videoBytes: 4096,
	faults: { callbackLossRate: 1 },
});
/** Another origin (a second simulator): nothing may reach it. */
const elsewhere = useSimulator({ apiKey: SENTINEL_KEY });
const requestsElsewhere = () =>
	Object.values(elsewhere.stats().requests as Record<string, number>).reduce(
		(sum, n) => sum + n,
		0,
	);
const savedDownloadPolicy = { ...downloadPolicy };
beforeAll(() => {
	Object.assign(downloadPolicy, FAST_DOWNLOADS);
});
beforeEach(() => {
	sim.configure({ faults: null, jobMs: 150, signedUrls: false });
	sim.configure({ faults: { callbackLossRate: 1 } });
	sim.reset();
	elsewhere.reset();
});
afterAll(() => {
	Object.assign(downloadPolicy, savedDownloadPolicy);
	exposureFigures();
});

function createParameters(extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'video',
		operation: 'create',
		source: 'imageUrl',
		imageUrl: 'https://img.test/a.png',
		download: 'none',
		...extra,
		options: { maxPollIntervalSeconds: 0.05, ...(extra.options as IDataObject) },
	};
}

async function run(parameters: INodeParameters): Promise<WorkflowRunResult> {
	return watch(await runVideoNode({ parameters, baseUrl: sim.url }));
}

/** A finished video job in the simulator, as the API reports it. */
async function finishedVideoJob(): Promise<IDataObject> {
	const result = await run(createParameters({ waitForCompletion: true }));
	expect(result.error?.message).toBeUndefined();
	const jobId = String(result.outputOf(VIDEO_NODE)[0].json.jobId);
	return (sim.jobs() as IDataObject[]).find((job) => job.job_id === jobId) as IDataObject;
}

async function callTrigger(
	body: unknown,
	parameters: INodeParameters = {},
	nodeStaticData?: IDataObject,
): Promise<WebhookRunResult> {
	return watch(
		await runWebhook({
			nodeType: nodeTypes[TRIGGER_NODE_TYPE],
			node: { id: TRIGGER_NODE_ID, webhookId: randomUUID() },
			parameters: { token: TOKEN, download: 'none', ...parameters },
			credentials: credentialsFor(sim.url),
			request: { body, query: { token: TOKEN } },
			nodeStaticData,
		}),
	);
}

const errorText = (result: { error?: unknown }) =>
	`${String((result.error as { message?: unknown })?.message)} ${String((result.error as { description?: unknown })?.description)}`;

describe('Legnext calls never follow a redirect', () => {
	it('a job read answered 302 to another origin: nothing reaches that origin, the error names the redirect', async () => {
		sim.enqueue({ path: '/api/v1/job/', redirectTo: elsewhere.url, times: -1 });
		const jobId = randomUUID();
		const result = await run({ resource: 'job', operation: 'get', jobId });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/redirect \(HTTP 302\), which was not followed/);
		expect(errorText(result)).toContain(`a redirect to ${elsewhere.url}/api/v1/job/${jobId}`);
		expect(requestsElsewhere()).toBe(0);
		expect(sim.stats().requests['GET /api/v1/job/:id']).toBe(1);
	});

	it('a submit answered 307 to another origin is not re-sent there (no key, no second paid submit)', async () => {
		sim.enqueue({
			method: 'POST',
			path: '/api/v1/video-diffusion',
			redirectTo: elsewhere.url,
			status: 307,
		});
		const result = await run(createParameters({ waitForCompletion: false }));
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/redirect \(HTTP 307\)/);
		expect(requestsElsewhere()).toBe(0);
		expect(sim.stats().submitAttempts).toBe(1);
	});
});

describe('every download is bounded', () => {
	it('a CDN that sends headers and then stalls ends the item within the bound, naming the stall', async () => {
		sim.enqueue({ path: '/cdn/', stall: 'body', times: -1 });
		const started = Date.now();
		const result = await run(createParameters({ download: 'one' }));
		const tookMs = Date.now() - started;
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(
			/Could not download result 0 of Legnext job .* from 127\.0\.0\.1:\d+: the server stopped sending data for 0\.3 s/,
		);
		expect(sim.stats().requests['GET /cdn']).toBe(FAST_DOWNLOADS.attempts);
		expect(tookMs).toBeLessThan(5000);
	}, 20_000);

	it('a CDN that accepts the connection and never answers ends the item within the bound', async () => {
		sim.enqueue({ path: '/cdn/', stall: 'answer', times: -1 });
		const result = await run(createParameters({ download: 'one' }));
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/no answer within 0\.3 s/);
	}, 20_000);

	it('the Trigger answers 503 within the bound when the CDN stalls, and starts nothing', async () => {
		const job = await finishedVideoJob();
		sim.enqueue({ path: '/cdn/', stall: 'body', times: -1 });
		const started = Date.now();
		const out = await callTrigger({ data: job }, { download: 'one' });
		expect(Date.now() - started).toBeLessThan(5000);
		expect(out.workflowData).toBeUndefined();
		expect(out.response).toMatchObject({ status: 503, body: { ok: false } });
		expect(String((out.response.body as IDataObject).error)).toMatch(/stopped sending data/);
	}, 20_000);

	it('the pause-mode resume answers 503 within the bound when the CDN stalls, and the execution keeps waiting', async () => {
		sim.configure({ jobMs: 60_000 });
		const waiting = await run(createParameters({ waitStrategy: 'pause', download: 'one' }));
		expect(waiting.status).toBe('waiting');
		const [submitted] = sim.jobs() as IDataObject[];
		const callback = new URL(
			String(
				(submitted.config as IDataObject & { webhook_config: IDataObject }).webhook_config.endpoint,
			),
		);
		sim.completeJob(String(submitted.job_id));
		const finished = (sim.jobs() as IDataObject[])[0];
		sim.enqueue({ path: '/cdn/', stall: 'body', times: -1 });
		const started = Date.now();
		const resumed = await resumeWorkflow(waiting, {
			request: {
				method: 'POST',
				body: { data: finished },
				query: Object.fromEntries(callback.searchParams),
			},
		});
		watch(resumed.webhook);
		expect(Date.now() - started).toBeLessThan(5000);
		expect(resumed.result).toBeUndefined();
		expect(resumed.webhook.response).toMatchObject({ status: 503, body: { ok: false } });
		expect(String((resumed.webhook.response.body as IDataObject).error)).toMatch(
			/Execution not resumed: .*stopped sending data/,
		);
	}, 20_000);

	it('result files may come through a CDN redirect, fetched without the key', async () => {
		// Same simulator, another origin (localhost instead of 127.0.0.1).
		const otherOrigin = sim.url.replace('127.0.0.1', 'localhost');
		sim.enqueue({ path: '/cdn/', redirectTo: otherOrigin });
		const result = await run(createParameters({ download: 'one' }));
		expect(result.error?.message).toBeUndefined();
		const [item] = result.outputOf(VIDEO_NODE);
		expect((await result.binaryBuffer(item, 'data')).length).toBe(4096);
		expect(sim.stats()).toMatchObject({ cdnRequestsWithApiKey: 0, requests: { 'GET /cdn': 2 } });
	});

	it('Stop during a stalled download ends the run at once', async () => {
		sim.enqueue({ path: '/cdn/', stall: 'body', times: -1 });
		Object.assign(downloadPolicy, { stallTimeoutMs: 60_000 });
		try {
			const handle = startVideoNode({
				parameters: createParameters({ download: 'one' }),
				baseUrl: sim.url,
			});
			const deadline = Date.now() + 5000;
			while ((sim.stats().requests['GET /cdn'] ?? 0) === 0 && Date.now() < deadline) await sleep(5);
			await sleep(50);
			const stoppedAt = Date.now();
			handle.cancel();
			const result = watch(await handle.done);
			expect(result.status).toBe('canceled');
			expect(Date.now() - stoppedAt).toBeLessThan(1000);
		} finally {
			Object.assign(downloadPolicy, FAST_DOWNLOADS);
		}
	}, 20_000);
});

describe('the Trigger records a delivery only once the workflow starts', () => {
	it('a download failure answers 503 and records nothing; the repeat fires once; a third call is a duplicate', async () => {
		const job = await finishedVideoJob();
		sim.enqueue({ path: '/cdn/', status: 503, times: FAST_DOWNLOADS.attempts });
		const first = await callTrigger({ data: job }, { download: 'one' });
		expect(first.workflowData).toBeUndefined();
		expect(first.response.status).toBe(503);
		expect(first.nodeStaticData.deliveries ?? []).toEqual([]);

		const repeat = await callTrigger({ data: job }, { download: 'one' }, first.nodeStaticData);
		expect(repeat.workflowData?.[0]).toHaveLength(1);
		expect(repeat.workflowData?.[0][0].binary?.data?.mimeType).toBe('video/mp4');
		expect(repeat.nodeStaticData.deliveries).toEqual([`${String(job.job_id)}:completed`]);

		const third = await callTrigger({ data: job }, { download: 'one' }, repeat.nodeStaticData);
		expect(third.workflowData).toBeUndefined();
		expect(third.response).toMatchObject({ status: 200, body: { ignored: 'duplicate' } });
	});

	it('a repeat that arrives while the first call is still downloading is a duplicate: one fires', async () => {
		const job = await finishedVideoJob();
		sim.enqueue({ path: '/cdn/', pass: true, delayMs: 200 });
		const calls = await Promise.all([
			callTrigger({ data: job }, { download: 'one' }),
			sleep(50).then(async () => await callTrigger({ data: job }, { download: 'one' })),
		]);
		expect(
			calls.map((out) => (out.workflowData ? 'fired' : (out.response.body as IDataObject).ignored)),
		).toEqual(['fired', 'duplicate']);
	});
});

describe('Retry On Fail never pays twice', () => {
	function retryingWorkflow(parameters: INodeParameters) {
		return {
			nodes: [
				{ name: 'Start', type: MANUAL_TRIGGER_TYPE, parameters: {} },
				{ name: 'Set Items', type: SET_ITEMS_TYPE, parameters: { items: JSON.stringify([{}]) } },
				{
					name: VIDEO_NODE,
					type: VIDEO_NODE_TYPE,
					parameters,
					retryOnFail: true,
					maxTries: 3,
					waitBetweenTries: 10,
				},
			],
			connections: {
				Start: { main: [[{ node: 'Set Items', type: 'main' as const, index: 0 }]] },
				'Set Items': { main: [[{ node: VIDEO_NODE, type: 'main' as const, index: 0 }]] },
			},
		};
	}

	async function runRetrying(parameters: INodeParameters) {
		return watch(
			await runWorkflow({
				workflow: retryingWorkflow(parameters),
				nodeTypes,
				credentials: credentialsFor(sim.url),
			}),
		);
	}

	it('a submit answered 500 (the job was created anyway) is sent once over three tries', async () => {
		sim.enqueue({ method: 'POST', path: '/api/v1/video-diffusion', status: 500, createJob: true });
		const result = await runRetrying(createParameters({ waitForCompletion: false }));
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(
			/Not submitted again: an earlier try of this node sent this job/,
		);
		expect(sim.stats()).toMatchObject({ submitAttempts: 1, jobsCreated: 1 });
	}, 20_000);

	it('a job submitted fine whose download failed is picked up by the retry, not submitted again', async () => {
		sim.enqueue({ path: '/cdn/', status: 404 });
		const result = await runRetrying(createParameters({ download: 'one' }));
		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');
		const [item] = result.outputOf(VIDEO_NODE);
		expect((await result.binaryBuffer(item, 'data')).length).toBe(4096);
		expect(sim.stats()).toMatchObject({ submitAttempts: 1, jobsCreated: 1 });
		expect(sim.stats().requests['GET /cdn']).toBe(2);
	}, 20_000);

	it('a refused submit (400) may be sent again by a retry: Legnext took nothing', async () => {
		sim.enqueue({ method: 'POST', path: '/api/v1/video-diffusion', status: 400 });
		const result = await runRetrying(createParameters({ waitForCompletion: false }));
		expect(result.status).toBe('success');
		expect(sim.stats()).toMatchObject({ submitAttempts: 2, jobsCreated: 1 });
	}, 20_000);
});

describe('tokens stay out of outputs and errors', () => {
	it('the echoed Callback URL in `raw` has its trigger token replaced', async () => {
		const webhookId = randomUUID();
		const token = derivedTriggerToken(SENTINEL_KEY, webhookId);
		const callbackUrl = `${TEST_INSTANCE_URL}/webhook/${webhookId}/callback`;
		const result = await run(createParameters({ callbackUrl }));
		expect(result.status).toBe('success');
		// The token did go to Legnext (the trigger needs it)...
		const pathForm = `${TEST_INSTANCE_URL}/webhook/${webhookId}/${webhookId}`;
		expect((sim.jobs() as IDataObject[])[0].config).toMatchObject({
			webhook_config: { endpoint: `${pathForm}/${token}` },
		});
		// ...but no output shows it.
		const [item] = result.outputOf(VIDEO_NODE);
		expect((item.json.raw as IDataObject).config).toMatchObject({
			webhook_config: { endpoint: `${pathForm}/[redacted]` },
		});
		expect(JSON.stringify(result.run)).not.toContain(token);
	});

	it('an API error that echoes the Callback URL shows no token', async () => {
		const webhookId = randomUUID();
		const token = derivedTriggerToken(SENTINEL_KEY, webhookId);
		const callbackUrl = `${TEST_INSTANCE_URL}/webhook/${webhookId}/callback`;
		sim.enqueue({
			method: 'POST',
			path: '/api/v1/video-diffusion',
			status: 400,
			body: {
				code: 400,
				message: `invalid callback ${callbackUrl}?token=${token} or ${TEST_INSTANCE_URL}/webhook/${webhookId}/${webhookId}/${token}`,
			},
		});
		const result = await run(createParameters({ callbackUrl, waitForCompletion: false }));
		expect(result.status).toBe('error');
		expect(errorText(result)).toContain('token=[redacted]');
		expect(errorText(result)).toContain(`/webhook/${webhookId}/${webhookId}/[redacted]`);
		expect(JSON.stringify(result.run)).not.toContain(token);
	});
});

describe('callback input is checked before use (Confirm off)', () => {
	it('a deeply nested body is refused with 400 and fires nothing', async () => {
		const job = await finishedVideoJob();
		let nested: IDataObject = { end: true };
		for (let i = 0; i < 2000; i++) nested = { inner: nested };
		const out = await callTrigger({ data: { ...job, detail: nested } }, { confirmWithApi: false });
		expect(out.workflowData).toBeUndefined();
		expect(out.response).toMatchObject({
			status: 400,
			body: { error: 'Callback body is nested too deeply' },
		});
	});

	it('a result URL that is not http(s) is not downloaded: 503, nothing fired', async () => {
		const job = await finishedVideoJob();
		const forged = {
			...job,
			output: {
				video_urls: [`data:video/mp4;base64,${Buffer.from('not a video').toString('base64')}`],
			},
		};
		const out = await callTrigger({ data: forged }, { confirmWithApi: false, download: 'one' });
		expect(out.workflowData).toBeUndefined();
		expect(out.response.status).toBe(503);
		expect(String((out.response.body as IDataObject).error)).toMatch(
			/its URL is not an http\(s\) URL/,
		);
	});
});

describe('a download must be what the job promised', () => {
	it('a CDN error page sent as 200 text/html is an error naming the job and host, not the signed query', async () => {
		sim.configure({ signedUrls: true });
		sim.enqueue({ path: '/cdn/', expiredPage: true });
		const result = await run(createParameters({ download: 'one' }));
		expect(result.status).toBe('error');
		const host = new URL(sim.url).host;
		expect(result.error?.message).toMatch(
			new RegExp(
				`Could not download result 0 of Legnext job [0-9a-f-]{36} from ${host.replace('.', '\\.')}: the server sent text/html instead of a video`,
			),
		);
		expect(errorText(result)).not.toMatch(/Signature|Expires/);
		// Not retried: the page would not change.
		expect(sim.stats().requests['GET /cdn']).toBe(1);
	});
});

describe('binary field names are checked before anything is sent', () => {
	it.each(['__proto__', 'constructor', 'a.b'])(
		'"%s" is refused, naming the field and the item',
		async (name) => {
			const result = await run(createParameters({ download: 'one', binaryPropertyName: name }));
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(/^Put Output File in Field must not .* \(item 0\)$/);
			expect(sim.stats().submitAttempts).toBe(0);
		},
	);

	it('the Trigger with a reserved field name answers 503 naming the field and starts nothing', async () => {
		const job = await finishedVideoJob();
		const out = await callTrigger(
			{ data: job },
			{ download: 'one', binaryPropertyName: '__proto__' },
		);
		expect(out.workflowData).toBeUndefined();
		expect(out.response.status).toBe(503);
		expect(String((out.response.body as IDataObject).error)).toMatch(
			/Put Output File in Field must not be a reserved name/,
		);
		expect(sim.stats().requests['GET /cdn'] ?? 0).toBe(0);
	});
});

describe('Stop during a submit', () => {
	it('says the job may have been created', async () => {
		sim.enqueue({
			method: 'POST',
			path: '/api/v1/video-diffusion',
			status: 200,
			delayMs: 20_000,
			createJob: true,
		});
		const handle = startVideoNode({
			parameters: createParameters({ waitForCompletion: false }),
			baseUrl: sim.url,
		});
		const deadline = Date.now() + 5000;
		while (sim.stats().submitAttempts === 0 && Date.now() < deadline) await sleep(5);
		handle.cancel();
		const result = watch(await handle.done);
		expect(result.status).toBe('canceled');
		const nodeError = result.errorOf(VIDEO_NODE) ?? result.error;
		expect(nodeError?.message).toBe(
			'Stopped while submitting the Legnext job: the job may have been created',
		);
		expect(String((nodeError as { description?: unknown })?.description)).toMatch(
			/Legnext dashboard/,
		);
	});
});
