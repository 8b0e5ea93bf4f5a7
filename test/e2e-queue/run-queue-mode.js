'use strict';
// `npm run test:e2e:queue`: the end-to-end suite against n8n in queue mode. Runs node's test
// runner once, with test/e2e-queue/global-setup.js starting Redis, PostgreSQL (installed with apt when
// missing), the simulator and n8n (main + 2 workers + webhook process), on:
//   - the single-process suite's files (test/e2e/*.test.js) that are not about one process or the UI,
//   - the queue-mode files (test/e2e-queue/*.test.js, in name order; the worker kill last),
// then prints the figures the queue-mode tests recorded. `--binary-mode=filesystem` runs n8n with
// filesystem binary data on a folder all processes share (default: n8n's queue-mode default,
// database). Other arguments go to node --test (e.g. --test-name-pattern=pause).

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const { FIGURES_FILE, BINARY_MODE_ENV, BINARY_MODES } = require('./lib/environment');

// What of the single-process suite is not run here, and why. `modes`: only in those binary modes.
const SKIPS = [
	{
		file: 'browser.test.js',
		why: 'editor screenshots: the UI does not change in queue mode, and the file rewrites docs/screenshots',
	},
	{
		file: 'harness.test.js',
		why: 'tests the single-process harness itself (filesystem binary ids, resume URLs on the main)',
	},
	{
		file: 'trigger.test.js',
		modes: ['database'],
		why:
			'reads files the trigger stored through the REST API, which n8n 2.41.1 refuses (404) in database mode ' +
			'(files stored in a webhook() stay under execution "temp"); test/e2e-queue/03-trigger.test.js covers the trigger ' +
			'in queue mode and reads the file on the worker',
	},
	{
		test: '^trigger-to-slack, wired exactly as its note says',
		modes: ['database'],
		why: "same n8n 2.41.1 database-mode 404 on the trigger's file (test/e2e/examples.test.js)",
	},
	{
		test: '^n8n loaded the package from its packed tarball',
		why:
			'queue mode loads dist/ as a custom extension on every process (test/e2e-queue/01-cluster.test.js checks it); ' +
			'the single-process suite installs the packed tarball (test/e2e/package-load.test.js)',
	},
	{
		test: '^pause mode: the execution waits',
		why:
			'asserts the resume URL is on the main (ctx.n8nUrl); in queue mode it is on the webhook process, ' +
			'which test/e2e-queue/04-pause.test.js checks (test/e2e/pause.test.js)',
	},
];

function parseArgs(argv) {
	let binaryMode = process.env[BINARY_MODE_ENV] || 'database';
	const passThrough = [];
	for (const arg of argv) {
		const match = /^--binary-mode=(.*)$/.exec(arg);
		if (match) binaryMode = match[1];
		else passThrough.push(arg);
	}
	if (!BINARY_MODES.includes(binaryMode))
		throw new Error(`--binary-mode must be one of ${BINARY_MODES.join(', ')}, not "${binaryMode}"`);
	return { binaryMode, passThrough };
}

function testFiles(skips) {
	const skippedFiles = new Set(skips.filter((s) => s.file).map((s) => s.file));
	const list = (dir) =>
		fs
			.readdirSync(path.join(REPO_ROOT, dir))
			.filter((name) => name.endsWith('.test.js'))
			.sort()
			.map((name) => path.join(dir, name));
	const shared = list('test/e2e').filter((file) => !skippedFiles.has(path.basename(file)));
	return [...shared, ...list('test/e2e-queue')];
}

function printFigures() {
	let lines = [];
	try {
		lines = fs.readFileSync(FIGURES_FILE, 'utf8').split('\n').filter(Boolean);
	} catch {
		// no figures: the setup failed
	}
	if (lines.length === 0) return;
	console.log('\n=== queue mode figures ===');
	for (const line of lines) {
		const { topic, text } = JSON.parse(line);
		console.log(`- ${topic}: ${text}`);
	}
}

function main() {
	const started = Date.now();
	const { binaryMode, passThrough } = parseArgs(process.argv.slice(2));
	const skips = SKIPS.filter((skip) => !skip.modes || skip.modes.includes(binaryMode));
	const files = testFiles(skips);
	console.log(
		`# queue-mode e2e, binary data mode ${binaryMode}: ${files.length} files (${files.join(' ')})`,
	);
	for (const skip of skips)
		console.log(
			`# not run here: ${skip.file ? `test/e2e/${skip.file}` : `tests /${skip.test}/`} (${skip.why})`,
		);
	const args = [
		'--test',
		'--test-concurrency=1',
		'--test-timeout=900000',
		'--test-global-setup=test/e2e-queue/global-setup.js',
		...skips.filter((s) => s.test).map((s) => `--test-skip-pattern=${s.test}`),
		...passThrough,
		...files,
	];
	fs.rmSync(FIGURES_FILE, { force: true });
	const child = spawn(process.execPath, args, {
		cwd: REPO_ROOT,
		stdio: 'inherit',
		env: { ...process.env, [BINARY_MODE_ENV]: binaryMode },
	});
	const forward = (signal) => child.kill(signal);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
	child.on('exit', (code, signal) => {
		printFigures();
		console.log(`# queue-mode e2e finished in ${Math.round((Date.now() - started) / 1000)} s`);
		process.exit(code ?? (signal ? 1 : 0));
	});
}

main();
