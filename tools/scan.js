'use strict';
// npm run scan: the analysis n8n's registry gate (@n8n/scan-community-package) runs on a published
// community package, run locally without the registry. Its two lint legs:
// - source: package.json and {nodes,credentials}/**/*.{js,ts,json} of the source checkout (the gate
//   lints the commit named in the package's provenance statement);
// - tarball: the compiled **/*.js and package.json of the packed package.
// Its provenance check needs a published version; publish.yml publishes with provenance.
//
//   node tools/scan.js                      this checkout, and `npm pack` of it (build first)
//   node tools/scan.js --source <dir> --package <dir|file.tgz>
//
// The scanner is installed once into ~/.cache/n8n-nodes-legnext-video (not a devDependency: its
// tree pulls typescript 7 and isolated-vm, whose native build fails on Node 20; its lint rules do
// not need it, so the install skips scripts).

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { execFileSync } = require('node:child_process');

const { cacheDir, node24Env, packPackage, REPO_ROOT } = require('../test/n8n/n8n');
const { run, withLock } = require('../test/n8n/proc');

const SCANNER = '@n8n/scan-community-package';
const SCANNER_VERSION = '0.32.0';
/** The tarball leg's patterns, as in the scanner's analyzePackageByName. */
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

function scannerDir() {
	return path.join(cacheDir(), `scan-community-package-${SCANNER_VERSION}`);
}

function scannerModule() {
	return path.join(scannerDir(), 'node_modules', SCANNER, 'scanner', 'scanner.mjs');
}

/** Installs the scanner into the cache once; returns the path of its scanner module. */
async function ensureScanner() {
	if (fs.existsSync(scannerModule())) return scannerModule();
	fs.mkdirSync(cacheDir(), { recursive: true });
	await withLock(`${scannerDir()}.lock`, `the ${SCANNER} install`, async () => {
		if (fs.existsSync(scannerModule())) return;
		const dir = scannerDir();
		const logFile = `${dir}-install.log`;
		console.log(`[scan] installing ${SCANNER}@${SCANNER_VERSION} into ${dir} (about 1 min)`);
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify({ name: 'legnext-scan-runtime', private: true }, null, 2),
		);
		// A dependency's preinstall runs `npx only-allow pnpm`, which needs npx's yes.
		fs.writeFileSync(path.join(dir, '.npmrc'), 'yes=true\n');
		const flags = [
			'--save-exact',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--loglevel=error',
		];
		await run('npm', ['install', `${SCANNER}@${SCANNER_VERSION}`, ...flags], {
			cwd: dir,
			env: node24Env(),
			logFile,
		});
		if (!fs.existsSync(scannerModule()))
			throw new Error(`${SCANNER} install incomplete; see ${logFile}`);
	});
	return scannerModule();
}

/** Extracts a packed .tgz into `workDir`; returns the package directory. */
function unpack(tarball, workDir) {
	const dir = path.join(workDir, 'package');
	fs.mkdirSync(dir, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
	return dir;
}

/**
 * Runs both legs; returns [{ leg, dir, passed, message, details }]. `packagePath` is a directory
 * or a .tgz; without it this checkout is packed (it must be built).
 */
async function scan({ sourceDir = REPO_ROOT, packagePath } = {}) {
	const scanner = await import(pathToFileURL(await ensureScanner()).href);
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'legnext-scan-'));
	try {
		const tarball = packagePath ?? (await packPackage(workDir));
		const packageDir = fs.statSync(tarball).isDirectory() ? tarball : unpack(tarball, workDir);
		const legs = [
			{ leg: 'source', dir: sourceDir, patterns: scanner.SOURCE_FILE_PATTERNS },
			{ leg: 'tarball', dir: packageDir, patterns: TARBALL_FILE_PATTERNS },
		];
		const results = [];
		for (const { leg, dir, patterns } of legs) {
			const result = await scanner.analyzePackage(dir, patterns);
			results.push({ leg, dir, ...result });
		}
		return results;
	} finally {
		fs.rmSync(workDir, { recursive: true, force: true });
	}
}

function parseArgs(argv) {
	const options = {};
	for (let i = 0; i < argv.length; i += 2) {
		const [flag, value] = [argv[i], argv[i + 1]];
		if (!value) throw new Error(`${flag} needs a value`);
		if (flag === '--source') options.sourceDir = path.resolve(value);
		else if (flag === '--package') options.packagePath = path.resolve(value);
		else throw new Error(`unknown option ${flag} (use --source <dir>, --package <dir|file.tgz>)`);
	}
	return options;
}

async function main() {
	const started = Date.now();
	const results = await scan(parseArgs(process.argv.slice(2)));
	for (const { leg, passed, message, details } of results) {
		console.log(`[scan] ${leg} leg: ${passed ? 'passed' : `FAILED (${message})`}`);
		if (details) console.log(details);
	}
	const passed = results.every((result) => result.passed);
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	console.log(
		`[scan] ${SCANNER}@${SCANNER_VERSION}: ${passed ? 'passed' : 'FAILED'} in ${seconds} s`,
	);
	process.exitCode = passed ? 0 : 1;
}

if (require.main === module) {
	main().catch((error) => {
		console.error(`[scan] ${error.message}`);
		process.exitCode = 2;
	});
}

module.exports = { scan, ensureScanner, SCANNER, SCANNER_VERSION };
