'use strict';
// Adapting workflow JSON to the way an n8n loaded this package: from this repo's dist/ as a custom
// extension (node types `CUSTOM.x`; `npm run dev`, bench, queue-mode tests) or installed from its
// tarball into the nodes folder (published types `n8n-nodes-legnext-video.x`; the e2e suite).

const crypto = require('node:crypto');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = require(path.join(REPO_ROOT, 'package.json')).name;
const CREDENTIAL_TYPE = 'legnextVideoApi';

/** Type-name prefix of nodes loaded from dist/ with N8N_CUSTOM_EXTENSIONS. */
const CUSTOM_PREFIX = 'CUSTOM';

/**
 * Node type as loaded: `CUSTOM.legnextVideo` from dist/ (default), or with `prefix` PACKAGE_NAME
 * `n8n-nodes-legnext-video.legnextVideo` when installed from the package.
 */
function nodeType(name, prefix = CUSTOM_PREFIX) {
	return `${prefix}.${name}`;
}

/** The name of a node of this package under its published ('n8n-nodes-legnext-video.x') or CUSTOM.x type. */
function packageNodeName(type) {
	for (const prefix of [PACKAGE_NAME, CUSTOM_PREFIX]) {
		if (type.startsWith(`${prefix}.`)) return type.slice(prefix.length + 1);
	}
	return undefined;
}

function isPackageNode(node) {
	return packageNodeName(node.type) !== undefined;
}

/**
 * Deep copy of a workflow ready for this n8n: the package's node types get `typePrefix`
 * (default 'CUSTOM'), its nodes use `credential` ({ id, name }) when given, and get a webhookId
 * when they have none (the editor adds one to every node it places; trigger URLs are built from it).
 */
function adaptWorkflow(workflow, { credential, typePrefix = CUSTOM_PREFIX } = {}) {
	const copy = JSON.parse(JSON.stringify(workflow));
	for (const node of copy.nodes || []) {
		const name = packageNodeName(node.type);
		if (name === undefined) continue;
		node.type = nodeType(name, typePrefix);
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

module.exports = {
	PACKAGE_NAME,
	CUSTOM_PREFIX,
	CREDENTIAL_TYPE,
	nodeType,
	isPackageNode,
	adaptWorkflow,
};
