'use strict';
// The real editor in headless Chromium: signs in, opens the package's nodes and credential,
// saves screenshots for the docs and checks that the expected parameters are shown.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const n8n = require('../scripts/lib/n8n');
const { useContext } = require('./lib/context');

// Labels the panels must show with default parameter values. Adjust when the nodes change.
const VIDEO_NODE_LABELS = ['Resource', 'Operation'];
const TRIGGER_NODE_LABELS = ['Secret Token', 'Fire On', 'Job Types'];
const CREDENTIAL_LABELS = ['API Key', 'Base URL'];

const SCREENSHOTS = path.join(__dirname, '..', 'docs', 'screenshots');
const VIDEO_NODE = { type: 'legnextVideo', name: 'Legnext Video', screenshot: 'video-node.png' };
const TRIGGER_NODE = {
	type: 'legnextVideoTrigger',
	name: 'Legnext Video Trigger',
	screenshot: 'trigger-node.png',
};

let editor; // { page, close }: one signed-in browser for the whole file
let loadedTypes; // node types n8n loaded, by name

const ctx = useContext({
	async setup() {
		loadedTypes = new Map((await ctx.api.listNodeTypes()).map((type) => [type.name, type]));
		// Land on the credential modal (the first test): one page load fewer.
		const landing = `/home/credentials/${ctx.credential.id}`;
		editor = await n8n.openEditor({ url: ctx.n8nUrl, owner: ctx.owner, path: landing });
	},
	async teardown() {
		if (editor) await editor.close();
	},
});

function latestVersion(type) {
	return (
		type.defaultVersion || (Array.isArray(type.version) ? Math.max(...type.version) : type.version)
	);
}

/** Manual Trigger -> Legnext Video, plus a Legnext Video Trigger: both package nodes on one canvas. */
function showcaseWorkflow() {
	const node = ({ type, name }, position) => ({
		id: `${type}-node`,
		name,
		type: ctx.nodeType(type),
		typeVersion: latestVersion(loadedTypes.get(ctx.nodeType(type))),
		position,
		parameters: {},
	});
	return {
		name: 'Legnext showcase',
		nodes: [
			{
				id: 'manual',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			node(VIDEO_NODE, [260, 0]),
			node(TRIGGER_NODE, [0, 260]),
		],
		connections: { Start: { main: [[{ node: VIDEO_NODE.name, type: 'main', index: 0 }]] } },
	};
}

let showcase; // created on first use
async function openShowcase() {
	showcase = showcase || (await ctx.importWorkflow(showcaseWorkflow()));
	await n8n.openWorkflow(editor.page, ctx.n8nUrl, showcase.id);
}

function missingTypes() {
	return [VIDEO_NODE, TRIGGER_NODE]
		.map((node) => ctx.nodeType(node.type))
		.filter((type) => !loadedTypes.has(type));
}

async function checkNodePanel(t, node, expectedLabels) {
	const missing = missingTypes();
	if (missing.length > 0)
		return t.skip(`not loaded by n8n yet: ${missing.join(', ')} (build the nodes first)`);
	await openShowcase();
	const panel = await n8n.openNodePanel(editor.page, node.name);
	const file = await n8n.screenshot(editor.page, path.join(SCREENSHOTS, node.screenshot));
	const labels = await n8n.parameterLabels(panel);
	await n8n.closeNodePanel(editor.page);
	t.diagnostic(
		`${node.name} panel labels: ${labels.join(' | ')} (screenshot ${path.relative(process.cwd(), file)})`,
	);
	for (const label of expectedLabels) {
		assert.ok(
			labels.includes(label),
			`"${label}" not shown in the ${node.name} panel; shown: ${labels.join(', ')}`,
		);
	}
}

test('the credential modal shows its fields and connects to the simulator', async (t) => {
	const modal = await n8n.openCredentialModal(editor.page, ctx.n8nUrl, ctx.credential.id);
	// Opening the modal runs the credential test; wait for its verdict before looking.
	await modal
		.getByText(/Connection tested successfully|Couldn.t connect/)
		.first()
		.waitFor({ timeout: 15000 });
	const file = await n8n.screenshot(editor.page, path.join(SCREENSHOTS, 'credential.png'));
	const text = await modal.innerText();
	await editor.page.keyboard.press('Escape');
	t.diagnostic(`screenshot ${path.relative(process.cwd(), file)}`);
	for (const label of CREDENTIAL_LABELS)
		assert.ok(text.includes(label), `"${label}" not in the credential modal`);
	assert.ok(!/Couldn.t connect/.test(text), `the editor's credential test failed:\n${text}`);
});

test('the Legnext Video node panel shows its parameters', (t) =>
	checkNodePanel(t, VIDEO_NODE, VIDEO_NODE_LABELS));

test('the Legnext Video Trigger panel shows its parameters', (t) =>
	checkNodePanel(t, TRIGGER_NODE, TRIGGER_NODE_LABELS));
