/**
 * Binary data in filesystem mode (regular n8n's default): bytes are written to disk and items
 * carry only an id; result.binaryBuffer reads them back through n8n-core the same way.
 */
import nock from 'nock';
import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { MANUAL_TRIGGER_TYPE } from '../helpers/workflow/builtin-nodes';
import { getBinaryDataService, useBinaryDataMode } from '../helpers/workflow/n8n-runtime';
import { runWorkflow } from '../helpers/workflow/run';

// A fixed folder (reused by later runs); the test deletes its executions' files.
const storagePath = '/tmp/n8n-nodes-legnext-video-harness/binary-data';

class Downloader implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Downloader',
		name: 'downloader',
		group: ['transform'],
		version: 1,
		description: 'Streams a URL into binary data',
		defaults: { name: 'Downloader' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'URL', name: 'url', type: 'string', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const stream = (await this.helpers.httpRequest({
			url: this.getNodeParameter('url', 0) as string,
			encoding: 'stream',
		})) as Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];
		const data = await this.helpers.prepareBinaryData(stream, 'clip.mp4', 'video/mp4');
		return [[{ json: {}, binary: { data }, pairedItem: { item: 0 } }]];
	}
}

const executions: string[] = [];

beforeAll(async () => {
	nock.disableNetConnect();
	await useBinaryDataMode({ mode: 'filesystem', storagePath });
});

afterAll(async () => {
	const service = await getBinaryDataService();
	await service.deleteMany(
		executions.map((executionId) => ({
			type: 'execution',
			workflowId: 'test-workflow',
			executionId,
		})),
	);
	nock.cleanAll();
	nock.enableNetConnect();
});

it('stores a streamed download on disk and reads it back by id', async () => {
	const video = Buffer.alloc(1024 * 1024, 0x5a);
	video.write('ftypisom', 4);
	nock('http://127.0.0.1:1236').get('/clip.mp4').reply(200, video);

	const result = await runWorkflow({
		workflow: {
			nodes: [
				{ name: 'Start', type: MANUAL_TRIGGER_TYPE },
				{
					name: 'Download',
					type: 'test.downloader',
					parameters: { url: 'http://127.0.0.1:1236/clip.mp4' },
				},
			],
			connections: {
				Start: { main: [[{ node: 'Download', type: NodeConnectionTypes.Main, index: 0 }]] },
			},
		},
		nodeTypes: { 'test.downloader': new Downloader() },
	});
	executions.push(result.executionId);

	expect(result.error).toBeUndefined();
	const [item] = result.outputOf('Download');
	expect(item.binary?.data.id).toMatch(/^filesystem-v2:/);
	expect(item.binary?.data.data).toBe('filesystem-v2');
	expect(item.binary?.data.bytes).toBe(video.length);
	expect((await result.binaryBuffer(item)).equals(video)).toBe(true);
});
