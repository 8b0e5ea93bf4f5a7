/**
 * The one Legnext client (nodes/legnext/client.ts), driven through the Video node in a real
 * WorkflowExecute against nock: error mapping for each status and both error shapes, read retries,
 * submit retries only on 429, and the API key kept out of every error.
 */
import nock from 'nock';

import { harnessLog } from '../helpers/workflow/n8n-runtime';
import {
	completedJob,
	everythingVisible,
	httpCodeOf,
	jobBody,
	JOB_ID,
	runVideoNode,
	SENTINEL_KEY,
	useFastRetries,
	useSimulator,
} from '../helpers/legnext';
import { retryPolicy } from '../../nodes/legnext/client';

const API = 'http://legnext.test';

const getJob = { resource: 'job', operation: 'get', jobId: JOB_ID };
const createVideo = {
	resource: 'video',
	operation: 'create',
	source: 'imageUrl',
	imageUrl: 'https://img.test/cat.png',
	prompt: 'a cat walks',
	waitForCompletion: false,
};

useFastRetries();
beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

function flatError(code: number, message: string) {
	return { code, message, raw_message: '', detail: null };
}
function jobShapedError(code: number, message: string) {
	return {
		job_id: '',
		status: 'failed',
		output: null,
		error: { code, message, raw_message: '', detail: null },
	};
}

describe('error mapping', () => {
	const cases: Array<[number, string, RegExp]> = [
		[400, 'imageNo must be 0-3', /rejected the request parameters: imageNo must be 0-3/],
		[401, 'Failed to verify api key', /did not accept the API key/],
		[402, 'insufficient balance', /Not enough Legnext credits/],
		[
			403,
			'This feature is only available for whitelisted accounts',
			/refused the request: This feature/,
		],
		// A new job names no earlier one, so a 404 is about the endpoint (job reads and follow-ups: contract.test.ts).
		[404, 'job not found', /does not offer this endpoint at this Base URL/],
		[413, 'payload too large', /too large/],
		[422, 'prompt too long', /rejected the request parameters: prompt too long/],
	];

	for (const shape of ['flat', 'job-shaped'] as const) {
		for (const [status, apiMessage, expected] of cases) {
			it(`${status} (${shape} body) names the problem and keeps the HTTP code`, async () => {
				const body =
					shape === 'flat' ? flatError(status, apiMessage) : jobShapedError(status, apiMessage);
				let calls = 0;
				nock(API)
					.post('/api/v1/video-diffusion')
					.times(3)
					.reply(() => {
						calls++;
						return [status, body];
					});
				const result = await runVideoNode({ parameters: createVideo, baseUrl: API });
				expect(result.status).toBe('error');
				expect(result.error?.message).toMatch(expected);
				expect(httpCodeOf(result)).toBe(String(status));
				expect(everythingVisible(result.error)).not.toContain(SENTINEL_KEY);
				expect(calls).toBe(1);
			});
		}
	}

	it('402 says how many credits the call needs', async () => {
		nock(API).post('/api/v1/video-diffusion').reply(402, flatError(402, 'insufficient'));
		const result = await runVideoNode({ parameters: { ...createVideo, quality: 1 }, baseUrl: API });
		expect(result.error?.description).toMatch(/about 1536 credits/);
	});

	it('403 tells the user to rephrase or check the plan', async () => {
		nock(API).post('/api/v1/video-diffusion').reply(403, jobShapedError(403, 'banned prompt'));
		const result = await runVideoNode({ parameters: createVideo, baseUrl: API });
		expect(result.error?.description).toMatch(/rephrase the prompt or check your plan/);
	});

	it('an HTML error page is reported as such, not as a JSON parse crash', async () => {
		nock(API)
			.get(`/api/v1/job/${JOB_ID}`)
			.times(retryPolicy.maxAttempts)
			.reply(502, '<html><body>Bad gateway</body></html>', {
				'content-type': 'text/html',
			});
		const result = await runVideoNode({ parameters: getJob, baseUrl: API });
		expect(result.error?.message).toMatch(
			/server error \(HTTP 502\): Legnext answered with an HTML page instead of JSON/,
		);
	});

	it('a 200 that carries an error code is an error', async () => {
		nock(API)
			.get(`/api/v1/job/${JOB_ID}`)
			.times(2)
			.reply(200, flatError(401, 'Failed to verify api key'));
		const result = await runVideoNode({ parameters: getJob, baseUrl: API });
		expect(result.error?.message).toMatch(/did not accept the API key/);
		expect(httpCodeOf(result)).toBe('401');
	});

	it('the API key never appears in errors, even when the API echoes it', async () => {
		nock(API)
			.post('/api/v1/video-diffusion')
			.times(2)
			.reply(401, flatError(401, `key ${SENTINEL_KEY} is not valid`));
		const result = await runVideoNode({ parameters: createVideo, baseUrl: API });
		expect(result.error?.message).toContain('[redacted]');
		expect(everythingVisible(result)).not.toContain(SENTINEL_KEY);
		expect(everythingVisible(harnessLog)).not.toContain(SENTINEL_KEY);
	});

	it('sends the key as x-api-key to the API', async () => {
		const scope = nock(API, { reqheaders: { 'x-api-key': SENTINEL_KEY } })
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(200, jobBody());
		const result = await runVideoNode({ parameters: getJob, baseUrl: API });
		expect(result.status).toBe('success');
		scope.done();
	});
});

describe('read retries', () => {
	it('retries 5xx, 429 and unreadable bodies, then succeeds', async () => {
		const scope = nock(API)
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(503, flatError(503, 'busy'))
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(429, flatError(429, 'slow down'))
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(200, '{"job_id": "trunc')
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(200, completedJob(['https://cdn.test/a.mp4']));
		const result = await runVideoNode({ parameters: getJob, baseUrl: API });
		expect(result.status).toBe('success');
		expect(result.outputOf('Legnext Video')[0].json.status).toBe('completed');
		scope.done();
	});

	it('stops at the bound and says how often it tried', async () => {
		let calls = 0;
		nock(API)
			.get(`/api/v1/job/${JOB_ID}`)
			.times(20)
			.reply(() => {
				calls++;
				return [500, flatError(500, 'internal')];
			});
		const result = await runVideoNode({ parameters: getJob, baseUrl: API });
		expect(calls).toBe(retryPolicy.maxAttempts);
		expect(result.error?.message).toMatch(/server error \(HTTP 500\): internal/);
		expect(result.error?.description).toMatch(new RegExp(`Tried ${retryPolicy.maxAttempts} times`));
	});

	it('does not retry a 404', async () => {
		let calls = 0;
		nock(API)
			.get(`/api/v1/job/${JOB_ID}`)
			.times(5)
			.reply(() => {
				calls++;
				return [404, jobShapedError(404, 'job not found')];
			});
		const result = await runVideoNode({ parameters: getJob, baseUrl: API });
		expect(calls).toBe(1);
		expect(result.error?.description).toMatch(/30 days/);
	});

	it('honours Retry-After', async () => {
		nock(API)
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(429, flatError(429, 'too many'), { 'Retry-After': '1' })
			.get(`/api/v1/job/${JOB_ID}`)
			.reply(200, jobBody());
		const started = Date.now();
		const result = await runVideoNode({ parameters: getJob, baseUrl: API });
		expect(result.status).toBe('success');
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
	});
});

describe('submits are never sent twice', () => {
	function countSubmits(replies: Array<() => nock.ReplyFnResult | Error>) {
		let calls = 0;
		const scope = nock(API)
			.post('/api/v1/video-diffusion')
			.times(replies.length + 5)
			.reply(() => {
				const reply = replies[Math.min(calls, replies.length - 1)]();
				calls++;
				if (reply instanceof Error) throw reply;
				return reply;
			});
		return { scope, calls: () => calls };
	}

	it('retries a 429 (the API refused the job) and then succeeds', async () => {
		const submits = countSubmits([
			() => [429, jobShapedError(429, 'too many concurrent tasks')],
			() => [200, jobBody()],
		]);
		const result = await runVideoNode({ parameters: createVideo, baseUrl: API });
		expect(result.status).toBe('success');
		expect(submits.calls()).toBe(2);
		expect(result.outputOf('Legnext Video')[0].json.jobId).toBe(JOB_ID);
	});

	it('sends exactly once on a 500 and says the job may exist', async () => {
		const submits = countSubmits([() => [500, flatError(500, 'internal')]]);
		const result = await runVideoNode({ parameters: createVideo, baseUrl: API });
		expect(submits.calls()).toBe(1);
		expect(result.error?.description).toMatch(
			/may have been created anyway, so it was not sent again/,
		);
	});
});

/** Dropped connections need a real socket (nock's replyWithError never settles n8n-core's request). */
describe('dropped connections (simulator)', () => {
	const sim = useSimulator({ apiKey: SENTINEL_KEY, jobMs: 100 });
	beforeEach(() => sim.reset());

	it('a read is retried after the connection drops', async () => {
		const submitted = await runVideoNode({ parameters: createVideo, baseUrl: sim.url });
		const jobId = submitted.outputOf('Legnext Video')[0].json.jobId as string;
		sim.enqueue({ method: 'GET', path: '/api/v1/job/', drop: true, times: 2 });
		const result = await runVideoNode({ parameters: { ...getJob, jobId }, baseUrl: sim.url });
		expect(result.status).toBe('success');
		expect(sim.stats().requests['GET /api/v1/job/:id']).toBe(3);
	});

	it('a submit is sent exactly once when the connection drops, and the error says why', async () => {
		sim.enqueue({
			method: 'POST',
			path: '/api/v1/video-diffusion',
			drop: true,
			createJob: true,
			times: 5,
		});
		const result = await runVideoNode({ parameters: createVideo, baseUrl: sim.url });
		expect(result.status).toBe('error');
		expect(sim.stats().requests['POST /api/v1/video-diffusion']).toBe(1);
		expect(result.error?.message).toMatch(
			/Could not reach Legnext at http:\/\/127.0.0.1:\d+: the connection was dropped/,
		);
		expect(result.error?.description).toMatch(/not sent again/);
	});
});
