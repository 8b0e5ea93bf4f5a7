'use strict';
// The real editor in headless Chromium, as a new user meets the package: the node panel's search
// ("Add first step" and "What happens next?"), both nodes' panels and the credential. What the editor
// shows is compared with the built node descriptions (dist/), so a changed text cannot leave a stale
// expectation behind. Screenshots go to .e2e/screenshots/ (`npm run screenshots` writes the docs' ones).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { useContext } = require('./lib/context');
const { E2E_DIR } = require('./lib/environment');
const { startTour, VIDEO_NODE, TRIGGER_NODE } = require('../n8n/editor-tour');
const { builtPackage, property, optionActions } = require('../n8n/built-package');

const built = builtPackage();
const video = built.nodes.legnextVideo;
const trigger = built.nodes.legnextVideoTrigger;
const credentialType = built.credentials.legnextVideoApi;

let tour;
const ctx = useContext({
	async setup() {
		tour = await startTour({
			url: ctx.n8nUrl,
			owner: ctx.owner,
			credential: ctx.credential,
			createWorkflow: (workflow) => ctx.importWorkflow(workflow),
			screenshotsDir: path.join(E2E_DIR, 'screenshots'),
		});
	},
	async teardown() {
		if (tour) await tour.close();
	},
});

const describeEntries = (entries) =>
	entries.map((entry) => `${entry.name}: ${entry.description}`).join('\n') || '(nothing)';

/**
 * n8n lists a node and its "...Trigger" node as one entry, named after the node, with the Trigger's
 * description (editor-ui nodeCreator/composables/useActionsGeneration.ts): so that entry must be there,
 * and its text (the Trigger's) must be about the Video node too, not only about the trigger.
 */
function assertLegnextEntry(search, where) {
	const entry = search.entries.find((candidate) => candidate.name === video.displayName);
	assert.ok(
		entry,
		`"${video.displayName}" not found ${where}; found:\n${describeEntries(search.entries)}`,
	);
	assert.equal(entry.description, trigger.description, `description of the entry ${where}`);
	assert.match(entry.description, /video/i, `the entry ${where} only describes the trigger`);
	return entry;
}

test('typing "Legnext" in the first-step panel finds Legnext Video, whose triggers are the Trigger node\'s', async (t) => {
	const search = await tour.nodeSearch('first-step', 'Legnext', {
		open: video.displayName,
		screenshot: 'node-search.png',
	});
	t.diagnostic(`${search.header}: ${describeEntries(search.entries)}`);
	assert.match(search.header, /What triggers this workflow/);
	assertLegnextEntry(search, 'in the first-step panel');
	const shown = search.inside.map((entry) => entry.name);
	const expected = optionActions(trigger, 'events');
	assert.ok(expected.length >= 3, `the Trigger's outcomes have no action names: ${expected}`);
	for (const action of expected)
		assert.ok(
			shown.includes(action),
			`trigger "${action}" not listed; listed: ${shown.join(', ')}`,
		);
});

test('typing "Legnext" in "What happens next?" finds Legnext Video with every operation', async (t) => {
	const search = await tour.nodeSearch('next', 'Legnext', { open: video.displayName });
	t.diagnostic(`${search.header}: ${describeEntries(search.entries)}`);
	assert.match(search.header, /What happens next/);
	assertLegnextEntry(search, 'in "What happens next?"');
	const shown = search.inside.map((entry) => entry.name);
	const expected = optionActions(video, 'operation');
	assert.ok(expected.length >= 10, `the Video node's operations have no action names: ${expected}`);
	for (const action of expected)
		assert.ok(shown.includes(action), `action "${action}" not listed; listed: ${shown.join(', ')}`);
});

test('typing "video" finds Legnext Video in both panels', async (t) => {
	for (const panel of ['first-step', 'next']) {
		const search = await tour.nodeSearch(panel, 'video');
		t.diagnostic(`${panel}: ${search.entries.map((entry) => entry.name).join(', ')}`);
		assertLegnextEntry(search, `for "video" in the ${panel} panel`);
	}
});

test('typing "Legnext" in an AI Agent\'s Tools panel finds the tool variant, with the tool description', async (t) => {
	const search = await tour.nodeSearch('agent-tool', 'Legnext');
	t.diagnostic(`${search.header}: ${describeEntries(search.entries)}`);
	assert.match(
		search.header,
		/^Tools\b/,
		"the AI Agent's Tool connector did not open the Tools view",
	);
	const name = `${video.displayName} Tool`; // n8n's name for the variant it makes of a usableAsTool node
	const entry = search.entries.find((candidate) => candidate.name === name);
	assert.ok(entry, `"${name}" not found; found:\n${describeEntries(search.entries)}`);
	// n8n gives the tool variant the description in usableAsTool.replacements (what an agent reads), if any.
	const toolDescription = ((video.usableAsTool && video.usableAsTool.replacements) || {})
		.description;
	assert.equal(entry.description, toolDescription || video.description);
});

test('the credential modal shows its fields and connects to the simulator', async (t) => {
	const modal = await tour.credentialModal();
	t.diagnostic(`screenshot ${modal.file}`);
	assert.ok(
		!/Couldn.t connect/.test(modal.text),
		`the editor's credential test failed:\n${modal.text}`,
	);
	const expected = [
		credentialType.displayName,
		...['apiKey', 'baseUrl'].map((name) => property(credentialType, name).displayName),
	];
	for (const text of expected)
		assert.ok(modal.text.includes(text), `"${text}" not in the credential modal`);
});

/** The parameters (by name) whose labels the panel must show with the showcase's parameters. */
async function checkNodePanel(t, nodeName, description, parameterNames, options = {}) {
	const panel = await tour.nodePanel(nodeName, options);
	t.diagnostic(`${nodeName} panel: ${panel.labels.join(' | ')}`);
	for (const name of parameterNames) {
		const label = property(description, name).displayName;
		assert.ok(
			panel.labels.includes(label),
			`"${label}" not shown; shown: ${panel.labels.join(', ')}`,
		);
	}
	return panel;
}

test('the Legnext Video panel shows its parameters, Wait Strategy in view', async (t) => {
	const waitStrategy = property(video, 'waitStrategy').displayName;
	const panel = await checkNodePanel(
		t,
		VIDEO_NODE,
		video,
		['resource', 'operation', 'waitStrategy'],
		{
			showLabel: waitStrategy,
			screenshot: 'video-node.png',
		},
	);
	assert.equal(panel.showsLabel, true, `"${waitStrategy}" is outside the screenshot`);
});

test('the Legnext Video Trigger panel shows its notice and parameters', async (t) => {
	const panel = await checkNodePanel(t, TRIGGER_NODE, trigger, ['token', 'events', 'jobTypes'], {
		screenshot: 'trigger-node.png',
	});
	const notice = trigger.properties.find((candidate) => candidate.type === 'notice');
	assert.ok(notice, 'the Trigger has no notice');
	// The editor renders the notice's text itself; compare it with whitespace folded.
	const fold = (text) => text.replace(/\s+/g, ' ').trim();
	assert.ok(
		fold(panel.text).includes(fold(notice.displayName)),
		`notice not shown:\n${panel.text}`,
	);
});
