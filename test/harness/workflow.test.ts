/**
 * Proves the workflow harness: a small probe node (defined here) runs inside n8n-core's real
 * WorkflowExecute and exercises what the package's nodes rely on.
 */
import nock from 'nock';
import { createHash } from 'crypto';
import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
	type JsonObject,
} from 'n8n-workflow';

import { MANUAL_TRIGGER_TYPE, SET_ITEMS_TYPE } from '../helpers/workflow/builtin-nodes';
import type { WorkflowJson, WorkflowNodeJson } from '../helpers/workflow/session';
import { runWorkflow, startWorkflow } from '../helpers/workflow/run';
import { runWebhook } from '../helpers/workflow/webhook';
import { resumeWorkflow } from '../helpers/workflow/resume';
import { testCredentials } from '../helpers/workflow/credential-test';
import { LegnextVideoApi } from '../../credentials/LegnextVideoApi.credentials';

const API = 'http://127.0.0.1:1234';
const credentials = { legnextVideoApi: { apiKey: 'sentinel-key', baseUrl: API } };

/** Lets a test wait until the probe node has started sleeping. */
let sleepStarted: () => void = () => {};
/** What the probe node's sleep ended with: 'slept' or the abort error's message. */
let sleepOutcome: string | undefined;

/** The probe's operations, each as n8n nodes write them. */
async function sleepUntilCancelled(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	sleepStarted();
	try {
		await sleep(this.getNodeParameter('sleepMs', 0) as number, this.getExecutionCancelSignal());
		sleepOutcome = 'slept';
	} catch (error) {
		sleepOutcome = (error as Error).message;
		throw new NodeOperationError(this.getNode(), error as Error);
	}
	return [this.getInputData()];
}

/** Hands $execution.resumeUrl to the API, then waits for the callback (as n8n's GitHub node). */
async function registerCallbackAndWait(
	this: IExecuteFunctions,
	baseUrl: string,
): Promise<INodeExecutionData[][]> {
	const resumeUrl = this.getWorkflowDataProxy(0).$execution.resumeUrl as string;
	await this.helpers.httpRequestWithAuthentication.call(this, 'legnextVideoApi', {
		method: 'POST',
		url: `${baseUrl}/api/jobs`,
		body: { callback_url: resumeUrl },
		json: true,
	});
	await this.putExecutionToWait(new Date(Date.now() + 60 * 60 * 1000));
	return [this.getInputData()];
}

/** A public file URL needs no credentials: plain httpRequest, streamed into binary data. */
async function downloadToBinary(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const stream = (await this.helpers.httpRequest({
		url: this.getNodeParameter('url', itemIndex) as string,
		encoding: 'stream',
	})) as Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];
	const binary = await this.helpers.prepareBinaryData(stream, 'a.mp4', 'video/mp4');
	return { json: {}, binary: { data: binary }, pairedItem: { item: itemIndex } };
}

async function processItem(
	this: IExecuteFunctions,
	operation: string,
	itemIndex: number,
	baseUrl: string,
): Promise<INodeExecutionData> {
	if (operation === 'callApi') {
		const response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			'legnextVideoApi',
			{
				method: 'POST',
				url: `${baseUrl}/api/echo`,
				body: { prompt: this.getNodeParameter('prompt', itemIndex) },
				json: true,
			},
		)) as IDataObject;
		return { json: response, pairedItem: { item: itemIndex } };
	}
	if (operation === 'download') return await downloadToBinary.call(this, itemIndex);
	const prompt = this.getNodeParameter('prompt', itemIndex) as string;
	if (operation === 'validate' && prompt === '') {
		throw new NodeOperationError(this.getNode(), 'Prompt is empty', {
			itemIndex,
			description: 'Give every item a prompt',
		});
	}
	if (operation === 'validate') return { json: { prompt }, pairedItem: { item: itemIndex } };
	return {
		json: {
			prompt,
			resumeUrl: this.getWorkflowDataProxy(itemIndex).$execution.resumeUrl as string,
		},
		pairedItem: { item: itemIndex },
	};
}

class ProbeNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: 1,
		description: 'Test node for the workflow harness',
		defaults: { name: 'Probe' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'legnextVideoApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: '',
				restartWebhook: true,
			},
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Call API', value: 'callApi' },
					{ name: 'Count Runs', value: 'countRuns' },
					{ name: 'Download', value: 'download' },
					{ name: 'Echo', value: 'echo' },
					{ name: 'Sleep', value: 'sleep' },
					{ name: 'Validate', value: 'validate' },
					{ name: 'Wait for Callback', value: 'waitForCallback' },
				],
				default: 'echo',
			},
			{ displayName: 'Prompt', name: 'prompt', type: 'string', default: '' },
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Sleep (Ms)', name: 'sleepMs', type: 'number', default: 30000 },
		],
	};

	// The restart webhook lives at $execution.resumeUrl; n8n registers nothing outside.
	webhookMethods = {
		default: {
			checkExists: async () => true,
			create: async () => true,
			delete: async () => true,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		if (operation === 'sleep') return await sleepUntilCancelled.call(this);
		if (operation === 'countRuns') {
			const staticData = this.getWorkflowStaticData('global');
			staticData.runs = ((staticData.runs as number | undefined) ?? 0) + 1;
			return [[{ json: { runs: staticData.runs as number }, pairedItem: { item: 0 } }]];
		}
		const { baseUrl } = await this.getCredentials<{ baseUrl: string }>('legnextVideoApi');
		if (operation === 'waitForCallback') return await registerCallbackAndWait.call(this, baseUrl);

		const output: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			try {
				output.push(await processItem.call(this, operation, i, baseUrl));
			} catch (error) {
				if (this.continueOnFail()) {
					output.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				// Both constructors hand back an error that is already theirs unchanged.
				if (error instanceof NodeOperationError)
					throw new NodeOperationError(this.getNode(), error);
				throw new NodeApiError(this.getNode(), error as JsonObject, { itemIndex: i });
			}
		}
		return [output];
	}

	/** Resume: the callback's body becomes the node's output. */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const body = this.getBodyData();
		return {
			workflowData: [[{ json: { callback: body, query: this.getQueryData() as IDataObject } }]],
		};
	}
}

/** A plain downstream node, to see data flow on after the probe. */
class Tag implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tag',
		name: 'tag',
		group: ['transform'],
		version: 1,
		description: 'Adds tagged: true',
		defaults: { name: 'Tag' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			this.getInputData().map((item, i) => ({
				json: { ...item.json, tagged: true },
				pairedItem: { item: i },
			})),
		];
	}
}

const nodeTypes = { 'test.probe': new ProbeNode(), 'test.tag': new Tag() };

/** Manual trigger -> Set Items (the given items) -> Probe -> Tag. */
function probeWorkflow(
	probe: Partial<WorkflowNodeJson>,
	items: IDataObject[] = [{}],
): WorkflowJson {
	return {
		nodes: [
			{ name: 'Start', type: MANUAL_TRIGGER_TYPE },
			{ name: 'Items', type: SET_ITEMS_TYPE, parameters: { items: JSON.stringify(items) } },
			{ name: 'Probe', type: 'test.probe', ...probe },
			{ name: 'Tag', type: 'test.tag' },
		],
		connections: {
			Start: { main: [[{ node: 'Items', type: NodeConnectionTypes.Main, index: 0 }]] },
			Items: { main: [[{ node: 'Probe', type: NodeConnectionTypes.Main, index: 0 }]] },
			Probe: { main: [[{ node: 'Tag', type: NodeConnectionTypes.Main, index: 0 }]] },
		},
	};
}

beforeAll(() => {
	nock.disableNetConnect();
});

afterEach(() => {
	nock.cleanAll();
});

afterAll(() => {
	nock.enableNetConnect();
});

describe('runWorkflow', () => {
	it('evaluates expressions per item and keeps item pairing', async () => {
		const result = await runWorkflow({
			workflow: probeWorkflow(
				{ parameters: { operation: 'echo', prompt: '={{ $json.topic }} at dusk' } },
				[{ topic: 'a fox' }, { topic: 'a heron' }],
			),
			nodeTypes,
			credentials,
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.nodeExecutionOrder).toEqual(['Start', 'Items', 'Probe', 'Tag']);
		const probe = result.outputOf('Probe');
		expect(probe.map((item) => item.json.prompt)).toEqual(['a fox at dusk', 'a heron at dusk']);
		expect(probe.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.outputOf('Tag').map((item) => item.json.tagged)).toEqual([true, true]);
		// $execution.resumeUrl: the waiting-webhook URL of this execution, signed as n8n does.
		expect(probe[0].json.resumeUrl).toMatch(
			new RegExp(
				`^http://127\\.0\\.0\\.1:5678/webhook-waiting/${result.executionId}\\?signature=[0-9a-f]{64}$`,
			),
		);
	});

	it('sends the credential through its authenticate block (x-api-key)', async () => {
		const api = nock(API)
			.post('/api/echo', { prompt: 'hello' })
			.matchHeader('x-api-key', 'sentinel-key')
			.reply(200, { ok: true, received: 'hello' });

		const result = await runWorkflow({
			workflow: probeWorkflow({ parameters: { operation: 'callApi', prompt: 'hello' } }),
			nodeTypes,
			credentials,
		});

		expect(result.error).toBeUndefined();
		expect(result.outputOf('Probe')[0].json).toEqual({ ok: true, received: 'hello' });
		expect(api.isDone()).toBe(true);
	});

	it('fills credential fields the test left out with the credential type defaults', async () => {
		const api = nock('https://api.legnext.ai')
			.post('/api/echo')
			.matchHeader('x-api-key', 'only-a-key')
			.reply(200, { ok: true });

		const result = await runWorkflow({
			workflow: probeWorkflow({ parameters: { operation: 'callApi', prompt: 'x' } }),
			nodeTypes,
			credentials: { legnextVideoApi: { apiKey: 'only-a-key' } },
		});

		expect(result.error).toBeUndefined();
		expect(api.isDone()).toBe(true);
	});

	it('streams a download into binary data that reads back byte for byte', async () => {
		const video = Buffer.alloc(1024 * 1024);
		for (let i = 0; i < video.length; i++) video[i] = (i * 31 + 7) % 256;
		nock('http://127.0.0.1:1235')
			.get('/files/a.mp4')
			.reply(200, video, { 'content-type': 'video/mp4' });

		const result = await runWorkflow({
			workflow: probeWorkflow({
				parameters: { operation: 'download', url: 'http://127.0.0.1:1235/files/a.mp4' },
			}),
			nodeTypes,
			credentials,
		});

		expect(result.error).toBeUndefined();
		const [item] = result.outputOf('Probe');
		expect(item.binary?.data).toMatchObject({
			fileName: 'a.mp4',
			mimeType: 'video/mp4',
			bytes: video.length,
		});
		expect(item.binary?.data.id).toBeUndefined(); // memory mode: the bytes are in the item
		const bytes = await result.binaryBuffer(item, 'data');
		expect(bytes.length).toBe(video.length);
		expect(createHash('sha256').update(bytes).digest('hex')).toBe(
			createHash('sha256').update(video).digest('hex'),
		);
	});

	it('reports a NodeOperationError with its item index as the execution error', async () => {
		const result = await runWorkflow({
			workflow: probeWorkflow(
				{ parameters: { operation: 'validate', prompt: '={{ $json.prompt }}' } },
				[{ prompt: 'fine' }, { prompt: '' }],
			),
			nodeTypes,
			credentials,
		});

		expect(result.status).toBe('error');
		// As n8n stores it: the error's fields in a plain object (no prototype, so no instanceof).
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Prompt is empty',
			description: 'Give every item a prompt',
			context: { itemIndex: 1 },
			node: { name: 'Probe' },
		});
		expect(result.errorOf('Probe')?.message).toBe('Prompt is empty');
		expect(() => result.outputOf('Tag')).toThrow('Node "Tag" did not run');
	});

	it('reports API failures as NodeApiError with the HTTP status', async () => {
		nock(API).post('/api/echo').reply(422, { message: 'prompt too long' });

		const result = await runWorkflow({
			workflow: probeWorkflow({ parameters: { operation: 'callApi', prompt: 'x' } }),
			nodeTypes,
			credentials,
		});

		// n8n-core's own wording for a 422; the API's message becomes the description.
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '422',
			message: 'Your request is invalid or could not be processed by the service',
			description: 'prompt too long',
		});
	});

	it('lets a node with "continue on fail" turn a failed item into an error item', async () => {
		const result = await runWorkflow({
			workflow: probeWorkflow(
				{
					parameters: { operation: 'validate', prompt: '={{ $json.prompt }}' },
					onError: 'continueRegularOutput',
				},
				[{ prompt: 'fine' }, { prompt: '' }, { prompt: 'also fine' }],
			),
			nodeTypes,
			credentials,
		});

		expect(result.error).toBeUndefined();
		expect(result.outputOf('Probe')).toEqual([
			{ json: { prompt: 'fine' }, pairedItem: { item: 0 } },
			{ json: { error: 'Prompt is empty' }, pairedItem: { item: 1 } },
			{ json: { prompt: 'also fine' }, pairedItem: { item: 2 } },
		]);
		expect(result.outputOf('Tag')).toHaveLength(3);
	});

	it('returns workflow static data for the next run', async () => {
		const workflow = probeWorkflow({ parameters: { operation: 'countRuns' } });
		const first = await runWorkflow({ workflow, nodeTypes, credentials });
		const second = await runWorkflow({
			workflow,
			nodeTypes,
			credentials,
			staticData: first.staticData,
		});

		expect(first.outputOf('Probe')[0].json.runs).toBe(1);
		expect(second.outputOf('Probe')[0].json.runs).toBe(2);
		expect(second.staticData).toEqual({ global: { runs: 2 } });
	});

	it('sends a request twice when the API answers 401, as n8n-core retries after re-authenticating', async () => {
		const api = nock(API).post('/api/echo').times(2).reply(401, { message: 'invalid api key' });

		const result = await runWorkflow({
			workflow: probeWorkflow({ parameters: { operation: 'callApi', prompt: 'x' } }),
			nodeTypes,
			credentials,
		});

		expect(api.isDone()).toBe(true);
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '401' });
	});
});

describe('cancelling a running execution', () => {
	beforeEach(() => {
		sleepOutcome = undefined;
	});

	it('aborts the node’s cancel signal and stops within a second (handle.cancel)', async () => {
		const started = new Promise<void>((resolve) => (sleepStarted = resolve));
		const handle = startWorkflow({
			workflow: probeWorkflow({ parameters: { operation: 'sleep', sleepMs: 30000 } }),
			nodeTypes,
			credentials,
		});
		await started;

		const cancelledAt = Date.now();
		handle.cancel();
		const result = await handle.done;

		expect(Date.now() - cancelledAt).toBeLessThan(1000);
		expect(sleepOutcome).toBeDefined();
		expect(sleepOutcome).not.toBe('slept');
		expect(result.status).toBe('canceled');
		expect(result.error?.message).toBe(sleepOutcome);
		expect(() => result.outputOf('Tag')).toThrow('did not run');
	});

	it('cancels through an AbortSignal too', async () => {
		const started = new Promise<void>((resolve) => (sleepStarted = resolve));
		const abort = new AbortController();
		const done = runWorkflow({
			workflow: probeWorkflow({ parameters: { operation: 'sleep', sleepMs: 30000 } }),
			nodeTypes,
			credentials,
			signal: abort.signal,
		});
		await started;

		const cancelledAt = Date.now();
		abort.abort();
		const result = await done;

		expect(Date.now() - cancelledAt).toBeLessThan(1000);
		expect(result.status).toBe('canceled');
	});
});

describe('waiting and resuming', () => {
	it('stops with waitTill, then resumes with the callback body as the node’s output', async () => {
		let callbackUrl = '';
		nock(API)
			.post('/api/jobs', (body: { callback_url: string }) => {
				callbackUrl = body.callback_url;
				return true;
			})
			.matchHeader('x-api-key', 'sentinel-key')
			.reply(200, { job_id: 'job-1' });

		const waiting = await runWorkflow({
			workflow: probeWorkflow({ parameters: { operation: 'waitForCallback' } }),
			nodeTypes,
			credentials,
		});

		expect(waiting.status).toBe('waiting');
		expect(waiting.waitTill).toBeInstanceOf(Date);
		expect(callbackUrl).toContain(`/webhook-waiting/${waiting.executionId}`);
		expect(waiting.runData.Tag).toBeUndefined();

		const { webhook, result } = await resumeWorkflow(waiting, {
			request: {
				method: 'POST',
				body: { job_id: 'job-1', status: 'completed' },
				query: { signature: 'abc' },
			},
		});

		expect(webhook.workflowData).toBeDefined();
		expect(result?.status).toBe('success');
		expect(result?.outputOf('Probe')).toEqual([
			{
				json: { callback: { job_id: 'job-1', status: 'completed' }, query: { signature: 'abc' } },
				pairedItem: { item: 0 },
			},
		]);
		expect(result?.outputOf('Tag')[0].json).toMatchObject({ tagged: true });
		expect(result?.runData.Probe).toHaveLength(1);
		expect(waiting.status).toBe('waiting');
	});
});

/** A trigger-style node: checks a shared secret, then fetches the job the event is about. */
class CallbackTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Callback Trigger',
		name: 'callbackTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Test trigger',
		defaults: { name: 'Callback Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'legnextVideoApi', required: true }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: [{ displayName: 'Secret', name: 'secret', type: 'string', default: '' }],
	};

	// Registration with the API is out of scope for this probe.
	webhookMethods = {
		default: {
			checkExists: async () => true,
			create: async () => true,
			delete: async () => true,
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const secret = this.getNodeParameter('secret') as string;
		if (this.getHeaderData()['x-callback-secret'] !== secret) {
			this.getResponseObject().status(401).json({ message: 'bad secret' });
			return { noWebhookResponse: true };
		}
		const staticData = this.getWorkflowStaticData('node');
		staticData.deliveries = ((staticData.deliveries as number | undefined) ?? 0) + 1;
		const { baseUrl } = await this.getCredentials<{ baseUrl: string }>('legnextVideoApi');
		const { job_id: jobId } = this.getBodyData() as { job_id: string };
		const job = (await this.helpers.httpRequestWithAuthentication.call(this, 'legnextVideoApi', {
			url: `${baseUrl}/api/jobs/${jobId}`,
			json: true,
		})) as IDataObject;
		return {
			workflowData: [[{ json: { job, webhookUrl: this.getNodeWebhookUrl('default') ?? null } }]],
		};
	}
}

describe('runWebhook', () => {
	it('answers 401 itself when the secret is wrong', async () => {
		const out = await runWebhook({
			nodeType: new CallbackTrigger(),
			parameters: { secret: 's3cret' },
			credentials,
			request: { body: { job_id: 'job-1' }, headers: { 'X-Callback-Secret': 'wrong' } },
		});

		expect(out.noWebhookResponse).toBe(true);
		expect(out.workflowData).toBeUndefined();
		expect(out.response).toMatchObject({
			status: 401,
			body: { message: 'bad secret' },
			ended: true,
		});
	});

	it('emits the fetched job, counts deliveries in static data, knows its URL', async () => {
		nock(API)
			.get('/api/jobs/job-1')
			.matchHeader('x-api-key', 'sentinel-key')
			.reply(200, { job_id: 'job-1', status: 'completed' });

		const out = await runWebhook({
			nodeType: new CallbackTrigger(),
			node: { name: 'On Callback', webhookId: 'hook-1' },
			parameters: { secret: 's3cret' },
			credentials,
			request: { body: { job_id: 'job-1' }, headers: { 'x-callback-secret': 's3cret' } },
			nodeStaticData: { deliveries: 2 },
		});

		expect(out.workflowData).toEqual([
			[
				{
					json: {
						job: { job_id: 'job-1', status: 'completed' },
						webhookUrl: 'http://127.0.0.1:5678/webhook/hook-1/webhook',
					},
				},
			],
		]);
		expect(out.nodeStaticData).toEqual({ deliveries: 3 });
		expect(out.staticData).toEqual({ 'node:On Callback': { deliveries: 3 } });
	});
});

describe('a webhook starting a workflow', () => {
	it('runs the workflow with what webhook() returned, as n8n does for production webhooks', async () => {
		nock(API).get('/api/jobs/job-7').reply(200, { job_id: 'job-7', status: 'completed' });
		const trigger = {
			name: 'On Callback',
			type: 'test.callbackTrigger',
			parameters: { secret: 's' },
		};
		const webhook = await runWebhook({
			nodeType: new CallbackTrigger(),
			node: trigger,
			credentials,
			request: { body: { job_id: 'job-7' }, headers: { 'x-callback-secret': 's' } },
		});

		const result = await runWorkflow({
			workflow: {
				nodes: [trigger, { name: 'Tag', type: 'test.tag' }],
				connections: {
					'On Callback': { main: [[{ node: 'Tag', type: NodeConnectionTypes.Main, index: 0 }]] },
				},
			},
			nodeTypes: { ...nodeTypes, 'test.callbackTrigger': new CallbackTrigger() },
			credentials,
			mode: 'webhook',
			startData: webhook.workflowData,
		});

		expect(result.error).toBeUndefined();
		expect(result.outputOf('Tag')[0].json).toMatchObject({
			job: { job_id: 'job-7' },
			tagged: true,
		});
	});
});

describe('testCredentials (the credential type’s own test request)', () => {
	it('answers OK when the balance request with the key succeeds', async () => {
		const api = nock(API)
			.get('/api/account/balance')
			.matchHeader('x-api-key', 'sentinel-key')
			.reply(200, { code: 200, data: { available_credits: 12 }, message: 'success' });

		const outcome = await testCredentials({
			type: new LegnextVideoApi().name,
			data: credentials.legnextVideoApi,
		});

		expect(outcome).toEqual({
			status: 'OK',
			message: 'Connection successful!',
			response: { code: 200, data: { available_credits: 12 }, message: 'success' },
		});
		expect(api.isDone()).toBe(true);
	});

	it('answers Error for a rejected key', async () => {
		nock(API)
			.get('/api/account/balance')
			.times(2)
			.reply(401, { code: 401, message: 'invalid api key' });

		const outcome = await testCredentials({
			type: 'legnextVideoApi',
			data: credentials.legnextVideoApi,
		});

		expect(outcome.status).toBe('Error');
		expect(outcome.message).toMatch(/did not accept the API key/);
	});
});
