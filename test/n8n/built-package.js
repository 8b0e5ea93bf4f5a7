'use strict';
// The package as built in dist/ (what n8n loads): node and credential descriptions, so checks of the
// real editor compare with the current texts instead of copies that go stale.

const fs = require('node:fs');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The instance of the class a built file exports (nodes keep their texts in `.description`). */
function loadBuilt(relativePath) {
	const file = path.join(REPO_ROOT, relativePath);
	if (!fs.existsSync(file)) throw new Error(`${relativePath} is not built: run \`npm run build\``);
	const exported = Object.values(require(file)).find((value) => typeof value === 'function');
	if (!exported) throw new Error(`${relativePath} exports no class`);
	return new exported();
}

/** { nodes: {name: description}, credentials: {name: credential} } of the files package.json lists. */
function builtPackage() {
	const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
	const nodes = {};
	for (const file of manifest.n8n.nodes) {
		const { description } = loadBuilt(file);
		nodes[description.name] = description;
	}
	const credentials = {};
	for (const file of manifest.n8n.credentials) {
		const credential = loadBuilt(file);
		credentials[credential.name] = credential;
	}
	return { nodes, credentials };
}

/** The property called `name` (its first definition), e.g. { displayName: 'Wait Strategy', ... }. */
function property(description, name) {
	const found = description.properties.find((candidate) => candidate.name === name);
	if (!found)
		throw new Error(`${description.name || description.displayName} has no property "${name}"`);
	return found;
}

/** The `action` texts of the options of every property called `name` (n8n lists them as actions). */
function optionActions(description, name) {
	const actions = description.properties
		.filter((candidate) => candidate.name === name)
		.flatMap((candidate) => candidate.options || [])
		.map((option) => option.action)
		.filter(Boolean);
	return [...new Set(actions)];
}

module.exports = { builtPackage, property, optionActions };
