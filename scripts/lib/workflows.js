'use strict';
// Adapting workflow JSON written for the published package to an n8n that loads this repo's
// dist/ as a custom extension (used by `npm run dev` to import examples, and by the e2e tests).

const crypto = require('node:crypto');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = require(path.join(REPO_ROOT, 'package.json')).name;
const CREDENTIAL_TYPE = 'legnextVideoApi';

/** Node type as loaded from dist/ (N8N_CUSTOM_EXTENSIONS): `legnextVideo` is `CUSTOM.legnextVideo`. */
function nodeType(name) {
	return `CUSTOM.${name}`;
}

/** A node of this package, under its published ('n8n-nodes-legnext-video.x') or loaded ('CUSTOM.x') type. */
function isPackageNode(node) {
	return node.type.startsWith('CUSTOM.') || node.type.startsWith(`${PACKAGE_NAME}.`);
}

/**
 * Deep copy of a workflow ready for this n8n: published type names become 'CUSTOM.x', the
 * package's nodes use `credential` ({ id, name }) when given, and get a webhookId when they have
 * none (the editor adds one to every node it places; trigger URLs are built from it).
 */
function adaptWorkflow(workflow, { credential } = {}) {
	const copy = JSON.parse(JSON.stringify(workflow));
	for (const node of copy.nodes || []) {
		if (node.type.startsWith(`${PACKAGE_NAME}.`))
			node.type = nodeType(node.type.slice(PACKAGE_NAME.length + 1));
		if (!isPackageNode(node)) continue;
		if (credential) {
			node.credentials = {
				...node.credentials,
				[CREDENTIAL_TYPE]: { id: credential.id, name: credential.name },
			};
		}
		if (!node.webhookId) node.webhookId = crypto.randomUUID();
	}
	return copy;
}

module.exports = { PACKAGE_NAME, CREDENTIAL_TYPE, nodeType, isPackageNode, adaptWorkflow };
