'use strict';
// The credential's test request (what the editor runs on save / "Retry") against the simulator.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useContext } = require('./lib/context');

const ctx = useContext();

function testWith(data) {
	const { id, name, type } = ctx.credential;
	return ctx.api.testCredential({ id, name, type, data });
}

test('the stored simulator credential passes its test', async () => {
	const result = await ctx.api.testCredential({ id: ctx.credential.id });
	assert.equal(result.status, 'OK', JSON.stringify(result));
});

test('a wrong API key fails the credential test with "check the API key"', async () => {
	const result = await testWith({ apiKey: 'not-the-key', baseUrl: ctx.simUrl });
	assert.equal(result.status, 'Error', JSON.stringify(result));
	assert.match(result.message, /^Legnext did not accept the API key: check the API key/);
});

test('the Base URL as the docs write it (with /api and a trailing slash) passes', async () => {
	const result = await testWith({ apiKey: ctx.apiKey, baseUrl: `${ctx.simUrl}/api/` });
	assert.equal(result.status, 'OK', JSON.stringify(result));
});

test('a Base URL that is not a Legnext API (n8n itself: an HTML page or a 404) says so', async (t) => {
	const result = await testWith({ apiKey: ctx.apiKey, baseUrl: ctx.n8nUrl });
	assert.equal(result.status, 'Error', JSON.stringify(result));
	assert.match(result.message, /^This Base URL is not a Legnext API/);
	t.diagnostic(`Base URL ${ctx.n8nUrl} -> "${result.message}"`);
});

test('an unreachable base URL fails the credential test', async () => {
	const result = await testWith({ apiKey: ctx.apiKey, baseUrl: 'http://127.0.0.1:9' });
	assert.equal(result.status, 'Error', JSON.stringify(result));
});
