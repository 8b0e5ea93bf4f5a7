/**
 * The Legnext API credential's own test (n8n's "Test" button): the balance request at the Base URL the
 * user typed, and the rules that turn its answer into a message naming what is wrong.
 */
import nock from 'nock';

import { testCredentials } from '../helpers/workflow/credential-test';
import { SENTINEL_KEY } from '../helpers/legnext';

const API = 'http://legnext.test';

/** The balance answer as Legnext documents it (docs.legnext.ai, account balance). */
const balance = {
	code: 200,
	data: { account_id: 1, balance_usd: 72.048, available_credits: 71000, available_points: 1048 },
	message: 'success',
};

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

async function testWith(baseUrl: string) {
	return await testCredentials({
		type: 'legnextVideoApi',
		data: { apiKey: SENTINEL_KEY, baseUrl },
	});
}

describe('Legnext API credential test', () => {
	it.each([
		['the plain host', API],
		['the docs form with /api', `${API}/api`],
		['trailing slashes', `${API}/api//`],
	])('reads /api/account/balance with %s as Base URL', async (_name, baseUrl) => {
		const api = nock(API, { reqheaders: { 'x-api-key': SENTINEL_KEY } })
			.get('/api/account/balance')
			.reply(200, balance);
		const outcome = await testWith(baseUrl);
		expect(outcome).toMatchObject({ status: 'OK', message: 'Connection successful!' });
		expect(api.isDone()).toBe(true);
	});

	it('says to check the API key on a 401', async () => {
		nock(API)
			.get('/api/account/balance')
			.reply(401, { code: 401, message: 'Failed to verify api key' });
		const outcome = await testWith(API);
		expect(outcome.status).toBe('Error');
		expect(outcome.message).toMatch(/^Legnext did not accept the API key: check the API key/);
	});

	it('says to check the API key when a 200 carries code 401 in its body', async () => {
		nock(API)
			.get('/api/account/balance')
			.reply(200, { code: 401, message: 'Failed to verify api key' });
		const outcome = await testWith(API);
		expect(outcome.message).toMatch(/^Legnext did not accept the API key/);
	});

	it('says the Base URL is not a Legnext API on a 404 (wrong path)', async () => {
		nock(API).get('/api/account/balance').reply(404, { code: 404, message: 'page not found' });
		const outcome = await testWith(API);
		expect(outcome.status).toBe('Error');
		expect(outcome.message).toMatch(
			/^This Base URL is not a Legnext API: nothing answers at \/api\/account\/balance/,
		);
	});

	it.each([
		[
			'an HTML page',
			'<!doctype html><html><body>Welcome</body></html>',
			{ 'content-type': 'text/html' },
		],
		['a 404 HTML page', '<html><body>404 Not Found</body></html>', { 'content-type': 'text/html' }],
		[
			'another JSON API',
			JSON.stringify({ status: 'ok', version: 3 }),
			{ 'content-type': 'application/json' },
		],
	])(
		'says the Base URL is not a Legnext API when the answer is %s',
		async (name, body, headers) => {
			nock(API)
				.get('/api/account/balance')
				.reply(name.includes('404') ? 404 : 200, body, headers);
			const outcome = await testWith(API);
			expect(outcome.status).toBe('Error');
			expect(outcome.message).toMatch(
				/^This Base URL is not a Legnext API \(or it is down\): its answer is not Legnext/,
			);
		},
	);

	it('names a Legnext server error as such, not as a wrong Base URL', async () => {
		nock(API).get('/api/account/balance').reply(502, { code: 502, message: 'bad gateway' });
		const outcome = await testWith(API);
		expect(outcome.message).toMatch(/had an error \(code 502\)/);
	});

	it('never shows the API key in its messages', async () => {
		nock(API)
			.get('/api/account/balance')
			.reply(401, { code: 401, message: `bad key ${SENTINEL_KEY}` });
		const outcome = await testWith(API);
		expect(JSON.stringify({ status: outcome.status, message: outcome.message })).not.toContain(
			SENTINEL_KEY,
		);
	});
});
