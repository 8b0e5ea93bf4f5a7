'use strict';
// `npm run scan` must fail when the package breaks one of the registry scanner's rules: each leg
// gets a copy of this package with one rule broken on purpose (run: npm run test:scan).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { scan } = require('../../tools/scan');
const { REPO_ROOT } = require('../n8n/n8n');

function copyOf(entries, into) {
	for (const entry of entries) {
		fs.cpSync(path.join(REPO_ROOT, entry), path.join(into, entry), { recursive: true });
	}
	return into;
}

test('the scan fails on a package that breaks a scanner rule, in each leg', async (t) => {
	assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist')), 'run `npm run build` first');
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'legnext-scan-test-'));
	t.after(() => fs.rmSync(work, { recursive: true, force: true }));

	// Source leg: node code that uses a global the n8n cloud sandbox does not allow.
	const source = copyOf(
		['package.json', 'nodes', 'credentials', 'icons'],
		path.join(work, 'source'),
	);
	const sourceFile = path.join(source, 'nodes', 'legnext', 'wait.ts');
	fs.appendFileSync(sourceFile, '\nexport const startedAt = setTimeout(() => undefined, 1);\n');

	// Tarball leg: a published package.json with a runtime dependency.
	const packed = copyOf(['package.json', 'dist'], path.join(work, 'package'));
	const manifestFile = path.join(packed, 'package.json');
	const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
	manifest.dependencies = { axios: '^1.0.0' };
	fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));

	const results = await scan({ sourceDir: source, packagePath: packed });
	const byLeg = Object.fromEntries(results.map((result) => [result.leg, result]));

	assert.equal(byLeg.source.passed, false, 'source leg passed a setTimeout in node code');
	assert.match(byLeg.source.details, /no-restricted-globals/);
	assert.match(byLeg.source.details, /wait\.ts/);

	assert.equal(byLeg.tarball.passed, false, 'tarball leg passed a runtime dependency');
	assert.match(byLeg.tarball.details, /no-runtime-dependencies/);
});
