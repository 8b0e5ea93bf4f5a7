/**
 * Agent tool mode. n8n runs a `usableAsTool` node for an agent with a context whose
 * `isToolExecution()` is true (n8n-core's SupplyDataContext); here the Video node runs in WorkflowExecute with
 * that one answer changed, against the simulator. The result is compact JSON with no binary data.
 */
import type { IExecuteFunctions, INodeParameters } from 'n8n-workflow';

import { LegnextVideo } from '../../nodes/LegnextVideo/LegnextVideo.node';
import { TOOL_DESCRIPTION } from '../../nodes/LegnextVideo/actions/aiTool';
import {
	credentialsFor,
	SENTINEL_KEY,
	VIDEO_NODE,
	VIDEO_NODE_TYPE,
	videoWorkflow,
	useSimulator,
} from '../helpers/legnext';
import { runWorkflow } from '../helpers/workflow/run';

/** The Video node as an agent's tool call sees it: the same code, `isToolExecution()` true. */
class VideoNodeAsTool extends LegnextVideo {
	async execute(this: IExecuteFunctions) {
		const toolContext = Object.create(this, { isToolExecution: { value: () => true } });
		return await LegnextVideo.prototype.execute.call(toolContext as IExecuteFunctions);
	}
}

const sim = useSimulator({ apiKey: SENTINEL_KEY, jobMs: 300, videoBytes: 4096 });

async function runAsTool(parameters: INodeParameters) {
	return await runWorkflow({
		workflow: videoWorkflow({ parameters, baseUrl: sim.url }),
		nodeTypes: { [VIDEO_NODE_TYPE]: new VideoNodeAsTool() },
		credentials: credentialsFor(sim.url),
	});
}

describe('as an AI agent tool', () => {
	it('the tool description says what each operation does, takes and costs', () => {
		const { usableAsTool } = new LegnextVideo().description;
		expect(usableAsTool).toEqual({ replacements: { description: TOOL_DESCRIPTION } });
		for (const fact of ['Video Create', '3-6 minutes', '480 credits', '1536', 'Job Get', 'free']) {
			expect(TOOL_DESCRIPTION).toContain(fact);
		}
	});

	it('a create that waits and downloads gives compact JSON: URLs, credits, seconds, summary, no binary', async () => {
		const result = await runAsTool({
			resource: 'video',
			operation: 'create',
			source: 'imageUrl',
			imageUrl: 'https://img.test/a.png',
			download: 'all',
			reference: 'post-9',
			options: { maxPollIntervalSeconds: 0.05 },
		});
		expect(result.status).toBe('success');
		const [item] = result.outputOf(VIDEO_NODE);
		expect(item.binary).toBeUndefined();
		const job = (sim.jobs() as Array<{ job_id: string; output: { video_urls: string[] } }>).at(-1)!;
		expect(item.json).toEqual({
			jobId: job.job_id,
			status: 'completed',
			resultUrls: job.output.video_urls,
			prompts: [],
			creditsEstimated: 480,
			creditsUsed: 480,
			seconds: expect.any(Number),
			summary: `Legnext video_diffusion ${job.job_id} completed in ${String(item.json.seconds)} s with 4 result file(s).`,
			reference: 'post-9',
		});
		// Compact: far smaller than the job with its raw object.
		expect(JSON.stringify(item.json).length).toBeLessThan(1500);
	});

	it('with Wait for Completion off the agent gets the job ID at once, to read later with Job Get', async () => {
		const result = await runAsTool({
			resource: 'video',
			operation: 'create',
			source: 'imageUrl',
			imageUrl: 'https://img.test/b.png',
			waitForCompletion: false,
		});
		const [item] = result.outputOf(VIDEO_NODE);
		expect(item.json.status).toBe('pending');
		expect(String(item.json.summary)).toMatch(/is pending; read it later with Job Get\.$/);
		expect(item.json.seconds).toBeLessThan(5);
	});
});
