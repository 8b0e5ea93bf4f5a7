/**
 * Bad input: a table of bad inputs to the Video and Trigger nodes, run against the local
 * Legnext simulator, which counts every request. Each row must give a clear error (the field and the
 * item; for the API's refusals its HTTP code), send no submit (an API refusal: exactly the one refused
 * submit), and end as a normal n8n result rather than a crash. Figures go to ./report.js.
 */
import { randomBytes, randomUUID } from 'crypto';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	credentialsFor,
	IMAGE_JOB_ID,
	JOB_ID,
	nodeTypes,
	runVideoNode,
	SENTINEL_KEY,
	TRIGGER_NODE_TYPE,
	useFastRetries,
	useSimulator,
	videoWorkflow,
} from '../helpers/legnext';
import { runWorkflow, type WorkflowRunResult } from '../helpers/workflow/run';
import { runWebhook } from '../helpers/workflow/webhook';
import type { WebhookRequest } from '../helpers/workflow/express-fakes';
import { exposureFigures, watch } from './exposure';
import { flush, report } from './report';

/** The trigger's Secret Token in these tests. */
const TOKEN = randomBytes(16).toString('hex');
const IMAGE_URL = 'https://img.test/a.png';

useFastRetries();
const sim = useSimulator({ apiKey: SENTINEL_KEY, jobMs: 300, retryAfterSeconds: 0.05 });
beforeEach(() => {
	sim.configure({ faults: null, credits: 100_000 });
	sim.reset();
});

const tally = { video: 0, trigger: 0, inputErrors: 0, apiRefusals: 0, crashes: 0, maxSubmits: 0 };

afterAll(() => {
	report('bad inputs', {
		rows: tally.video + tally.trigger,
		'Video node': tally.video,
		'Trigger node': tally.trigger,
		'input errors (no request at all)': tally.inputErrors,
		'API-side errors (at most 1 submit, none repeated)': tally.apiRefusals,
		'most submits in a row': tally.maxSubmits,
		crashes: tally.crashes,
		'unhandled rejections': '0 (jest fails any test that leaves one)',
	});
	report('secrets', exposureFigures());
	flush('bad input (Video and Trigger nodes, simulator)');
});

/** The HTTP code an execution's error carries, or undefined (n8n stores errors as plain objects). */
function httpCode(result: WorkflowRunResult): string | undefined {
	const code = (result.error as { httpCode?: unknown } | undefined)?.httpCode;
	return typeof code === 'string' ? code : undefined;
}
// -------------------------------------------------------------------------------------------------
// Video node
// -------------------------------------------------------------------------------------------------

const createFromUrl: INodeParameters = {
	resource: 'video',
	operation: 'create',
	source: 'imageUrl',
	imageUrl: IMAGE_URL,
	download: 'none',
	options: { maxPollIntervalSeconds: 0.05 },
};
const fromImageJob: INodeParameters = {
	...createFromUrl,
	source: 'imageJob',
	imageJobId: IMAGE_JOB_ID,
	imageNumber: 0,
};
const extend: INodeParameters = {
	resource: 'video',
	operation: 'extend',
	videoJobId: JOB_ID,
	videoNumber: 0,
	download: 'none',
};
const upscale: INodeParameters = { ...extend, operation: 'upscale' };
const getJob: INodeParameters = { resource: 'job', operation: 'get', jobId: JOB_ID };

/** An input the node must refuse before sending anything. */
interface InputRow {
	parameters: INodeParameters;
	items?: IDataObject[];
	/** The whole message, ending with the item. */
	message: RegExp;
	item?: number;
}

/** Texts that fill the prompt to 8187 characters: within the limit, until the --raw flag is added. */
const nearlyFullPrompt = 'y'.repeat(8192 - 5 - IMAGE_URL.length - 1);

const inputRows: Array<[string, InputRow]> = [
	[
		// A literal empty required field never gets this far: n8n refuses to run a node with issues.
		'Image URL from an expression that resolves to nothing',
		{
			parameters: { ...createFromUrl, imageUrl: '={{ $json.url }}' },
			items: [{ name: 'no url here' }],
			message: /^Image URL is empty/,
		},
	],
	[
		'Image URL not a URL',
		{
			parameters: { ...createFromUrl, imageUrl: 'a cat on a sofa' },
			message: /^Image URL must be an http:\/\/ or https:\/\/ URL, got "a cat on a sofa"/,
		},
	],
	[
		'Image URL with a javascript: scheme',
		{
			parameters: { ...createFromUrl, imageUrl: 'javascript:alert(1)' },
			message: /^Image URL must be an http:\/\/ or https:\/\/ URL/,
		},
	],
	[
		'Image URL from an expression that resolves to an object',
		{
			parameters: { ...createFromUrl, imageUrl: '={{ $json.image }}' },
			items: [{ image: { href: IMAGE_URL } }],
			message: /^Image URL must be text, but the expression gave an object/,
		},
	],
	[
		'Prompt from an expression that resolves to a list',
		{
			parameters: { ...createFromUrl, prompt: '={{ $json.tags }}' },
			items: [{ tags: ['sunset', 'sea'] }],
			message: /^Prompt must be text, but the expression gave a list/,
		},
	],
	[
		'Prompt too long (8193 characters)',
		{
			parameters: { ...createFromUrl, source: 'text', prompt: 'x'.repeat(8193) },
			message:
				/^Prompt is too long: Legnext takes at most 8192 characters, and the prompt sent would have 8193 \(item 0\)$/,
		},
	],
	[
		'Prompt too long only once the prompt flags are added',
		{
			parameters: { ...createFromUrl, prompt: nearlyFullPrompt, promptOptions: { raw: true } },
			// The error counts what the user typed apart from what the node added.
			message: new RegExp(
				`^Prompt is too long: Legnext takes at most 8192 characters, and the prompt sent would have 8193 \\(${nearlyFullPrompt.length} typed, plus ${8193 - nearlyFullPrompt.length} for the Image URL and the prompt options\\)`,
			),
		},
	],
	[
		'Text Only with a blank prompt',
		{
			parameters: { ...createFromUrl, source: 'text', prompt: ' \n ' },
			message: /^Prompt is empty/,
		},
	],
	[
		'Source of an unknown kind',
		{
			parameters: { ...createFromUrl, source: 'video' },
			message: /^Source must be Image URL, Image Job or Text Only, got "video"/,
		},
	],
	[
		'Image Job ID not a UUID',
		{
			parameters: { ...fromImageJob, imageJobId: 'job-1' },
			message: /^Image Job ID must be a job ID \(a UUID like .*\), got "job-1"/,
		},
	],
	[
		'Image Job ID from an expression that resolves to a number',
		{
			parameters: { ...fromImageJob, imageJobId: '={{ $json.id }}' },
			items: [{ id: 12345 }],
			message: /^Image Job ID must be a job ID .*got "12345"/,
		},
	],
	[
		'Image Job ID from an expression that resolves to empty text',
		{
			parameters: { ...fromImageJob, imageJobId: '={{ $json.id }}' },
			items: [{ id: '' }],
			message: /^Image Job ID is empty/,
		},
	],
	[
		'Image Number out of range (4)',
		{
			parameters: { ...fromImageJob, imageNumber: 4 },
			message: /^Image Number must be a whole number from 0 to 3, got 4/,
		},
	],
	[
		'Image Number negative',
		{
			parameters: { ...fromImageJob, imageNumber: -1 },
			message: /^Image Number must be a whole number from 0 to 3, got -1/,
		},
	],
	[
		'Image Number of the wrong type (text)',
		{
			parameters: { ...fromImageJob, imageNumber: '={{ "two" }}' },
			message: /^Image Number must be a whole number from 0 to 3, got "two"/,
		},
	],
	[
		'Quality out of range (2)',
		{
			parameters: { ...createFromUrl, quality: 2 },
			message: /^Quality must be a whole number from 0 to 1, got 2/,
		},
	],
	[
		'Motion neither Low nor High',
		{
			parameters: { ...createFromUrl, promptOptions: { motion: 'extreme' } },
			message: /^Motion must be Low or High/,
		},
	],
	[
		'End Frame Image URL from an expression that resolves to an object',
		{
			parameters: { ...createFromUrl, promptOptions: { endFrameUrl: '={{ $json.end }}' } },
			items: [{ end: { url: IMAGE_URL } }],
			message: /^End Frame Image URL must be text, but the expression gave an object/,
		},
	],
	[
		'Callback URL with a javascript: scheme',
		{
			parameters: { ...createFromUrl, callbackUrl: 'javascript:alert(1)' },
			message: /^Callback URL must be an http:\/\/ or https:\/\/ URL/,
		},
	],
	[
		'Callback URL with a space in it',
		{
			parameters: { ...createFromUrl, callbackUrl: 'https://hooks.test/a b' },
			message: /^Callback URL must be an http:\/\/ or https:\/\/ URL/,
		},
	],
	[
		'Callback URL that is an n8n test webhook URL (listens two minutes only)',
		{
			parameters: {
				...createFromUrl,
				callbackUrl:
					'https://n8n.example.com/webhook-test/5b9a2c4e-7d1f-4e3a-9b8c-0a1b2c3d4e5f/callback',
			},
			message:
				/^Callback URL is an n8n test URL \(\/webhook-test\/\), which listens for only two minutes, less than a job takes \(item 0\)$/,
		},
	],
	[
		'Callback URL that is a test URL behind a path prefix',
		{
			parameters: {
				...createFromUrl,
				callbackUrl: 'https://example.com/n8n/webhook-test/abc/callback?token=x',
			},
			message: /^Callback URL is an n8n test URL/,
		},
	],
	[
		'Callback URL given with Wait Strategy "Pause Until Callback"',
		{
			parameters: {
				...createFromUrl,
				waitStrategy: 'pause',
				callbackUrl: 'https://hooks.test/x',
			},
			message: /^Callback URL must be empty with Wait Strategy "Pause Until Callback"/,
		},
	],
	[
		'Extend: Video Job ID empty',
		{ parameters: { ...extend, videoJobId: '  ' }, message: /^Video Job ID is empty/ },
	],
	[
		'Extend: Video Number out of range (4)',
		{
			parameters: { ...extend, videoNumber: 4 },
			message: /^Video Number must be a whole number from 0 to 3, got 4/,
		},
	],
	[
		'Extend: Prompt too long (9000 characters)',
		{
			parameters: { ...extend, prompt: 'z'.repeat(9000) },
			message:
				/^Prompt is too long: Legnext takes at most 8192 characters, and the prompt sent would have 9000 \(item 0\)$/,
		},
	],
	[
		'Upscale: Video Job ID from an expression that resolves to an object',
		{
			parameters: { ...upscale, videoJobId: '={{ $json.job }}' },
			items: [{ job: { id: JOB_ID } }],
			message: /^Video Job ID must be text, but the expression gave an object/,
		},
	],
	[
		'Upscale: Video Number of the wrong type (boolean)',
		{
			parameters: { ...upscale, videoNumber: '={{ true }}' },
			message: /^Video Number must be a whole number from 0 to 3, got true/,
		},
	],
	[
		'Get Job: Job ID with a path appended',
		{
			parameters: { ...getJob, jobId: `${JOB_ID}/../../account/balance` },
			message: /^Job ID must be a job ID/,
		},
	],
	[
		'Get Job: Job ID from an expression that resolves to a list',
		{
			parameters: { ...getJob, jobId: '={{ $json.ids }}' },
			items: [{ ids: [JOB_ID, JOB_ID] }],
			message: /^Job ID must be text, but the expression gave a list/,
		},
	],
	[
		'Timeout negative',
		{
			parameters: { ...createFromUrl, options: { timeoutMinutes: -5 } },
			message: /^Timeout \(Minutes\) must be a number from 0.01 to 10080, got -5/,
		},
	],
	[
		'Timeout of the wrong type (text)',
		{
			parameters: { ...createFromUrl, options: { timeoutMinutes: '={{ "soon" }}' } },
			message: /^Timeout \(Minutes\) must be a number from 0.01 to 10080, got "soon"/,
		},
	],
	[
		'Max Poll Interval zero',
		{
			parameters: { ...createFromUrl, options: { maxPollIntervalSeconds: 0 } },
			message: /^Max Poll Interval \(Seconds\) must be a number from 0.05 to 3600, got 0/,
		},
	],
	[
		'Max Concurrent Jobs too high (101)',
		{
			parameters: { ...createFromUrl, options: { maxConcurrentJobs: 101 } },
			message: /^Max Concurrent Jobs must be a number from 1 to 100, got 101/,
		},
	],
	[
		'Result to Download out of range (4)',
		{
			parameters: { ...createFromUrl, download: 'one', downloadNumber: 4 },
			message: /^Result to Download must be a whole number from 0 to 3, got 4/,
		},
	],
	[
		'Put Output File in Field empty',
		{
			parameters: { ...createFromUrl, download: 'all', binaryPropertyName: '' },
			message: /^Put Output File in Field is empty/,
		},
	],
	[
		'one bad item (item 2) among four good ones: no item is submitted',
		{
			parameters: { ...createFromUrl, imageUrl: '={{ $json.url }}' },
			items: [
				{ url: 'https://img.test/0.png' },
				{ url: 'https://img.test/1.png' },
				{ url: 'img.test/2.png' },
				{ url: 'https://img.test/3.png' },
			],
			message: /^Image URL must be an http:\/\/ or https:\/\/ URL, got "img.test\/2.png"/,
			item: 2,
		},
	],
];

function requestsSeen(): number {
	return Object.values(sim.stats().requests).reduce((sum, count) => sum + count, 0);
}

/** What every row checks: a normal n8n result, an n8n error, and the submits the simulator saw. */
function expectHandled(result: WorkflowRunResult, submits: number) {
	watch(result);
	if (result.status !== 'error' || !result.error?.message) tally.crashes++;
	expect(result.status).toBe('error');
	expect(['NodeOperationError', 'NodeApiError']).toContain(result.error?.name);
	const stats = sim.stats();
	expect(stats.submitAttempts).toBe(submits);
	tally.maxSubmits = Math.max(tally.maxSubmits, stats.submitAttempts);
}

describe('Video node: bad input is refused before any request', () => {
	it.each(inputRows)('%s', async (_name, row) => {
		const item = row.item ?? 0;
		const result = await runVideoNode({
			parameters: row.parameters,
			items: row.items,
			baseUrl: sim.url,
		});
		expectHandled(result, 0);
		expect(result.error?.message).toMatch(row.message);
		expect(result.error?.message).toMatch(new RegExp(`\\(item ${item}\\)$`));
		expect(result.error?.context?.itemIndex).toBe(item);
		expect(requestsSeen()).toBe(0);
		tally.video++;
		tally.inputErrors++;
	});
});

describe('Video node: credential problems', () => {
	it('no credential selected: a clear error, nothing sent', async () => {
		const result = await runWorkflow({
			workflow: videoWorkflow({ parameters: createFromUrl, baseUrl: sim.url }),
			nodeTypes,
			credentials: {},
		});
		expectHandled(result, 0);
		expect(result.error?.message).toBe(
			'Credential to connect with is empty: no Legnext Video API credential is selected (item 0)',
		);
		expect(result.error?.description).toMatch(/"Legnext Video API" credential/);
		expect(requestsSeen()).toBe(0);
		tally.video++;
		tally.inputErrors++;
	});

	it('Base URL of the credential not a URL: a clear error that does not quote it, nothing sent', async () => {
		const result = await runVideoNode({
			parameters: createFromUrl,
			baseUrl: `api.legnext.ai/${SENTINEL_KEY}`,
		});
		expectHandled(result, 0);
		expect(result.error?.message).toBe(
			'Base URL of the Legnext Video API credential must be an http:// or https:// URL (item 0)',
		);
		expect(requestsSeen()).toBe(0);
		tally.video++;
		tally.inputErrors++;
	});
});

/** A refusal by the API: the one request, its HTTP code, a clear message, no second try. */
interface ApiRow {
	parameters: INodeParameters;
	/** Prepares the simulator (a scripted answer, fewer credits...). */
	setup?: () => void;
	apiKey?: string;
	message: RegExp;
	description?: RegExp;
	httpCode: string | undefined;
	submits: 0 | 1;
	/** Jobs the simulator created (a truncated answer still creates its job). */
	jobs?: number;
}

const submitPath = '/api/v1/video-diffusion';

const apiRows: Array<[string, ApiRow]> = [
	[
		'wrong API key (401)',
		{
			parameters: createFromUrl,
			apiKey: `${SENTINEL_KEY}-revoked`,
			message: /^Legnext did not accept the API key: Failed to verify api key$/,
			description: /Check the API key \(and Base URL\)/,
			httpCode: '401',
			submits: 1,
		},
	],
	[
		'wrong API key, echoed back by the API (401)',
		{
			parameters: createFromUrl,
			apiKey: `${SENTINEL_KEY}-revoked`,
			setup: () =>
				sim.enqueue({
					method: 'POST',
					path: submitPath,
					status: 401,
					body: { code: 401, message: `unknown key ${SENTINEL_KEY}-revoked` },
				}),
			message: /^Legnext did not accept the API key: unknown key \[redacted\]$/,
			httpCode: '401',
			submits: 1,
		},
	],
	[
		'empty API key (401)',
		{
			parameters: createFromUrl,
			apiKey: '',
			message: /^Legnext did not accept the API key/,
			httpCode: '401',
			submits: 1,
		},
	],
	[
		'no credits left (402)',
		{
			parameters: { ...createFromUrl, quality: 1 },
			setup: () => sim.configure({ credits: 100 }),
			message: /^Not enough Legnext credits: insufficient credits: this call needs 1536 credits/,
			description: /about 1536 credits/,
			httpCode: '402',
			submits: 1,
		},
	],
	[
		'content refused (403)',
		{
			parameters: { ...createFromUrl, prompt: 'forbidden-content in the prompt' },
			message: /^Legnext refused the request: Prompt rejected/,
			description: /rephrase the prompt or check your plan/,
			httpCode: '403',
			submits: 1,
		},
	],
	[
		'unknown image job (404)',
		{
			parameters: fromImageJob,
			message: new RegExp(
				`^Legnext refused the follow-up: the source job is unknown or too old: job ${IMAGE_JOB_ID} not found`,
			),
			description: /younger than 3 days/,
			httpCode: '404',
			submits: 1,
		},
	],
	[
		'Extend: unknown video job (404)',
		{
			parameters: extend,
			message: /^Legnext refused the follow-up: the source job is unknown or too old/,
			httpCode: '404',
			submits: 1,
		},
	],
	[
		'Get Job: unknown job (404), read once',
		{
			parameters: getJob,
			message: new RegExp(`^Legnext does not know this job: job ${JOB_ID} not found`),
			httpCode: '404',
			submits: 0,
		},
	],
	[
		'Get Job: expired job (404), read once',
		{
			parameters: getJob,
			setup: () =>
				sim.enqueue({
					method: 'GET',
					path: '/api/v1/job/',
					status: 404,
					body: { code: 404, message: 'job expired' },
				}),
			message: /^Legnext does not know this job: job expired$/,
			description: /readable and result files for 30 days/,
			httpCode: '404',
			submits: 0,
		},
	],
	[
		'API rejects a parameter (400)',
		{
			parameters: createFromUrl,
			setup: () =>
				sim.enqueue({
					method: 'POST',
					path: submitPath,
					status: 400,
					body: { code: 400, message: 'invalid parameter "videoType": must be 0 or 1' },
				}),
			message: /^Legnext rejected the request parameters: invalid parameter "videoType"/,
			httpCode: '400',
			submits: 1,
		},
	],
	[
		'request too large for the API (413)',
		{
			parameters: createFromUrl,
			setup: () => sim.enqueue({ method: 'POST', path: submitPath, status: 413 }),
			message: /^The request is too large for Legnext/,
			httpCode: '413',
			submits: 1,
		},
	],
	[
		'HTTP 200 whose body carries error code 402',
		{
			parameters: createFromUrl,
			setup: () =>
				sim.enqueue({
					method: 'POST',
					path: submitPath,
					status: 200,
					body: { code: 402, message: 'insufficient balance', raw_message: '', detail: null },
				}),
			message: /^Not enough Legnext credits: insufficient balance$/,
			httpCode: '402',
			submits: 1,
		},
	],
	[
		'HTML error page instead of JSON (502)',
		{
			parameters: createFromUrl,
			setup: () => sim.enqueue({ method: 'POST', path: submitPath, html: true, createJob: true }),
			message:
				/^Legnext had a server error \(HTTP 502\): Legnext answered with an HTML page instead of JSON$/,
			description: /may have been created anyway, so it was not sent again/,
			httpCode: '502',
			submits: 1,
			jobs: 1,
		},
	],
	[
		'truncated JSON (200, cut in half)',
		{
			parameters: createFromUrl,
			setup: () => sim.enqueue({ method: 'POST', path: submitPath, truncated: true }),
			message:
				/^Legnext\u2019s answer could not be read \(HTTP 200\): Legnext answered with a body that is not valid JSON$/,
			description: /may have been created anyway, so it was not sent again/,
			httpCode: '200',
			submits: 1,
			jobs: 1,
		},
	],
	[
		'accepted, but no job_id in the answer',
		{
			parameters: createFromUrl,
			setup: () =>
				sim.enqueue({
					method: 'POST',
					path: submitPath,
					status: 200,
					body: { status: 'pending', task_type: 'video_diffusion' },
				}),
			message: /^Legnext accepted the request but returned no job ID$/,
			description: /not sent again/,
			httpCode: undefined,
			submits: 1,
		},
	],
];

describe('Video node: refusals by the API', () => {
	it.each(apiRows)('%s', async (_name, row) => {
		row.setup?.();
		const result = await runVideoNode({
			parameters: row.parameters,
			baseUrl: sim.url,
			apiKey: row.apiKey,
		});
		expectHandled(result, row.submits);
		expect(result.error?.message).toMatch(row.message);
		if (row.description) expect(result.error?.description).toMatch(row.description);
		expect(httpCode(result)).toBe(row.httpCode);
		expect(result.error?.context?.itemIndex ?? 0).toBe(0);
		const stats = sim.stats();
		expect(stats.jobsCreated).toBe(row.jobs ?? 0);
		// One request in all: no retry of a refusal, no read of a job that was not made.
		expect(requestsSeen()).toBe(1);
		tally.video++;
		tally.apiRefusals++;
	});
});

// -------------------------------------------------------------------------------------------------
// Trigger node
// -------------------------------------------------------------------------------------------------

/** A finished job as Legnext would call back with it (the simulator's shape). */
function callbackJob(jobId: string): IDataObject {
	return {
		job_id: jobId,
		model: 'midjourney',
		task_type: 'video_diffusion',
		status: 'completed',
		output: { video_urls: [`${sim.url}/cdn/${jobId}/0.mp4`], seed: '1' },
		error: { code: 0, message: '', raw_message: '', detail: null },
	};
}

interface TriggerRow {
	/** The call, about `jobId`: a random UUID, or the job `setup` returned. */
	request: (jobId: string) => WebhookRequest;
	parameters?: INodeParameters;
	/** false: the trigger has no credential. */
	credential?: boolean;
	/** Prepares the simulator; may return the id of a real job for the call. */
	setup?: () => Promise<string | void>;
	status: number;
	error: RegExp;
	reads: number;
}

/** A real job in the simulator, submitted by the Video node without waiting. */
async function realJob(): Promise<string> {
	const result = await runVideoNode({
		parameters: { ...createFromUrl, waitForCompletion: false },
		baseUrl: sim.url,
	});
	return String(result.outputOf('Legnext Video')[0].json.jobId);
}

const withToken = (body: unknown, extra: Partial<WebhookRequest> = {}): WebhookRequest => ({
	body,
	query: { token: TOKEN },
	...extra,
});

const triggerRows: Array<[string, TriggerRow]> = [
	[
		'no token',
		{
			request: (jobId) => ({ body: { timestamp: 1, data: callbackJob(jobId) } }),
			status: 401,
			error: /^Missing or wrong token$/,
			reads: 0,
		},
	],
	[
		'wrong token',
		{
			request: (jobId) => ({
				body: { timestamp: 1, data: callbackJob(jobId) },
				query: { token: `${TOKEN}0` },
			}),
			status: 401,
			error: /^Missing or wrong token$/,
			reads: 0,
		},
	],
	[
		'body is not JSON (plain text)',
		{
			request: () => withToken('job_id=2cbffb65&status=completed'),
			status: 400,
			error: /no Legnext job/,
			reads: 0,
		},
	],
	[
		'body is empty',
		{ request: () => withToken({}), status: 400, error: /no Legnext job/, reads: 0 },
	],
	[
		'job_id of the wrong type (a number)',
		{
			request: () => withToken({ job_id: 12345, status: 'completed' }),
			status: 400,
			error: /no Legnext job/,
			reads: 0,
		},
	],
	[
		'oversized callback body (declared 2 MiB)',
		{
			request: (jobId) =>
				withToken(callbackJob(jobId), {
					headers: { 'content-length': String(2 * 1024 * 1024) },
				}),
			status: 413,
			error: /^Callback body is too large$/,
			reads: 0,
		},
	],
	[
		'oversized callback body sent chunked (no Content-Length)',
		{
			request: (jobId) =>
				withToken({ ...callbackJob(jobId), padding: 'p'.repeat(1024 * 1024 + 1) }),
			status: 413,
			error: /^Callback body is too large$/,
			reads: 0,
		},
	],
	[
		'unknown job',
		{
			request: (jobId) => withToken({ timestamp: 1, data: callbackJob(jobId) }),
			status: 404,
			error: /^Unknown job$/,
			reads: 1,
		},
	],
	[
		'job_id that walks the API path (../account/balance)',
		{
			// Refused before any read: the ID would go into the confirming read's path.
			request: () => withToken(callbackJob('../../account/balance')),
			status: 400,
			error: /^Callback job_id is not a Legnext job ID$/,
			reads: 0,
		},
	],
	[
		'no credential while Confirm with Legnext API is on',
		{
			request: (jobId) => withToken(callbackJob(jobId)),
			credential: false,
			status: 503,
			error:
				/^Could not confirm the job with Legnext: Credential to connect with is empty: no Legnext Video API credential is selected/,
			reads: 0,
		},
	],
	[
		'API answers an HTML error page instead of JSON',
		{
			request: (jobId) => withToken(callbackJob(jobId)),
			setup: async () => {
				sim.enqueue({ method: 'GET', path: '/api/v1/job/', html: true, times: -1 });
			},
			status: 503,
			error: /^Could not confirm the job with Legnext$/,
			reads: 2,
		},
	],
	[
		'API answers truncated JSON',
		{
			request: (jobId) => withToken(callbackJob(jobId)),
			// A real job: the cut-off answer is then the job itself, not a 404.
			setup: async () => {
				const jobId = await realJob();
				sim.enqueue({ method: 'GET', path: '/api/v1/job/', truncated: true, times: -1 });
				return jobId;
			},
			status: 503,
			error: /^Could not confirm the job with Legnext$/,
			reads: 2,
		},
	],
];

describe('Trigger node: bad callbacks are refused, nothing fires', () => {
	it.each(triggerRows)('%s', async (_name, row) => {
		const jobId = (await row.setup?.()) ?? randomUUID();
		const before = sim.stats();
		const requestsBefore = requestsSeen();
		const out = watch(
			await runWebhook({
				nodeType: nodeTypes[TRIGGER_NODE_TYPE],
				parameters: { token: TOKEN, download: 'none', ...row.parameters },
				credentials: row.credential === false ? undefined : credentialsFor(sim.url),
				request: row.request(jobId),
			}),
		);
		if (!out.response.ended) tally.crashes++;
		expect(out.workflowData).toBeUndefined();
		expect(out.response.status).toBe(row.status);
		expect((out.response.body as IDataObject).error).toMatch(row.error);
		const stats = sim.stats();
		const reads = (name: string, of: typeof stats) => of.requests[name] ?? 0;
		expect(stats.submitAttempts - before.submitAttempts).toBe(0);
		expect(reads('GET /api/v1/job/:id', stats) - reads('GET /api/v1/job/:id', before)).toBe(
			row.reads,
		);
		// Only job reads, never another endpoint (e.g. the path-walking id reaching /api/account).
		expect(requestsSeen() - requestsBefore).toBe(row.reads);
		tally.trigger++;
		if (row.reads === 0) tally.inputErrors++;
		else tally.apiRefusals++;
	});
});
