'use strict';
// The shipped TypeScript sources, read for the layout test: node code may not touch the file system, so
// file access stays in plain-JS test helpers.

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');

/** Every .ts file below the given folders (relative to the repository root), with its text, sorted by path. */
function readSourceFiles(folders) {
	const files = [];
	const walk = (folder) => {
		for (const entry of fs.readdirSync(path.join(ROOT, folder), { withFileTypes: true })) {
			const relative = path.posix.join(folder, entry.name);
			if (entry.isDirectory()) walk(relative);
			else if (entry.name.endsWith('.ts')) {
				files.push({ path: relative, text: fs.readFileSync(path.join(ROOT, relative), 'utf8') });
			}
		}
	};
	folders.forEach(walk);
	return files.sort((a, b) => a.path.localeCompare(b.path));
}

module.exports = { readSourceFiles };
