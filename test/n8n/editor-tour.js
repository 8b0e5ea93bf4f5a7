'use strict';
// A new user's first look at the package in the real editor: the credential, both nodes' panels and
// the node panel's search, as screenshots plus the texts shown. Shared by test/e2e/browser.test.js (which
// checks those texts against the built descriptions) and `npm run screenshots` (docs/screenshots/).
//
//   const tour = await startTour({ url, owner, credential, createWorkflow, screenshotsDir });
//   const search = await tour.nodeSearch('first-step', 'Legnext', { open: 'Legnext Video' });
//   // search: { header, entries: [{ name, description }], inside: [...], file }
//   await tour.close();

const path = require('node:path');
const browser = require('./browser');
const { PACKAGE_NAME } = require('./workflows');

// Tall enough for the Video node's panel to show Wait Strategy and its hint below the fields above it.
const VIEWPORT = { width: 1440, height: 1300 };

const VIDEO_NODE = 'Legnext Video';
const TRIGGER_NODE = 'Legnext Video Trigger';

/** A workflow node as stored JSON (version 1 unless told). */
function workflowNode(name, type, position, parameters = {}, typeVersion = 1) {
	return {
		id: name.toLowerCase().replace(/\W+/g, '-'),
		name,
		type,
		typeVersion,
		position,
		parameters,
	};
}

/** Manual Trigger -> Legnext Video (Create, with an image), plus a Legnext Video Trigger. */
function showcaseWorkflow() {
	return {
		name: 'Legnext showcase',
		nodes: [
			workflowNode('Start', 'n8n-nodes-base.manualTrigger', [0, 0]),
			workflowNode(VIDEO_NODE, `${PACKAGE_NAME}.legnextVideo`, [260, 0], {
				resource: 'video',
				operation: 'create',
				imageUrl: 'https://example.com/lighthouse.png',
				prompt: 'The camera slowly circles the lighthouse as waves crash',
			}),
			workflowNode(TRIGGER_NODE, `${PACKAGE_NAME}.legnextVideoTrigger`, [0, 260]),
		],
		connections: { Start: { main: [[{ node: VIDEO_NODE, type: 'main', index: 0 }]] } },
	};
}

const AGENT_NODE = 'AI Agent';

/** Manual Trigger -> AI Agent: the agent's Tool connector opens the node panel's "Tools" view. */
function agentWorkflow() {
	return {
		name: 'Legnext as an agent tool',
		nodes: [
			workflowNode('Start', 'n8n-nodes-base.manualTrigger', [0, 0]),
			workflowNode(AGENT_NODE, '@n8n/n8n-nodes-langchain.agent', [260, 0], {}, 2),
		],
		connections: { Start: { main: [[{ node: AGENT_NODE, type: 'main', index: 0 }]] } },
	};
}

/** Whether the element's box lies inside the page's viewport (so a screenshot shows it). */
async function inViewport(page, locator) {
	const box = await locator.boundingBox();
	const size = page.viewportSize();
	return Boolean(box && box.y >= 0 && box.y + box.height <= size.height);
}

/**
 * Opens a signed-in browser. `credential`: { id } of a stored Legnext credential; `createWorkflow(json)`:
 * stores workflow JSON written with the published node types and returns n8n's workflow (`id`);
 * `screenshotsDir`: where the PNGs go.
 */
async function startTour({ url, owner, credential, createWorkflow, screenshotsDir }) {
	const editor = await browser.openEditor({
		url,
		owner,
		viewport: VIEWPORT,
		path: `/home/credentials/${credential.id}`, // the first stop: one page load fewer
	});
	const { page } = editor;
	const shoot = (name) => browser.screenshot(page, path.join(screenshotsDir, name));
	const workflows = {}; // by builder function name, created on first use

	async function openWorkflow(build) {
		workflows[build.name] = workflows[build.name] || (await createWorkflow(build()));
		await browser.openWorkflow(page, url, workflows[build.name].id);
	}
	const openShowcase = () => openWorkflow(showcaseWorkflow);

	/** Opens the node panel ("node creator") the way `panel` names; returns its header. */
	async function openNodeCreator(panel) {
		if (panel === 'agent-tool') {
			// On a busy machine the editor has opened its generic "Other AI Nodes" view for this connector
			// (seen twice in clean-clone CI runs): reopen until the Tools view shows, at most 3 times.
			let header = '';
			for (let attempt = 1; attempt <= 3; attempt++) {
				await openWorkflow(agentWorkflow);
				header = await browser.openNodeCreatorForInput(page, AGENT_NODE, 'ai_tool');
				if (/^Tools\b/.test(header)) break;
				await browser.closeNodeCreator(page);
			}
			return header;
		}
		if (panel === 'first-step') {
			await page.goto(`${url}/workflow/new`);
			await page.locator('[data-test-id="canvas-add-button"]').waitFor({ timeout: 60000 });
			await browser.dismissPopups(page);
		} else {
			await openShowcase();
		}
		return browser.openNodeCreator(page);
	}

	/** The credential's edit modal once its connection test has answered: { text, file }. */
	async function credentialModal() {
		const modal = await browser.openCredentialModal(page, url, credential.id);
		await modal
			.getByText(/Connection tested successfully|Couldn.t connect/)
			.first()
			.waitFor({ timeout: 15000 });
		const file = await shoot('credential.png');
		const text = await modal.innerText();
		await page.keyboard.press('Escape');
		return { text, file };
	}

	/**
	 * A node's panel on the showcase workflow: { labels, text, file, showsLabel }. `showLabel`: a
	 * parameter label to scroll into view before the screenshot (showsLabel: whether it is in it).
	 */
	async function nodePanel(nodeName, { showLabel, screenshot } = {}) {
		await openShowcase();
		const panel = await browser.openNodePanel(page, nodeName);
		let showsLabel;
		if (showLabel) {
			const label = panel.locator('label.n8n-input-label', { hasText: showLabel }).first();
			await label.scrollIntoViewIfNeeded();
			await page.waitForTimeout(300);
			showsLabel = await inViewport(page, label);
		}
		const file = screenshot ? await shoot(screenshot) : undefined;
		const labels = await browser.parameterLabels(panel);
		const text = await panel.locator('[data-test-id="node-parameters"]').innerText();
		await browser.closeNodePanel(page);
		return { labels, text, file, showsLabel };
	}

	/**
	 * Types `query` into the node panel: 'first-step' (an empty workflow's "Add first step"), 'next'
	 * (the "+" of a workflow that has a trigger, "What happens next?") or 'agent-tool' (an AI Agent's
	 * Tool connector). Returns { header, entries, inside, file }: `inside` lists the entries after
	 * clicking the entry named `open`.
	 */
	async function nodeSearch(panel, query, { open, screenshot } = {}) {
		const header = await openNodeCreator(panel);
		const entries = await browser.searchNodeCreator(page, query);
		const file = screenshot ? await shoot(screenshot) : undefined;
		const listed = entries.some((entry) => entry.name === open);
		const inside = listed ? await browser.openNodeCreatorEntry(page, open) : [];
		await browser.closeNodeCreator(page);
		return { header, entries, inside, file };
	}

	return { page, credentialModal, nodePanel, nodeSearch, close: editor.close };
}

module.exports = { startTour, VIDEO_NODE, TRIGGER_NODE };
