'use strict';
// `npm run screenshots`: the package in a real n8n 2.41.1 next to the Legnext simulator (started as for
// the e2e tests), photographed into docs/screenshots/: the node panel's search for "Legnext", the
// Legnext Video panel with Wait Strategy in view, the Trigger's panel and the credential. Run it after
// changing a node's texts; test/e2e/browser.test.js checks the same views against the built descriptions.

const path = require('node:path');
const { startEnvironment } = require('../test/e2e/lib/environment');
const n8n = require('../test/n8n/n8n');
const { builtPackage, property } = require('../test/n8n/built-package');
const { startTour, VIDEO_NODE, TRIGGER_NODE } = require('../test/n8n/editor-tour');
const { adaptWorkflow, CUSTOM_PREFIX } = require('../test/n8n/workflows');

const SCREENSHOTS_DIR = path.join(n8n.REPO_ROOT, 'docs', 'screenshots');

async function takeScreenshots({ n8nUrl, owner, credential, nodeTypePrefix }) {
	// The node types as this n8n loaded the package (from its tarball: `n8n-nodes-legnext-video.`).
	const typePrefix = nodeTypePrefix || CUSTOM_PREFIX;
	const api = n8n.createClient(n8nUrl);
	await api.login(owner);
	const tour = await startTour({
		url: n8nUrl,
		owner,
		credential,
		createWorkflow: (workflow) =>
			api.createWorkflow(adaptWorkflow(workflow, { credential, typePrefix })),
		screenshotsDir: SCREENSHOTS_DIR,
	});
	try {
		const search = await tour.nodeSearch('first-step', 'Legnext', {
			screenshot: 'node-search.png',
		});
		const waitStrategy = property(builtPackage().nodes.legnextVideo, 'waitStrategy').displayName;
		const videoPanel = await tour.nodePanel(VIDEO_NODE, {
			showLabel: waitStrategy,
			screenshot: 'video-node.png',
		});
		if (!videoPanel.showsLabel) throw new Error(`"${waitStrategy}" is outside video-node.png`);
		const triggerPanel = await tour.nodePanel(TRIGGER_NODE, { screenshot: 'trigger-node.png' });
		const credentialModal = await tour.credentialModal();
		return [search, videoPanel, triggerPanel, credentialModal].map((view) => view.file);
	} finally {
		await tour.close();
	}
}

async function main() {
	const environment = await startEnvironment();
	try {
		const files = await takeScreenshots(environment.state);
		for (const file of files) console.log(`[screenshots] ${path.relative(n8n.REPO_ROOT, file)}`);
	} finally {
		await environment.stop();
	}
}

main().catch((error) => {
	console.error(`[screenshots] ${error.stack || error.message}`);
	process.exit(1);
});
