'use strict';
// Starts what the end-to-end tests run against: the Legnext simulator (in this process) and a
// real n8n (a copy of the migrated template user folder) that loads the package the way users get
// it: `npm pack`, the tarball installed into the user folder's nodes folder, no custom extensions.
// Plus an owner and a credential pointing at the simulator. Used once per run by global-setup.js.

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const n8n = require('../../n8n/n8n');
const { CREDENTIAL_TYPE, PACKAGE_NAME } = require('../../n8n/workflows');

const REPO_ROOT = n8n.REPO_ROOT;
const E2E_DIR = path.join(REPO_ROOT, '.e2e'); // logs of the last run (git-ignored)
const SIM_KEY = 'sim-key';
const OWNER = {
	email: 'e2e@example.com',
	password: 'Legnext-e2e-2026',
	firstName: 'E2E',
	lastName: 'Owner',
};
const CREDENTIAL_NAME = 'Legnext (local simulator)';
const STATE_ENV = 'LEGNEXT_E2E_STATE';

function assertBuilt() {
	const manifest = require(path.join(REPO_ROOT, 'package.json'));
	const credential = path.join(REPO_ROOT, manifest.n8n.credentials[0]);
	if (!fs.existsSync(credential)) {
		throw new Error(
			`${credential} is missing: run \`npm run build\` first (npm run test:e2e does)`,
		);
	}
}

function timed(timings, name, promise) {
	const started = Date.now();
	return promise.then((value) => {
		timings[name] = Date.now() - started;
		return value;
	});
}

/**
 * A loopback HTTP endpoint in the process that owns n8n, so a test file (another process) can
 * restart it: `POST /n8n/restart` with `{ downMs }` answers `{ stopMs, startMs }` once n8n is ready.
 */
async function startControlServer(restartN8n) {
	let busy = false;
	const server = http.createServer(async (req, res) => {
		const answer = (status, body) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (req.method !== 'POST' || req.url !== '/n8n/restart') return answer(404, { error: 'no route' });
		if (busy) return answer(409, { error: 'a restart is already running' });
		busy = true;
		try {
			let raw = '';
			for await (const chunk of req) raw += chunk;
			const { downMs = 0 } = raw ? JSON.parse(raw) : {};
			answer(200, await restartN8n({ downMs }));
		} catch (error) {
			answer(500, { error: error.message });
		} finally {
			busy = false;
		}
	});
	// A restart takes ~30 s: no socket timeouts.
	server.requestTimeout = 0;
	server.headersTimeout = 0;
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

/**
 * Starts simulator + n8n + owner + credential. Returns { state, sim, stop(), restartN8n() }; `state`
 * is plain JSON (URLs, owner, credential, log paths, control URL, timings) handed to the test processes.
 */
async function startEnvironment({ simOptions = {} } = {}) {
	assertBuilt();
	fs.mkdirSync(E2E_DIR, { recursive: true });
	const logFile = path.join(E2E_DIR, 'n8n.log');
	fs.rmSync(logFile, { force: true });
	const timings = {};

	const { createSimulator } = require(path.join(REPO_ROOT, 'tools', 'simulator'));
	const sim = await createSimulator({ port: 0, apiKey: SIM_KEY, jobMs: 2000, ...simOptions });
	let server;
	let control;
	try {
		await timed(timings, 'n8nInstallCheckMs', n8n.ensureN8n());
		await timed(timings, 'templateCheckMs', n8n.ensureUserFolderTemplate());
		const packDir = path.join(E2E_DIR, 'package');
		fs.rmSync(packDir, { recursive: true, force: true });
		const packageTarball = await timed(timings, 'packMs', n8n.packPackage(packDir));
		server = await timed(timings, 'n8nStartMs', n8n.startN8n({ logFile, packageTarball }));
		const api = n8n.createClient(server.url);
		await api.setupOwner(OWNER);
		const credential = await api.createCredential({
			name: CREDENTIAL_NAME,
			type: CREDENTIAL_TYPE,
			data: { apiKey: SIM_KEY, baseUrl: sim.url },
		});
		const restartN8n = ({ downMs = 0 } = {}) => server.restart({ downMs });
		control = await startControlServer(restartN8n);
		const state = {
			n8nUrl: server.url,
			simUrl: sim.url,
			apiKey: SIM_KEY,
			owner: OWNER,
			credential: { id: credential.id, name: credential.name, type: CREDENTIAL_TYPE },
			logFile,
			userFolder: server.userFolder,
			n8nVersion: n8n.N8N_VERSION,
			packageTarball, // installed into <userFolder>/.n8n/nodes; nodes load as <package>.<node>
			nodeTypePrefix: PACKAGE_NAME,
			controlUrl: control.url, // POST /n8n/restart (see startControlServer)
			timings,
		};
		const stop = async () => {
			await control.close();
			await server.stop();
			await sim.close();
		};
		return { state, sim, stop, restartN8n };
	} catch (error) {
		if (control) await control.close();
		if (server) await server.stop();
		await sim.close();
		throw error;
	}
}

module.exports = {
	startEnvironment,
	REPO_ROOT,
	E2E_DIR,
	SIM_KEY,
	OWNER,
	CREDENTIAL_NAME,
	CREDENTIAL_TYPE,
	STATE_ENV,
};
