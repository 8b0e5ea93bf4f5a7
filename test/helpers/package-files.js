'use strict';
// The repository's release files (package.json, LICENSE, CHANGELOG.md), read for the TypeScript tests:
// node code may not touch the file system, so file access stays in plain-JS test helpers.

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');

/** Text of a file at the repository root, e.g. 'LICENSE'. */
function readRootFile(name) {
	return fs.readFileSync(path.join(ROOT, name), 'utf8');
}

/** Whether a path relative to the repository root exists. */
function rootFileExists(name) {
	return fs.existsSync(path.join(ROOT, name));
}

module.exports = { readRootFile, rootFileExists };
