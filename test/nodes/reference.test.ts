/**
 * Trigger correlation: a Video node item's Reference travels in the Trigger Callback URL the
 * simulator is given (beside the derived token, which covers it), comes out of the Trigger as `reference` and out
 * of the Video node itself; a call whose reference was changed is refused with 401.
 */
import { randomUUID } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import {
	credentialsFor,
	nodeTypes,
	runVideoNode,
	SENTINEL_KEY,
	TRIGGER_NODE_TYPE,
	VIDEO_NODE,
	useSimulator,
} from '../helpers/legnext';
import { TEST_INSTANCE_URL } from '../helpers/workflow/session';
import { runWebhook } from '../helpers/workflow/webhook';

const sim = useSimulator({ apiKey: SENTINEL_KEY, jobMs: 100, videoBytes: 1024 });

const REFERENCE = 'sheet row 42 · post ü/7?x=1';

/** Submits a create job whose Callback URL is a Trigger's Production URL; returns the URL Legnext got. */
async function submitWithReference(webhookId: string, reference: string) {
	const result = await runVideoNode({
		parameters: {
			resource: 'video',
			operation: 'create',
			source: 'imageUrl',
			imageUrl: 'https://img.test/a.png',
			callbackUrl: `${TEST_INSTANCE_URL}/webhook/${webhookId}/callback`,
			reference: '={{ $json.row }}',
			download: 'none',
			options: { maxPollIntervalSeconds: 0.05 },
		},
		items: [{ row: reference }],
		baseUrl: sim.url,
	});
	expect(result.status).toBe('success');
	const [item] = result.outputOf(VIDEO_NODE);
	const job = (sim.jobs() as IDataObject[]).find(
		(j) => j.job_id === item.json.jobId,
	) as IDataObject;
	const endpoint = String(((job.config as IDataObject).webhook_config as IDataObject).endpoint);
	return { item, job, endpoint };
}

/** Calls the Trigger as n8n would route a POST to `endpoint` (path form: /webhook/<id>/<id>/:token). */
async function callTrigger(webhookId: string, endpoint: string, job: IDataObject) {
	const prefix = `${TEST_INSTANCE_URL}/webhook/${webhookId}/${webhookId}/`;
	expect(endpoint.startsWith(prefix)).toBe(true);
	const completed = (await (
		await fetch(`${sim.url}/api/v1/job/${String(job.job_id)}`, {
			headers: { 'x-api-key': SENTINEL_KEY },
		})
	).json()) as IDataObject;
	return await runWebhook({
		nodeType: nodeTypes[TRIGGER_NODE_TYPE],
		node: { webhookId },
		parameters: { token: '', download: 'none' },
		credentials: credentialsFor(sim.url),
		request: {
			body: { timestamp: Date.now(), data: completed },
			query: {},
			params: { token: decodeURIComponent(endpoint.slice(prefix.length)) },
		},
	});
}

describe('Reference', () => {
	it('round-trips from the Video node through the callback URL to the Trigger, and is in the node output', async () => {
		const webhookId = randomUUID();
		const { item, job, endpoint } = await submitWithReference(webhookId, REFERENCE);
		expect(item.json.reference).toBe(REFERENCE);
		// The reference is in the path (a dropped query loses nothing) and not readable as plain text.
		expect(new URL(endpoint).search).toBe('');
		sim.completeJob(String(job.job_id));

		const fired = await callTrigger(webhookId, endpoint, job);
		expect(fired.response.status).toBe(200);
		expect(fired.workflowData?.[0][0].json).toMatchObject({
			jobId: job.job_id,
			status: 'completed',
			reference: REFERENCE,
		});
	});

	it('a call whose reference was changed is refused with 401 and fires nothing', async () => {
		const webhookId = randomUUID();
		const { job, endpoint } = await submitWithReference(webhookId, 'post-1');
		sim.completeJob(String(job.job_id));
		const forged = endpoint.replace(
			Buffer.from('post-1').toString('base64url'),
			Buffer.from('post-2').toString('base64url'),
		);
		expect(forged).not.toBe(endpoint);
		const out = await callTrigger(webhookId, forged, job);
		expect(out.response.status).toBe(401);
		expect(out.workflowData).toBeUndefined();
		// Dropping the reference does not pass either: the token was made for it.
		const dropped = endpoint.slice(0, endpoint.indexOf('~'));
		expect((await callTrigger(webhookId, dropped, job)).response.status).toBe(401);
	});

	it('a reference over 256 characters is refused before any submit, naming the field and item', async () => {
		const before = sim.stats().submitAttempts;
		const result = await runVideoNode({
			parameters: {
				resource: 'video',
				operation: 'create',
				source: 'imageUrl',
				imageUrl: 'https://img.test/a.png',
				reference: 'x'.repeat(257),
				waitForCompletion: false,
			},
			baseUrl: sim.url,
		});
		expect(result.status).toBe('error');
		expect((result.error as Error).message).toBe(
			'Reference is 257 characters long, at most 256 (item 0)',
		);
		expect(sim.stats().submitAttempts).toBe(before);
	});
});
