/**
 * Split Into Items: one output item per downloaded file, each with its binary in `data`, its URL,
 * its number, the job ID and the input's paired item; the default stays one item per job.
 */
import type { INodeParameters } from 'n8n-workflow';

import { runVideoNode, SENTINEL_KEY, VIDEO_NODE, useSimulator } from '../helpers/legnext';

const sim = useSimulator({ apiKey: SENTINEL_KEY, jobMs: 100, videoBytes: 2048 });

function createAll(splitIntoItems: boolean): INodeParameters {
	return {
		resource: 'video',
		operation: 'create',
		source: 'imageUrl',
		imageUrl: '={{ $json.url }}',
		download: 'all',
		options: { maxPollIntervalSeconds: 0.05, splitIntoItems },
	};
}

describe('Split Into Items', () => {
	it('one create job gives 4 items with one file each in data', async () => {
		const result = await runVideoNode({
			parameters: createAll(true),
			items: [{ url: 'https://img.test/a.png' }],
			baseUrl: sim.url,
		});
		expect(result.status).toBe('success');
		const out = result.outputOf(VIDEO_NODE);
		expect(out).toHaveLength(4);
		const job = (sim.jobs() as Array<{ job_id: string; output: { video_urls: string[] } }>)[0];
		out.forEach((item, n) => {
			expect(item.json).toEqual({
				jobId: job.job_id,
				fileNumber: n,
				fileUrl: job.output.video_urls[n],
				fileCount: 4,
				taskType: 'video_diffusion',
				status: 'completed',
				creditsEstimated: 480,
			});
			expect(Object.keys(item.binary ?? {})).toEqual(['data']);
			expect(item.binary?.data.fileName).toBe(`${job.job_id}_${n}.mp4`);
			expect(item.binary?.data.mimeType).toBe('video/mp4');
			expect(item.pairedItem).toEqual({ item: 0 });
		});
	});

	it('two inputs give 8 items, each paired with its own input; off gives one item per job', async () => {
		const items = [{ url: 'https://img.test/a.png' }, { url: 'https://img.test/b.png' }];
		const split = await runVideoNode({ parameters: createAll(true), items, baseUrl: sim.url });
		const out = split.outputOf(VIDEO_NODE);
		expect(out.map((item) => item.pairedItem)).toEqual([
			...Array(4).fill({ item: 0 }),
			...Array(4).fill({ item: 1 }),
		]);
		expect(new Set(out.slice(0, 4).map((i) => i.json.jobId)).size).toBe(1);
		expect(out[0].json.jobId).not.toBe(out[4].json.jobId);

		const whole = await runVideoNode({ parameters: createAll(false), items, baseUrl: sim.url });
		const perJob = whole.outputOf(VIDEO_NODE);
		expect(perJob).toHaveLength(2);
		expect(Object.keys(perJob[0].binary ?? {})).toEqual(['data_0', 'data_1', 'data_2', 'data_3']);
	});
});
