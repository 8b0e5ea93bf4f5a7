'use strict';
// `npm run dev`: a real n8n 2.41.1 with this package loaded from dist/, next to the Legnext
// simulator, ready to click through: owner account, credential, example workflows. Ctrl-C stops both.
//
// Options: --port N (n8n, default 5678 or a free one), --sim-port N (default 4010 or a free one),
//          --job-seconds S (simulated render time, default 20), --reset (start from an empty instance).
// The instance lives in the cache folder (not the repo) and persists between runs. n8n reloads the
// nodes when dist/ changes (N8N_DEV_RELOAD): run `npx tsc -p tsconfig.json --watch` beside it.

const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const n8n = require('../test/n8n/n8n');
const { preferredOrFreePort, onShutdown } = require('../test/n8n/proc');
const { adaptWorkflow, CREDENTIAL_TYPE } = require('../test/n8n/workflows');

const DEV_OWNER = {
	email: 'dev@example.com',
	password: 'Legnext-dev-2026',
	firstName: 'Dev',
	lastName: 'Owner',
};
const SIM_KEY = 'sim-key';
const CREDENTIAL_NAME = 'Legnext (local simulator)';
const EXAMPLES_DIR = path.join(n8n.REPO_ROOT, 'examples');

function readOptions() {
	const { values } = parseArgs({
		options: {
			port: { type: 'string', default: '5678' },
			'sim-port': { type: 'string', default: '4010' },
			'job-seconds': { type: 'string', default: '20' },
			reset: { type: 'boolean', default: false },
		},
	});
	return {
		port: Number(values.port),
		simPort: Number(values['sim-port']),
		jobMs: Number(values['job-seconds']) * 1000,
		reset: values.reset,
	};
}

async function startSimulator({ simPort, jobMs }) {
	const { createSimulator } = require(path.join(n8n.REPO_ROOT, 'tools', 'simulator'));
	const port = await preferredOrFreePort(simPort);
	const sim = await createSimulator({ port, apiKey: SIM_KEY, jobMs });
	onShutdown(() => sim.close());
	return sim;
}

/** Creates every examples/*.json workflow that is not there yet (matched by name). */
async function importExamples(api, credential) {
	if (!fs.existsSync(EXAMPLES_DIR)) return [];
	const existing = new Set((await api.listWorkflows()).map((workflow) => workflow.name));
	const results = [];
	for (const file of fs
		.readdirSync(EXAMPLES_DIR)
		.filter((name) => name.endsWith('.json'))
		.sort()) {
		const workflow = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'));
		workflow.name = workflow.name || path.basename(file, '.json');
		if (existing.has(workflow.name)) {
			results.push(`${file}: already imported as "${workflow.name}"`);
			continue;
		}
		try {
			await api.createWorkflow(adaptWorkflow(workflow, { credential }));
			results.push(`${file}: imported as "${workflow.name}"`);
		} catch (error) {
			results.push(`${file}: NOT imported (${error.message})`);
		}
	}
	return results;
}

function printBanner({ server, sim, jobMs, examples }) {
	const lines = [
		'',
		'  n8n with n8n-nodes-legnext-video is running',
		'',
		`  Editor      ${server.url}`,
		`  Sign in     ${DEV_OWNER.email} / ${DEV_OWNER.password}`,
		`  Credential  "${CREDENTIAL_NAME}" (type ${CREDENTIAL_TYPE}) -> ${sim.url}, key ${SIM_KEY}`,
		`  Simulator   ${sim.url} (jobs take ${jobMs / 1000} s; control API ${sim.url}/__sim/stats)`,
		`  n8n log     ${server.logFile}`,
		`  Data        ${server.userFolder} (npm run dev -- --reset to start empty)`,
		...(examples.length ? ['', '  Examples', ...examples.map((line) => `    ${line}`)] : []),
		'',
		'  Rebuild with `npm run build` (or `npx tsc -p tsconfig.json --watch`): n8n reloads the nodes.',
		'  Ctrl-C stops n8n and the simulator.',
		'',
	];
	console.log(lines.join('\n'));
}

/**
 * n8n's hot reload (N8N_DEV_RELOAD) lists <custom dir>/node_modules and gives up when it is
 * missing; an empty one lets it watch dist/ itself.
 */
function enableHotReload() {
	fs.mkdirSync(path.join(n8n.REPO_ROOT, 'dist', 'node_modules'), { recursive: true });
	return { N8N_DEV_RELOAD: 'true' };
}

async function main() {
	let stopping = false;
	onShutdown(() => (stopping = true));
	const options = readOptions();
	const userFolder = n8n.paths.devUserFolder;
	if (options.reset) fs.rmSync(userFolder, { recursive: true, force: true });

	const sim = await startSimulator(options);
	const port = await preferredOrFreePort(options.port);
	console.log(`[dev] starting n8n on port ${port} (first run installs n8n, a few minutes)...`);
	const logFile = path.join(n8n.cacheDir(), 'dev-n8n.log');
	fs.rmSync(logFile, { force: true });
	const server = await n8n.startN8n({
		userFolder,
		port,
		logFile,
		env: enableHotReload(),
	});

	const api = n8n.createClient(server.url);
	await api.ensureOwner(DEV_OWNER);
	// Upsert: the simulator's port may differ from the last run.
	const credential = await api.upsertCredential({
		name: CREDENTIAL_NAME,
		type: CREDENTIAL_TYPE,
		data: { apiKey: SIM_KEY, baseUrl: sim.url },
	});
	const examples = await importExamples(api, credential);
	printBanner({ server, sim, jobMs: options.jobMs, examples });

	// Stay up until Ctrl-C (the shutdown hooks stop n8n and the simulator), or until n8n dies.
	const exitCode = await server.exited;
	if (stopping) return;
	console.error(`[dev] n8n exited (${exitCode}); see ${server.logFile}`);
	await sim.close();
	process.exit(1);
}

main().catch((error) => {
	console.error(`[dev] ${error.stack || error.message}`);
	process.exit(1);
});
