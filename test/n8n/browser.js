'use strict';
// Headless Chromium (Debian's package) driven by playwright-core, for looking at the real editor.
//
//   const session = await openEditor({ url, owner });          // signed in through /signin
//   await openWorkflow(session.page, url, workflowId);
//   const panel = await openNodePanel(session.page, 'Legnext Video');
//   await screenshot(session.page, 'docs/screenshots/video-node.png');
//   await session.close();

const fs = require('node:fs');
const path = require('node:path');
const { run, withLock } = require('./proc');

const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox', // root in a container
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-dev-shm-usage',
];

/** Installs Debian's chromium when missing (apt-get update once, then install). Returns its path. */
async function ensureChromium() {
	if (fs.existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
	if (process.getuid && process.getuid() !== 0) {
		throw new Error(
			`${CHROMIUM_PATH} is missing: install it with \`sudo apt-get install -y chromium\``,
		);
	}
	const logFile = path.join(require('node:os').tmpdir(), 'legnext-chromium-install.log');
	await withLock('/tmp/legnext-chromium-install.lock', 'the chromium install', async () => {
		if (fs.existsSync(CHROMIUM_PATH)) return;
		console.log(`[browser] installing chromium with apt-get (log: ${logFile})`);
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		await run('apt-get', ['update'], { env, logFile });
		await run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
			env,
			logFile,
		});
	});
	if (!fs.existsSync(CHROMIUM_PATH))
		throw new Error(`chromium install did not produce ${CHROMIUM_PATH}`);
	return CHROMIUM_PATH;
}

/** A headless Chromium with a fresh profile (playwright makes a new user-data-dir per launch). */
async function launchBrowser() {
	const { chromium } = require('playwright-core');
	const executablePath = await ensureChromium();
	return chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS });
}

/**
 * Fills the /signin form (a REST login's cookie does not carry into the browser). `redirect` is
 * the editor path to land on afterwards: n8n routes there without reloading the app (a reload
 * costs several seconds of script parsing on a busy machine).
 */
async function signIn(page, baseUrl, { email, password }, redirect = '/home/workflows') {
	await page.goto(`${baseUrl}/signin?redirect=${encodeURIComponent(redirect)}`);
	await page.locator('input[name="emailOrLdapLoginId"], input[type="email"]').first().fill(email);
	await page.locator('input[name="password"], input[type="password"]').first().fill(password);
	await page.locator('[data-test-id="form-submit-button"], button[type="submit"]').first().click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60000 });
}

/**
 * Launches the browser and signs in, landing on `path` (an editor path such as
 * '/workflow/<id>'). Returns { browser, page, close() }. viewport: page (and screenshot) size.
 */
async function openEditor({ url, owner, path: landing, viewport = { width: 1440, height: 1000 } }) {
	const browser = await launchBrowser();
	try {
		const context = await browser.newContext({ viewport });
		const page = await context.newPage();
		await signIn(page, url, owner, landing);
		return { browser, page, close: () => browser.close() };
	} catch (error) {
		await browser.close();
		throw error;
	}
}

/** Loads `editorPath` unless the page is already there. */
async function goto(page, baseUrl, editorPath) {
	if (new URL(page.url()).pathname !== editorPath) await page.goto(`${baseUrl}${editorPath}`);
}

/** Opens a workflow in the editor and waits until its nodes are on the canvas. */
async function openWorkflow(page, baseUrl, workflowId) {
	await goto(page, baseUrl, `/workflow/${workflowId}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60000 });
	await dismissPopups(page);
}

/** Closes toasts and one-time dialogs that would cover the canvas or the panel. */
async function dismissPopups(page) {
	await page.keyboard.press('Escape').catch(() => undefined);
	const closers = page.locator('.el-notification__closeBtn, .el-message-box__headerbtn');
	for (const closer of await closers.all()) await closer.click().catch(() => undefined);
}

/** The canvas node with this name (n8n puts the name in data-node-name on canvas nodes). */
function canvasNode(page, nodeName) {
	return page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
}

/**
 * Double-clicks the node to open its parameter panel (NDV). Returns the panel's locator once its
 * parameters are shown.
 */
async function openNodePanel(page, nodeName) {
	await canvasNode(page, nodeName).dblclick();
	const panel = page.locator('[data-test-id="ndv"]');
	await panel.waitFor({ state: 'visible', timeout: 45000 });
	await panel.locator('[data-test-id="node-parameters"]').waitFor({ timeout: 45000 });
	await page.waitForTimeout(500); // let the panel's open animation end before a screenshot
	return panel;
}

/** Closes an open node panel. */
async function closeNodePanel(page) {
	await page.keyboard.press('Escape');
	await page
		.locator('[data-test-id="ndv"]')
		.waitFor({ state: 'hidden', timeout: 10000 })
		.catch(() => undefined);
}

/** Visible labels of the parameters in an open panel (e.g. 'Operation', 'Prompt'), in order. */
async function parameterLabels(panel) {
	const labels = await panel.locator('[data-test-id="node-parameters"]').evaluate((root) =>
		[...root.querySelectorAll('label.n8n-input-label')]
			.filter((label) => label.checkVisibility())
			// The first child holds the title; the rest is the Fixed/Expression switch and menus.
			.map((label) => (label.firstElementChild || label).innerText),
	);
	const cleaned = labels.map((label) =>
		label
			.replace(/\s+/g, ' ')
			.replace(/\s*\*$/, '')
			.trim(),
	);
	return [...new Set(cleaned.filter(Boolean))];
}

// ---------------------------------------------------------------------------------------------
// Node creator (the panel that adds nodes)

function nodeCreator(page) {
	return page.locator('[data-test-id="node-creator"]');
}

/**
 * Opens the node creator: on an empty canvas through "Add first step" (the first-step panel,
 * "What triggers this workflow?"), otherwise through the canvas "+" button ("What happens next?"
 * once the workflow has a trigger). Returns the panel's header text.
 */
async function openNodeCreator(page) {
	const firstStep = page.locator('[data-test-id="canvas-add-button"]');
	if (await firstStep.isVisible()) await firstStep.click();
	else await page.locator('[data-test-id="node-creator-plus-button"]').click();
	await nodeCreator(page).waitFor({ state: 'visible', timeout: 15000 });
	return nodeCreatorHeader(page);
}

/**
 * Opens the node creator from a node's sub-node connector, e.g. an AI Agent's Tool connector
 * (`connectionType` 'ai_tool', the "Tools" view). Returns the panel's header text.
 */
async function openNodeCreatorForInput(page, nodeName, connectionType) {
	await canvasNode(page, nodeName)
		.locator(
			`[data-test-id="canvas-node-input-handle"][data-connection-type="${connectionType}"] [data-test-id="canvas-handle-plus"]`,
		)
		.click();
	await nodeCreator(page).waitFor({ state: 'visible', timeout: 15000 });
	return nodeCreatorHeader(page);
}

/** The title of the node creator's current view (e.g. "What happens next?", "Legnext Video"). */
async function nodeCreatorHeader(page) {
	const header = nodeCreator(page).locator('[data-test-id="nodes-list-header"]').last();
	return (await header.innerText()).replace(/\s+/g, ' ').trim();
}

/**
 * The entries the node creator lists now, in order: { name, description } of its nodes and
 * actions (category headers such as "Triggers" are not entries).
 */
async function nodeCreatorEntries(page) {
	return nodeCreator(page)
		.locator('[data-test-id="item-iterator-item"]')
		.evaluateAll((items) =>
			items
				.map((item) => {
					const text = (testId) => {
						const element = item.querySelector(`[data-test-id="${testId}"]`);
						return element ? element.innerText.replace(/\s+/g, ' ').trim() : '';
					};
					return {
						name: text('node-creator-item-name'),
						description: text('node-creator-item-description'),
					};
				})
				.filter((entry) => entry.name !== ''),
		);
}

/** Types `text` into the node creator's search bar; returns the entries found. */
async function searchNodeCreator(page, text) {
	await nodeCreator(page).locator('[data-test-id="node-creator-search-bar"]').fill(text);
	// The list re-renders on input; wait until an entry or the "no results" notice is shown.
	await nodeCreator(page)
		.locator('[data-test-id="item-iterator-item"], [data-test-id="node-creator-no-results"]')
		.first()
		.waitFor({ timeout: 10000 })
		.catch(() => undefined);
	await page.waitForTimeout(300);
	return nodeCreatorEntries(page);
}

/** Clicks the listed entry named `name` (a node opens its actions); returns the entries shown then. */
async function openNodeCreatorEntry(page, name) {
	const entry = nodeCreator(page)
		.locator('[data-test-id="item-iterator-item"]')
		.filter({ has: page.locator(`[data-test-id="node-creator-item-name"]`, { hasText: name }) })
		.first();
	await entry.click();
	await page.waitForTimeout(500); // the panel slides in
	return nodeCreatorEntries(page);
}

/** Closes the node creator. */
async function closeNodeCreator(page) {
	await page.keyboard.press('Escape');
	await nodeCreator(page)
		.waitFor({ state: 'hidden', timeout: 10000 })
		.catch(() => undefined);
}

/** Opens a stored credential's edit modal; returns its locator once shown. */
async function openCredentialModal(page, baseUrl, credentialId) {
	await goto(page, baseUrl, `/home/credentials/${credentialId}`);
	const modal = page.locator('[data-test-id="editCredential-modal"]');
	await modal.waitFor({ state: 'visible', timeout: 60000 });
	await page.waitForTimeout(500);
	return modal;
}

/** Saves a PNG of the page (or of `locator`) to `file`, creating its folder. */
async function screenshot(pageOrLocator, file) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	await pageOrLocator.screenshot({ path: file });
	return file;
}

module.exports = {
	CHROMIUM_PATH,
	CHROMIUM_FLAGS,
	ensureChromium,
	launchBrowser,
	signIn,
	openEditor,
	openWorkflow,
	dismissPopups,
	canvasNode,
	openNodePanel,
	closeNodePanel,
	parameterLabels,
	openNodeCreator,
	openNodeCreatorForInput,
	nodeCreatorHeader,
	nodeCreatorEntries,
	searchNodeCreator,
	openNodeCreatorEntry,
	closeNodeCreator,
	openCredentialModal,
	screenshot,
};
