'use strict';

const { start, finishedJob } = require('./test-helpers');

const IMG = 'https://example.com/cat.png';

describe('endpoints', () => {
	/** @type {Awaited<ReturnType<typeof start>>} */
	let ctx;
	beforeEach(async () => {
		ctx = await start({ jobMs: 60000 });
	});
	afterEach(async () => {
		await ctx.sim.close();
	});

	const imageJob = () => finishedJob(ctx, '/api/v1/diffusion', { text: 'a red fox' });
	/** @param {number} [videoType] */
	const videoJob = async (videoType = 0) => {
		const image = await imageJob();
		return finishedJob(ctx, '/api/v1/video-diffusion', { jobId: image.job_id, imageNo: 2, videoType });
	};

	describe('video happy paths', () => {
		test('video-diffusion from an image job gives 4 MP4 URLs on the simulator', async () => {
			const video = await videoJob();
			expect(video).toMatchObject({ task_type: 'video_diffusion', status: 'completed', input: { imageNo: 2 } });
			expect(video.output.video_urls).toHaveLength(4);
			video.output.video_urls.forEach((/** @type {string} */ url, /** @type {number} */ i) => {
				expect(url).toBe(`${ctx.sim.url}/cdn/${video.job_id}/${i}.mp4`);
			});
			expect(video.output.seed).toMatch(/^\d+$/);
		});

		test('video-diffusion from an image URL prompt, with 720p cost', async () => {
			const { status, body } = await ctx.api.post('/api/v1/video-diffusion', { prompt: `${IMG} waves --motion high`, videoType: 1 });
			expect(status).toBe(200);
			expect(body.meta.usage.frozen).toBe(1536);
			expect(ctx.sim.stats().creditsLeft).toBe(100000 - 1536);
		});

		test('video-diffusion with a text-only prompt is accepted, unless textToVideo is off', async () => {
			expect((await ctx.api.post('/api/v1/video-diffusion', { prompt: 'a cat surfing' })).status).toBe(200);
			ctx.sim.configure({ textToVideo: false });
			const refused = await ctx.api.post('/api/v1/video-diffusion', { prompt: 'a cat surfing' });
			expect(refused.status).toBe(400);
			expect(refused.body.message).toContain('prompt');
		});

		test('extend-video gives 4 URLs and costs what its video cost', async () => {
			const video = await videoJob(1);
			const extended = await ctx.api.post('/api/v1/extend-video', { jobId: video.job_id, videoNo: 3, prompt: 'keep going' });
			expect(extended.status).toBe(200);
			expect(extended.body).toMatchObject({ task_type: 'extend_video', meta: { usage: { frozen: 1536 } } });
			ctx.sim.completeJob(extended.body.job_id);
			expect((await ctx.api.job(extended.body.job_id)).body.output.video_urls).toHaveLength(4);
		});

		test('a video can be extended at most 4 times', async () => {
			let video = await videoJob();
			for (let i = 0; i < 4; i++) video = await finishedJob(ctx, '/api/v1/extend-video', { jobId: video.job_id, videoNo: 0 });
			const fifth = await ctx.api.post('/api/v1/extend-video', { jobId: video.job_id, videoNo: 0 });
			expect(fifth.status).toBe(400);
			expect(fifth.body.message).toMatch(/at most 4/);
		});

		test('video-upscale gives 1 URL, or 4 with upscaleUrls: 4', async () => {
			const video = await videoJob();
			const one = await finishedJob(ctx, '/api/v1/video-upscale', { jobId: video.job_id, videoNo: 1 });
			expect(one).toMatchObject({ task_type: 'video_upscale', meta: { usage: { frozen: 480 } } });
			expect(one.output.video_urls).toHaveLength(1);
			ctx.sim.configure({ upscaleUrls: 4 });
			const four = await finishedJob(ctx, '/api/v1/video-upscale', { jobId: video.job_id, videoNo: 1 });
			expect(four.output.video_urls).toHaveLength(4);
		});

		test('videoOutputField image_urls puts the videos in image_url(s) and leaves video_urls empty', async () => {
			ctx.sim.configure({ videoOutputField: 'image_urls' });
			const video = await videoJob();
			expect(video.output.video_urls).toEqual([]);
			expect(video.output.image_urls).toHaveLength(4);
			expect(video.output.image_url).toBe(video.output.image_urls[0]);
		});
	});

	describe('image happy paths', () => {
		test('diffusion finishes with a grid, 4 images, seed and actions', async () => {
			const image = await imageJob();
			expect(image).toMatchObject({ task_type: 'diffusion', status: 'completed', input: { text: 'a red fox' }, meta: { usage: { frozen: 80 } } });
			expect(image.output.image_url).toBe(`${ctx.sim.url}/cdn/${image.job_id}/grid.png`);
			expect(image.output.image_urls).toHaveLength(4);
			expect(image.output.seed).toMatch(/^\d+$/);
			expect(image.output.available_actions).toHaveProperty('upscale');
		});

		test.each([
			['/api/v1/upscale', 'upscale', (/** @type {string} */ id) => ({ jobId: id, imageNo: 1, type: 1 }), 1],
			['/api/v1/variation', 'variation', (/** @type {string} */ id) => ({ jobId: id, imageNo: 0, type: 0, remixPrompt: 'bluer' }), 4],
			['/api/v1/reroll', 'reroll', (/** @type {string} */ id) => ({ jobId: id }), 4],
			['/api/v1/pan', 'pan', (/** @type {string} */ id) => ({ jobId: id, imageNo: 3, direction: 2, scale: 1.5 }), 4],
			['/api/v1/outpaint', 'outpaint', (/** @type {string} */ id) => ({ jobId: id, imageNo: 3, scale: 2.0 }), 4],
		])('%s works on a finished image job', async (path, taskType, bodyFor, images) => {
			const image = await imageJob();
			const job = await finishedJob(ctx, path, bodyFor(image.job_id));
			expect(job).toMatchObject({ task_type: taskType, status: 'completed' });
			expect(job.output.image_urls).toHaveLength(images);
			expect(job.output.image_url).toMatch(/\.png$/);
		});

		test('blend takes 2-5 image URLs', async () => {
			const job = await finishedJob(ctx, '/api/v1/blend', { imgUrls: [IMG, IMG, IMG], aspect_ratio: '3:2' });
			expect(job).toMatchObject({ task_type: 'blend', input: { aspect_ratio: '3:2' } });
			expect(job.output.image_urls).toHaveLength(4);
		});

		test('describe and shorten give their suggestions in one emoji-numbered output.promptEn (the docs\u2019 shape)', async () => {
			const described = await finishedJob(ctx, '/api/v1/describe', { imgUrl: IMG });
			expect(described.output.prompts).toBeUndefined();
			expect(described.output.promptEn.split(/[0-9]\uFE0F\u20E3/u).filter((s) => s.trim())).toHaveLength(4);
			expect(described.output.promptEn.startsWith('1\uFE0F\u20E3 ')).toBe(true);
			expect(described.meta.usage.frozen).toBe(20);
			const shortened = await finishedJob(ctx, '/api/v1/shorten', { prompt: 'a very long and detailed prompt about a red fox in snow' });
			expect(shortened.output.promptEn).toContain('5\uFE0F\u20E3 ');
		});

		test('textOutput "prompts" gives the list shape instead', async () => {
			ctx.sim.configure({ textOutput: 'prompts' });
			const shortened = await finishedJob(ctx, '/api/v1/shorten', { prompt: 'a very long and detailed prompt about a red fox in snow' });
			expect(shortened.output.prompts).toHaveLength(5);
			expect(shortened.output.prompts[4].length).toBeLessThan(shortened.output.prompts[0].length);
		});

		test('describe takes imgUrl by default; describeField names the one it takes, with a 400 naming it', async () => {
			ctx.sim.configure({ describeField: 'imageLink' });
			const refused = await ctx.api.post('/api/v1/describe', { imgUrl: IMG });
			expect(refused.status).toBe(400);
			expect(JSON.stringify(refused.body)).toContain('imageLink');
			expect((await ctx.api.post('/api/v1/describe', { imageLink: IMG })).status).toBe(200);
			ctx.sim.configure({ describeField: 'either' });
			expect((await ctx.api.post('/api/v1/describe', { imgUrl: IMG })).status).toBe(200);
			expect((await ctx.api.post('/api/v1/describe', { imageLink: IMG })).status).toBe(200);
		});

		test('image jobs carry available_actions as a map with reroll as a boolean (openapi.yaml)', async () => {
			const image = await finishedJob(ctx, '/api/v1/diffusion', { text: 'a fox' });
			expect(image.output.available_actions).toMatchObject({ upscale: [0, 1, 2, 3], variation: [0, 1, 2, 3], reroll: true });
		});

		test('video-diffusion also works from an upscaled image', async () => {
			const image = await imageJob();
			const upscaled = await finishedJob(ctx, '/api/v1/upscale', { jobId: image.job_id, imageNo: 0 });
			expect((await ctx.api.post('/api/v1/video-diffusion', { jobId: upscaled.job_id, imageNo: 0 })).status).toBe(200);
		});
	});

	describe('validation (400 naming the field)', () => {
		const long = 'x'.repeat(8193);
		test.each([
			['/api/v1/video-diffusion', {}, 'prompt'],
			['/api/v1/video-diffusion', { prompt: '' }, 'prompt'],
			['/api/v1/video-diffusion', { prompt: long }, 'prompt'],
			['/api/v1/video-diffusion', { prompt: 42 }, 'prompt'],
			['/api/v1/video-diffusion', { jobId: 'abc' }, 'imageNo'],
			['/api/v1/video-diffusion', { jobId: 'abc', imageNo: 4 }, 'imageNo'],
			['/api/v1/video-diffusion', { jobId: 'abc', imageNo: 1.5 }, 'imageNo'],
			['/api/v1/video-diffusion', { prompt: IMG, videoType: 2 }, 'videoType'],
			['/api/v1/video-diffusion', { prompt: IMG, callback: 'ftp://x/y' }, 'callback'],
			['/api/v1/video-diffusion', { prompt: IMG, callback: 'not a url' }, 'callback'],
			['/api/v1/extend-video', { videoNo: 0 }, 'jobId'],
			['/api/v1/extend-video', { jobId: 'abc' }, 'videoNo'],
			['/api/v1/extend-video', { jobId: 'abc', videoNo: -1 }, 'videoNo'],
			['/api/v1/extend-video', { jobId: 'abc', videoNo: 0, prompt: '' }, 'prompt'],
			['/api/v1/video-upscale', { jobId: 'abc', videoNo: '1' }, 'videoNo'],
			['/api/v1/diffusion', {}, 'text'],
			['/api/v1/diffusion', { text: long }, 'text'],
			['/api/v1/upscale', { jobId: 'abc', imageNo: 0, type: 2 }, 'type'],
			['/api/v1/variation', { jobId: 'abc', imageNo: 9, type: 0 }, 'imageNo'],
			['/api/v1/reroll', {}, 'jobId'],
			['/api/v1/blend', { imgUrls: [IMG] }, 'imgUrls'],
			['/api/v1/blend', { imgUrls: [IMG, IMG, IMG, IMG, IMG, IMG] }, 'imgUrls'],
			['/api/v1/blend', { imgUrls: [IMG, 'nope'] }, 'imgUrls[1]'],
			['/api/v1/blend', { imgUrls: [IMG, IMG], aspect_ratio: '16:9' }, 'aspect_ratio'],
			['/api/v1/describe', { imgUrl: 'cat.png' }, 'imgUrl'],
			['/api/v1/shorten', {}, 'prompt'],
			['/api/v1/pan', { jobId: 'abc', imageNo: 0, direction: 4, scale: 1.5 }, 'direction'],
			['/api/v1/pan', { jobId: 'abc', imageNo: 0, direction: 0, scale: 3.5 }, 'scale'],
			['/api/v1/outpaint', { jobId: 'abc', imageNo: 0, scale: 2.5 }, 'scale'],
			['/api/v1/outpaint', { jobId: 'abc', imageNo: 0 }, 'scale'],
		])('%s %j -> 400 about %s', async (path, body, field) => {
			const answer = await ctx.api.post(path, body);
			expect(answer.status).toBe(400);
			expect(answer.body).toMatchObject({ code: 400, raw_message: '', detail: null });
			expect(answer.body.message).toContain(`"${field}"`);
			expect(ctx.sim.stats().jobsCreated).toBe(0);
		});

		test('a body that is not a JSON object is a 400', async () => {
			expect((await ctx.api.call('POST', '/api/v1/diffusion', { rawBody: '{"text":' })).status).toBe(400);
			expect((await ctx.api.call('POST', '/api/v1/diffusion', { rawBody: '["a"]' })).status).toBe(400);
			expect((await ctx.api.call('POST', '/api/v1/diffusion')).status).toBe(400);
		});

		test('an oversized body is a 413', async () => {
			ctx.sim.configure({ maxBodyBytes: 1000 });
			const answer = await ctx.api.post('/api/v1/diffusion', { text: 'y'.repeat(2000) });
			expect(answer.status).toBe(413);
		});

		test('with rejectEmptyStrings off, "" counts as absent', async () => {
			ctx.sim.configure({ rejectEmptyStrings: false });
			const image = await imageJob();
			expect((await ctx.api.post('/api/v1/video-diffusion', { jobId: image.job_id, imageNo: 0, prompt: '' })).status).toBe(200);
		});

		test('source jobs: unknown is 404, running or wrong kind is 400', async () => {
			const unknown = await ctx.api.post('/api/v1/extend-video', { jobId: '00000000-0000-4000-8000-000000000000', videoNo: 0 });
			expect(unknown.status).toBe(404);
			const running = (await ctx.api.post('/api/v1/diffusion', { text: 'a' })).body;
			const notDone = await ctx.api.post('/api/v1/video-diffusion', { jobId: running.job_id, imageNo: 0 });
			expect(notDone.status).toBe(400);
			expect(notDone.body.message).toMatch(/not completed/);
			const image = await imageJob();
			const wrongKind = await ctx.api.post('/api/v1/video-upscale', { jobId: image.job_id, videoNo: 0 });
			expect(wrongKind.status).toBe(400);
			expect(wrongKind.body.message).toContain('jobId');
		});
	});

	describe('errors', () => {
		test('401 for a missing or wrong key, with the flat body', async () => {
			for (const key of [null, 'wrong']) {
				const answer = await ctx.api.post('/api/v1/diffusion', { text: 'a' }, { key });
				expect(answer.status).toBe(401);
				expect(answer.body).toEqual({ code: 401, message: 'Failed to verify api key', raw_message: '', detail: null });
				expect((await ctx.api.get('/api/account/balance', { key })).status).toBe(401);
			}
		});

		test('402 when credits run out, job-shaped, naming the cost', async () => {
			ctx.sim.configure({ credits: 500 });
			expect((await ctx.api.post('/api/v1/video-diffusion', { prompt: IMG })).status).toBe(200);
			const answer = await ctx.api.post('/api/v1/video-diffusion', { prompt: IMG });
			expect(answer.status).toBe(402);
			expect(answer.body).toMatchObject({ job_id: '', status: 'failed', output: null, error: { code: 402 } });
			expect(answer.body.error.message).toContain('480');
			expect(ctx.sim.stats().creditsLeft).toBe(20);
		});

		test('403 for a prompt with forbidden-content', async () => {
			const answer = await ctx.api.post('/api/v1/video-diffusion', { prompt: `${IMG} some forbidden-content here` });
			expect(answer.status).toBe(403);
			expect(answer.body).toMatchObject({ job_id: '', status: 'failed', error: { code: 403 } });
			expect((await ctx.api.post('/api/v1/diffusion', { text: 'FORBIDDEN-CONTENT' })).status).toBe(403);
		});

		test('404 for an unknown job, with the error body', async () => {
			const answer = await ctx.api.job('2cbffb65-10ac-45a2-91d4-19a19a19ab4c');
			expect(answer.status).toBe(404);
			expect(answer.body).toMatchObject({ code: 404, raw_message: '', detail: null });
			expect(answer.body.message).toContain('not found');
		});

		test('404 for unknown routes, 405 for a wrong method', async () => {
			expect((await ctx.api.post('/api/v1/video_diffusion', {})).status).toBe(404);
			expect((await ctx.api.get('/api/v1/job/')).status).toBe(404);
			const wrong = await ctx.api.get('/api/v1/video-diffusion');
			expect(wrong.status).toBe(405);
			expect(wrong.headers.get('allow')).toBe('POST');
			expect((await ctx.api.post('/api/v1/job/abc', {})).status).toBe(405);
		});

		test('429 above the concurrency limit, with Retry-After; a finished job frees a slot', async () => {
			ctx.sim.configure({ concurrency: 2 });
			const first = (await ctx.api.post('/api/v1/diffusion', { text: 'a' })).body;
			await ctx.api.post('/api/v1/diffusion', { text: 'b' });
			const third = await ctx.api.post('/api/v1/diffusion', { text: 'c' });
			expect(third.status).toBe(429);
			expect(third.headers.get('retry-after')).toBe('1');
			expect(third.body).toMatchObject({ job_id: '', status: 'failed', error: { code: 429 } });
			ctx.sim.completeJob(first.job_id);
			expect((await ctx.api.post('/api/v1/diffusion', { text: 'c' })).status).toBe(200);
			expect(ctx.sim.stats()).toMatchObject({ jobsCreated: 3, maxJobsInFlight: 2 });
		});

		test('errorShape flat / job switch every error body', async () => {
			ctx.sim.configure({ errorShape: 'flat', credits: 0 });
			expect((await ctx.api.post('/api/v1/diffusion', { text: 'a' })).body).toMatchObject({ code: 402 });
			ctx.sim.configure({ errorShape: 'job' });
			expect((await ctx.api.post('/api/v1/diffusion', {})).body).toMatchObject({ job_id: '', status: 'failed', error: { code: 400 } });
		});
	});

	describe('account', () => {
		test('balance reflects credits left', async () => {
			await ctx.api.post('/api/v1/video-diffusion', { prompt: IMG });
			const { status, body } = await ctx.api.get('/api/account/balance');
			expect(status).toBe(200);
			expect(body).toMatchObject({ code: 200, message: 'success', data: { account_id: 1, available_credits: 100000 - 480, balance_usd: 99.52 } });
			expect(typeof body.data.updated_at).toBe('string');
		});

		test('info (front end shape) has the plan, max_concurrent_task_count and API keys; active_tasks (complete OpenAPI) lists running jobs', async () => {
			ctx.sim.configure({ concurrency: 3 });
			const job = (await ctx.api.post('/api/v1/diffusion', { text: 'a' })).body;
			const info = await ctx.api.get('/api/account/info');
			expect(info.body.data).toMatchObject({ plan: 'standard', max_concurrent_task_count: 3 });
			expect(info.body.data.api_keys[0].value).toBe(ctx.sim.options().apiKey);
			const active = await ctx.api.get('/api/account/active_tasks');
			expect(active.body).toMatchObject({ total_active: 1, concurrent_limit: 3 });
			expect(active.body.tasks[0].job_id).toBe(job.job_id);
		});
	});
});
