/**
 * The budget guard: the Video node in n8n-core's WorkflowExecute against the simulator, which
 * counts submits and balance reads. Items past "Max Credits per Execution" or below "Keep Balance Above" are
 * refused before any submit, and every submitted item carries `creditsEstimated`.
 */
import nock from 'nock';
import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	credentialsFor,
	nodeTypes,
	runVideoNode,
	SENTINEL_KEY,
	VIDEO_NODE,
	videoWorkflow,
} from '../helpers/legnext';
import { createSimulator, type Simulator } from '../helpers/simulator';
import { runWorkflow } from '../helpers/workflow/run';

let sim: Simulator;
beforeAll(() => nock.enableNetConnect('127.0.0.1'));
afterAll(() => nock.disableNetConnect());
afterEach(async () => await sim?.close());

/** A fresh simulator per test, so its counts are this test's; 100 000 credits unless given. */
async function startSimulator(credits = 100_000): Promise<Simulator> {
	return await createSimulator({ apiKey: SENTINEL_KEY, jobMs: 100, videoBytes: 1024, credits });
}

const fiveItems = Array.from({ length: 5 }, (_, i) => ({ url: `https://img.test/${i}.png` }));

function createVideo(options: IDataObject, quality = 0): INodeParameters {
	return {
		resource: 'video',
		operation: 'create',
		source: 'imageUrl',
		imageUrl: '={{ $json.url }}',
		quality,
		download: 'none',
		options: { maxPollIntervalSeconds: 0.05, ...options },
	};
}

describe('budget guard', () => {
	it('a limit that allows 2 of 5 items submits exactly 2 and names the others’ estimates (Continue On Fail)', async () => {
		sim = await startSimulator();
		const result = await runVideoNode({
			parameters: createVideo({ maxCreditsPerExecution: 1000 }),
			items: fiveItems,
			baseUrl: sim.url,
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		expect(sim.stats().jobsCreated).toBe(2);
		const out = result.outputOf(VIDEO_NODE).map((item) => item.json);
		expect(out.slice(0, 2).map((json) => json.status)).toEqual(['completed', 'completed']);
		expect(out.slice(0, 2).map((json) => json.creditsEstimated)).toEqual([480, 480]);
		// creditsEstimated sits beside the credits Legnext reports.
		const keys = Object.keys(out[0]);
		expect(keys.indexOf('creditsEstimated')).toBe(keys.indexOf('creditsReserved') + 1);
		out.slice(2).forEach((json, i) => {
			expect(json.error).toBe(
				`Not submitted: the estimated 480 credits would take this node's spend in this execution to 1440 credits, past Max Credits per Execution (1000) (item ${i + 2})`,
			);
		});
	});

	it('without Continue On Fail a refused item stops the node before any submit', async () => {
		sim = await startSimulator();
		const result = await runVideoNode({
			parameters: createVideo({ maxCreditsPerExecution: 2000 }, 1),
			items: fiveItems.slice(0, 2),
			baseUrl: sim.url,
		});
		expect(result.status).toBe('error');
		expect(String((result.error as Error).message)).toContain(
			'the estimated 1536 credits would take this node',
		);
		expect(String((result.error as Error).message)).toContain('(item 1)');
		expect(sim.stats().submitAttempts).toBe(0);
	});

	it('a balance floor refuses before any submit, after one free balance read', async () => {
		sim = await startSimulator(1500);
		const result = await runVideoNode({
			parameters: createVideo({ keepBalanceAbove: 1000 }),
			items: fiveItems.slice(0, 2),
			baseUrl: sim.url,
		});
		expect(result.status).toBe('error');
		expect(String((result.error as Error).message)).toBe(
			'Not submitted: the estimated 480 credits would take the balance from 1020 to 540 credits, below Keep Balance Above (1000) (item 1)',
		);
		const stats = sim.stats();
		expect(stats.requests['GET /api/account/balance']).toBe(1);
		expect(stats.submitAttempts).toBe(0);
	});

	it('a balance floor lets the items that fit run and refuses the rest before any submit', async () => {
		sim = await startSimulator(1500);
		const result = await runVideoNode({
			parameters: createVideo({ keepBalanceAbove: 500 }),
			items: fiveItems.slice(0, 3),
			baseUrl: sim.url,
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		const stats = sim.stats();
		expect(stats.requests['GET /api/account/balance']).toBe(1);
		expect(stats.jobsCreated).toBe(2);
		const out = result.outputOf(VIDEO_NODE).map((item) => item.json);
		expect(out[2].error).toBe(
			'Not submitted: the estimated 480 credits would take the balance from 540 to 60 credits, below Keep Balance Above (500) (item 2)',
		);
	});

	it('extend is estimated from its source job, read for free (a 480p source: 480, not the 1536 of 720p)', async () => {
		sim = await startSimulator();
		const source = await runVideoNode({
			parameters: createVideo({}, 0),
			items: [fiveItems[0]],
			baseUrl: sim.url,
		});
		const sourceJobId = source.outputOf(VIDEO_NODE)[0].json.jobId as string;
		const result = await runVideoNode({
			parameters: {
				resource: 'video',
				operation: 'extend',
				videoJobId: sourceJobId,
				videoNumber: 0,
				download: 'none',
				options: { maxPollIntervalSeconds: 0.05, maxCreditsPerExecution: 1000 },
			},
			baseUrl: sim.url,
		});
		expect(result.status).toBe('success');
		expect(result.outputOf(VIDEO_NODE)[0].json.creditsEstimated).toBe(480);
		expect(sim.stats().jobsCreated).toBe(2);
	});
});

/** Sends its items back to the Video node once (output 0), then ends (output 1): a loop in one execution. */
class LoopOnce implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Loop Once',
		name: 'loopOnce',
		group: ['transform'],
		version: 1,
		description: 'Test helper',
		usableAsTool: true,
		defaults: { name: 'Loop Once' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData().map((item) => ({
			json: { url: 'https://img.test/again.png' },
			pairedItem: item.pairedItem,
		}));
		return this.getWorkflowDataProxy(0).$runIndex === 0 ? [items, []] : [[], items];
	}
}

describe('budget guard across runs of the node in one execution', () => {
	it('a loop that runs the node again counts what its first run submitted', async () => {
		sim = await startSimulator();
		const workflow = videoWorkflow({
			parameters: createVideo({ maxCreditsPerExecution: 1000 }),
			items: fiveItems.slice(0, 2),
			baseUrl: sim.url,
			continueOnFail: true,
		});
		workflow.nodes.push({ name: 'Loop Once', type: 'test.loopOnce', parameters: {} });
		workflow.connections[VIDEO_NODE] = { main: [[{ node: 'Loop Once', type: 'main', index: 0 }]] };
		workflow.connections['Loop Once'] = {
			main: [[{ node: VIDEO_NODE, type: 'main', index: 0 }], []],
		};
		const result = await runWorkflow({
			workflow,
			nodeTypes: { ...nodeTypes, 'test.loopOnce': new LoopOnce() },
			credentials: credentialsFor(sim.url),
		});
		expect(result.status).toBe('success');
		// First run: 2 x 480 = 960 submitted. Second run: each item would take the spend to 1440.
		expect(sim.stats().jobsCreated).toBe(2);
		const second = result.outputOf(VIDEO_NODE, { runIndex: 1 }).map((item) => item.json.error);
		expect(second).toEqual([
			"Not submitted: the estimated 480 credits would take this node's spend in this execution to 1440 credits, past Max Credits per Execution (1000) (item 0)",
			"Not submitted: the estimated 480 credits would take this node's spend in this execution to 1440 credits, past Max Credits per Execution (1000) (item 1)",
		]);
	});
});
