'use strict';
// The package as n8n sees it: installed from its packed tarball into the nodes folder (as
// Settings -> Community Nodes does), every node and credential that package.json lists loads in a
// real n8n, under its published type name and display name, with a working icon.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { useContext } = require('./lib/context');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const manifest = require(path.join(REPO_ROOT, 'package.json'));
const ctx = useContext();

/** The `description` of the class a built file exports (the n8n name and flags live there). */
function describeBuiltFile(relativePath) {
	const file = path.join(REPO_ROOT, relativePath);
	assert.ok(fs.existsSync(file), `${relativePath} is listed in package.json but not built`);
	const exported = Object.values(require(file)).find((value) => typeof value === 'function');
	assert.ok(exported, `${relativePath} exports no class`);
	const instance = new exported();
	return instance.description || instance; // credentials carry name/displayName on the instance
}

function iconPaths(entry) {
	if (!entry.iconUrl) return [];
	return typeof entry.iconUrl === 'string' ? [entry.iconUrl] : Object.values(entry.iconUrl);
}

async function assertIconsServed(entry) {
	const icons = iconPaths(entry);
	assert.ok(icons.length > 0, `${entry.name} has no icon`);
	for (const icon of icons) {
		const response = await fetch(`${ctx.n8nUrl}/${icon}`);
		assert.equal(response.status, 200, `${entry.name}: icon ${icon} -> ${response.status}`);
		assert.match(
			response.headers.get('content-type') || '',
			/^image\//,
			`${entry.name}: icon ${icon} is not an image`,
		);
	}
}

test('n8n loaded the package from its packed tarball, installed into its nodes folder', async () => {
	assert.ok(ctx.packageTarball && fs.existsSync(ctx.packageTarball), 'no packed tarball');
	const nodeModules = path.join(ctx.userFolder, '.n8n', 'nodes', 'node_modules');
	const installed = path.join(nodeModules, manifest.name);
	// A copy from the tarball, not a link back to this checkout.
	assert.ok(fs.lstatSync(installed).isDirectory(), `${installed} is not a directory`);
	const installedManifest = JSON.parse(
		fs.readFileSync(path.join(installed, 'package.json'), 'utf8'),
	);
	assert.equal(installedManifest.version, manifest.version);
	// Only what package.json "files" ships: no sources, tests or simulator.
	const shipped = fs.readdirSync(installed).sort();
	assert.deepEqual(shipped, ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist', 'package.json']);
	// n8n provides n8n-workflow; the peer dependency is not installed beside the package.
	assert.equal(fs.existsSync(path.join(nodeModules, 'n8n-workflow')), false);

	const loaded = (await ctx.api.listNodeTypes()).map((entry) => entry.name);
	const ours = loaded.filter((name) => name.startsWith(`${manifest.name}.`));
	assert.ok(ours.length >= manifest.n8n.nodes.length, `package nodes missing: ${ours}`);
	assert.deepEqual(
		loaded.filter((name) => name.startsWith('CUSTOM.')),
		[],
		'nodes loaded as custom extensions (from dist/) instead of the installed package',
	);
});

for (const nodeFile of manifest.n8n.nodes) {
	test(`n8n loads the node in ${nodeFile}`, async () => {
		const description = describeBuiltFile(nodeFile);
		const loaded = await ctx.api.listNodeTypes();
		const type = ctx.nodeType(description.name);
		const entry = loaded.find((candidate) => candidate.name === type);
		assert.ok(entry, `${type} missing from /types/nodes.json\n${ctx.logTail(30)}`);
		assert.equal(entry.displayName, description.displayName);
		await assertIconsServed(entry);
		if (description.usableAsTool) {
			assert.ok(
				loaded.some((candidate) => candidate.name === `${type}Tool`),
				`${type}Tool (AI tool variant) missing`,
			);
		}
	});
}

for (const credentialFile of manifest.n8n.credentials) {
	test(`n8n loads the credential in ${credentialFile}`, async () => {
		const credential = describeBuiltFile(credentialFile);
		const loaded = await ctx.api.listCredentialTypes();
		const entry = loaded.find((candidate) => candidate.name === credential.name);
		assert.ok(entry, `${credential.name} missing from /types/credentials.json`);
		assert.equal(entry.displayName, credential.displayName);
		await assertIconsServed(entry);
	});
}
