/**
 * The Account resource of the Legnext Video node in n8n-core's WorkflowExecute: balance, info and
 * active tasks as output items, errors, read retries, and the simulator's numbers.
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import {
	everythingVisible,
	httpCodeOf,
	jobBody,
	runVideoNode,
	SENTINEL_KEY,
	useFastRetries,
	useSimulator,
	VIDEO_NODE,
} from '../helpers/legnext';

const API = 'http://legnext.test';

useFastRetries();
beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

/** The balance answer exactly as the contract shows it. */
const balance = {
	account_id: 1,
	balance_usd: 72.048,
	available_credits: 71000,
	available_points: 1048,
	alert_threshold: 10,
	low_balance_alert: false,
	updated_at: '2025-11-05T08:22:37.784663288Z',
};

function wrapped(data: IDataObject): IDataObject {
	return { code: 200, data, message: 'success' };
}

/** A GET with the key and no body; returns a check that it was made. */
function expectRead(path: string, reply: IDataObject, status = 200) {
	let body: unknown;
	const scope = nock(API, { reqheaders: { 'x-api-key': SENTINEL_KEY } })
		.get(path)
		.reply(function (_uri, requestBody) {
			body = requestBody;
			return [status, reply];
		});
	return {
		check() {
			scope.done();
			expect(body === undefined || body === '').toBe(true);
		},
	};
}

async function runAccount(operation: string, items?: IDataObject[]) {
	return await runVideoNode({
		parameters: { resource: 'account', operation },
		items,
		baseUrl: API,
	});
}

it('get balance: the API fields under data, plus availableCredits and balanceUsd', async () => {
	const read = expectRead('/api/account/balance', wrapped(balance));
	const result = await runAccount('getBalance');
	expect(result.status).toBe('success');
	read.check();
	const [item] = result.outputOf(VIDEO_NODE);
	expect(item.json).toEqual({ availableCredits: 71000, balanceUsd: 72.048, data: balance });
	expect(item.pairedItem).toEqual({ item: 0 });
	expect(item.binary).toBeUndefined();
});

it('get balance is the default account operation, and reads once per item', async () => {
	let reads = 0;
	nock(API)
		.get('/api/account/balance')
		.times(3)
		.reply(() => {
			reads++;
			return [200, wrapped({ ...balance, available_credits: 500 - reads })];
		});
	const result = await runVideoNode({
		parameters: { resource: 'account' },
		items: [{}, {}, {}],
		baseUrl: API,
	});
	expect(result.status).toBe('success');
	expect(reads).toBe(3);
	const out = result.outputOf(VIDEO_NODE);
	expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(out.map((i) => i.json.availableCredits).sort()).toEqual([497, 498, 499]);
});

it('get balance tolerates missing numbers (null) and an unwrapped answer', async () => {
	expectRead('/api/account/balance', { available_credits: '1200', account_id: 9 });
	const result = await runAccount('getBalance');
	expect(result.outputOf(VIDEO_NODE)[0].json).toEqual({
		availableCredits: 1200,
		balanceUsd: null,
		data: { available_credits: '1200', account_id: 9 },
	});
});

it('get info: plan and maxConcurrentTaskCount, the allow-listed API fields under data', async () => {
	const info = {
		account_id: 1,
		plan: 'standard',
		max_concurrent_task_count: 6,
		active_task_count: 2,
	};
	const read = expectRead('/api/account/info', wrapped(info));
	const result = await runAccount('getInfo');
	expect(result.status).toBe('success');
	read.check();
	// `active_task_count` is in no source: not read, and not passed on (not on the allow-list).
	expect(result.outputOf(VIDEO_NODE)[0].json).toEqual({
		plan: 'standard',
		maxConcurrentTaskCount: 6,
		data: { account_id: 1, plan: 'standard', max_concurrent_task_count: 6 },
	});
});

it('get active tasks: the tasks and their count, in either field naming', async () => {
	const tasks = [jobBody({ status: 'processing' }), jobBody({ status: 'pending' })];
	const read = expectRead(
		'/api/account/active_tasks',
		wrapped({ total: 2, max_concurrent_task_count: 6, tasks }),
	);
	const result = await runAccount('getActiveTasks');
	read.check();
	expect(result.outputOf(VIDEO_NODE)[0].json).toMatchObject({
		activeTaskCount: 2,
		maxConcurrentTaskCount: 6,
		tasks,
	});

	expectRead(
		'/api/account/active_tasks',
		wrapped({ total_active: 1, concurrent_limit: 12, tasks: [tasks[0]] }),
	);
	const other = await runAccount('getActiveTasks');
	expect(other.outputOf(VIDEO_NODE)[0].json).toMatchObject({
		activeTaskCount: 1,
		maxConcurrentTaskCount: 12,
		tasks: [tasks[0]],
	});
});

it('a wrong key fails with the credential advice, and the key is never shown', async () => {
	nock(API)
		.get('/api/account/balance')
		.times(2)
		.reply(401, { code: 401, message: 'Failed to verify api key', raw_message: '', detail: null });
	const result = await runAccount('getBalance');
	expect(result.status).toBe('error');
	expect(result.error?.message).toMatch(/^Legnext did not accept the API key/);
	expect(result.error?.description).toMatch(/Check the API key/);
	expect(httpCodeOf(result)).toBe('401');
	expect(everythingVisible(result.error)).not.toContain(SENTINEL_KEY);
});

it('a read is retried after a server error (free, so safe to repeat)', async () => {
	nock(API)
		.get('/api/account/balance')
		.reply(503, { code: 503, message: 'busy' })
		.get('/api/account/balance')
		.reply(200, wrapped(balance));
	const result = await runAccount('getBalance');
	expect(result.status).toBe('success');
	expect(result.outputOf(VIDEO_NODE)[0].json.availableCredits).toBe(71000);
});

describe('simulator', () => {
	const sim = useSimulator({ apiKey: SENTINEL_KEY, credits: 12345, concurrency: 4 });

	it('balance and info read the simulator\u2019s credits and concurrency', async () => {
		const run = async (operation: string) =>
			await runVideoNode({
				parameters: { resource: 'account', operation },
				baseUrl: sim.url,
			});
		const balanceResult = await run('getBalance');
		expect(balanceResult.outputOf(VIDEO_NODE)[0].json).toMatchObject({
			availableCredits: 12345,
			balanceUsd: 12.345,
		});
		const infoResult = await run('getInfo');
		const info = infoResult.outputOf(VIDEO_NODE)[0].json;
		expect(info).toMatchObject({ plan: 'standard', maxConcurrentTaskCount: 4 });
		// The simulator's info holds the API key (api_keys[].value), as Legnext's front end shape does.
		expect(everythingVisible(info)).not.toContain(SENTINEL_KEY);
		expect((info.data as IDataObject).api_keys).toBeUndefined();
		const tasksResult = await run('getActiveTasks');
		expect(tasksResult.outputOf(VIDEO_NODE)[0].json).toMatchObject({
			activeTaskCount: 0,
			tasks: [],
		});
		expect(sim.stats().creditsSpent).toBe(0);
	});
});
