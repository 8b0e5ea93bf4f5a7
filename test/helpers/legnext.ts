/**
 * Fixtures for running this package's nodes in the workflow harness: a workflow of
 * "Set Items -> Legnext Video", the sentinel API key every test uses, and job bodies as Legnext sends them.
 */
import { randomUUID } from 'crypto';
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { LegnextVideo } from '../../nodes/LegnextVideo/LegnextVideo.node';
import { LegnextVideoTrigger } from '../../nodes/LegnextVideoTrigger/LegnextVideoTrigger.node';
import { retryPolicy } from '../../nodes/legnext/client';
import { MANUAL_TRIGGER_TYPE, SET_ITEMS_TYPE } from './workflow/builtin-nodes';
import type { WorkflowJson } from './workflow/session';
import { runWorkflow, startWorkflow, type RunWorkflowOptions } from './workflow/run';
import { createSimulator, type Simulator } from './simulator';

export const VIDEO_NODE_TYPE = 'n8n-nodes-legnext-video.legnextVideo';
export const TRIGGER_NODE_TYPE = 'n8n-nodes-legnext-video.legnextVideoTrigger';
export const VIDEO_NODE = 'Legnext Video';

/** A fresh fake API key per test file; it must never show up in any output, error or log. */
export const SENTINEL_KEY = `sentinel-${randomUUID()}`;

export const nodeTypes = {
	[VIDEO_NODE_TYPE]: new LegnextVideo(),
	[TRIGGER_NODE_TYPE]: new LegnextVideoTrigger(),
};

export function credentialsFor(baseUrl: string, apiKey = SENTINEL_KEY) {
	return { legnextVideoApi: { apiKey, baseUrl } };
}

/** Retries without the production delays, so retry tests run in milliseconds. */
export function useFastRetries(): void {
	const saved = { ...retryPolicy };
	beforeAll(() => {
		retryPolicy.baseDelayMs = 1;
		retryPolicy.maxDelayMs = 5;
	});
	afterAll(() => Object.assign(retryPolicy, saved));
}

/**
 * A local Legnext simulator for the enclosing test file or describe block: started before its
 * tests, with loopback connections let through nock meanwhile, and closed after them. The returned
 * object is filled in once the simulator has started: use it in tests and hooks, not at load time.
 */
export function useSimulator(options: Parameters<typeof createSimulator>[0]): Simulator {
	const sim = {} as Simulator;
	beforeAll(async () => {
		nock.enableNetConnect('127.0.0.1');
		Object.assign(sim, await createSimulator(options));
	});
	afterAll(async () => {
		await sim.close();
		nock.disableNetConnect();
	});
	return sim;
}

export interface VideoNodeRun {
	parameters: INodeParameters;
	/** Input items; one empty item by default. */
	items?: IDataObject[];
	baseUrl: string;
	apiKey?: string;
	continueOnFail?: boolean;
}

export function videoWorkflow(run: VideoNodeRun): WorkflowJson {
	return {
		nodes: [
			{ name: 'Start', type: MANUAL_TRIGGER_TYPE, parameters: {} },
			{
				name: 'Set Items',
				type: SET_ITEMS_TYPE,
				parameters: { items: JSON.stringify(run.items ?? [{}]) },
			},
			{
				name: VIDEO_NODE,
				type: VIDEO_NODE_TYPE,
				parameters: run.parameters,
				...(run.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			},
		],
		connections: {
			Start: { main: [[{ node: 'Set Items', type: 'main', index: 0 }]] },
			'Set Items': { main: [[{ node: VIDEO_NODE, type: 'main', index: 0 }]] },
		},
	};
}

function runOptions(run: VideoNodeRun): RunWorkflowOptions {
	return {
		workflow: videoWorkflow(run),
		nodeTypes,
		credentials: credentialsFor(run.baseUrl, run.apiKey),
	};
}

export async function runVideoNode(run: VideoNodeRun) {
	return await runWorkflow(runOptions(run));
}

export function startVideoNode(run: VideoNodeRun) {
	return startWorkflow(runOptions(run));
}

export const JOB_ID = '2cbffb65-10ac-45a2-91d4-19a19a19ab4c';
export const IMAGE_JOB_ID = '7d0e8a4c-3b6f-4f1e-9a2d-5c8b1e0f6a3d';

/** A job object shaped as Legnext returns it. */
export function jobBody(overrides: IDataObject = {}): IDataObject {
	return {
		job_id: JOB_ID,
		model: 'midjourney',
		task_type: 'video_diffusion',
		status: 'pending',
		config: { service_mode: 'public', webhook_config: { endpoint: '', secret: '' } },
		input: null,
		output: { video_urls: null, seed: '' },
		meta: {
			created_at: '2025-11-05T08:22:37Z',
			started_at: '',
			ended_at: '',
			usage: { type: 'point', frozen: 480, consume: 0 },
		},
		detail: null,
		logs: [],
		error: { code: 0, raw_message: '', message: '', detail: null },
		...overrides,
	};
}

export function completedJob(videoUrls: string[], overrides: IDataObject = {}): IDataObject {
	return jobBody({
		status: 'completed',
		output: { video_urls: videoUrls, seed: '1234' },
		meta: {
			created_at: '2025-11-05T08:22:37Z',
			started_at: '2025-11-05T08:22:40Z',
			ended_at: '2025-11-05T08:26:02Z',
			usage: { type: 'point', frozen: 0, consume: 480 },
		},
		...overrides,
	});
}

/** Answers every GET and POST to `api` with `reply` and counts them: for checks that nothing is sent. */
export function countRequests(api: string, reply: IDataObject = jobBody()): () => number {
	let requests = 0;
	const answer = (): [number, IDataObject] => {
		requests++;
		return [200, reply];
	};
	nock(api).persist().intercept(/.*/, 'POST').reply(answer).intercept(/.*/, 'GET').reply(answer);
	return () => requests;
}

/** Everything a user could see of a run, as one string, to search for the API key. */
export function everythingVisible(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) =>
		v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v,
	);
}

/** The HTTP code an execution's error carries (only API errors have one). */
export function httpCodeOf(result: { error?: unknown }): string {
	return String((result.error as { httpCode?: unknown } | undefined)?.httpCode);
}

/** Expects one submit to `path` on `api` with exactly this JSON body (so empty optional fields must be absent). */
export function expectSubmit(
	api: string,
	path: string,
	body: IDataObject,
	reply: IDataObject = jobBody(),
) {
	let received: unknown;
	const scope = nock(api, { reqheaders: { 'x-api-key': SENTINEL_KEY } })
		.post(path, (sent: unknown) => {
			received = sent;
			return true;
		})
		.reply(200, reply);
	return {
		check() {
			scope.done();
			expect(received).toEqual(body);
		},
	};
}
