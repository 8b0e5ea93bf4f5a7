'use strict';
// Runs a real n8n with this package loaded: install into a shared cache, start/stop instances,
// plus the REST client and browser helpers (re-exported from rest.js and browser.js).
//
//   const n8n = require('./test/n8n/n8n');
//   const server = await n8n.startN8n({ userFolder });     // installs n8n on first use
//   const api = n8n.createClient(server.url);
//   await api.setupOwner(); ...; await server.stop();

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { freePort, run, sleep, spawnService, tail, waitFor, withLock } = require('./proc');
const rest = require('./rest');
const browser = require('./browser');

/**
 * The n8n releases the package is tested on. 2.41.1 is the default; LEGNEXT_N8N_VERSION=1.123.81
 * selects the 1.x line, which many self-hosted instances still run:
 * - its `xlsx` dependency is a tarball on a host that is not reachable: pinned to the registry's 0.18.5;
 * - it runs on Node 20 (the machine's node, not the repo's Node 24), so sqlite3 is built for Node 20;
 * - isolated-vm is not built (--ignore-scripts), so its default `vm` expression engine cannot start;
 * - its SQLite read pool is off by default (see below).
 */
const N8N_RELEASES = {
	// The mcp-registry module polls api.n8n.io (keep it the same for template and runs); 1.x has none.
	'2.41.1': { runtime: 'repo', manifest: {}, env: { N8N_DISABLED_MODULES: 'mcp-registry' } },
	'1.123.81': {
		runtime: 'system',
		manifest: { overrides: { xlsx: '0.18.5' } },
		env: {
			N8N_EXPRESSION_ENGINE: 'legacy',
			// With its default pool of 0, 1.x stores an execution's status and its run data in two
			// writes outside a transaction, so a finished execution can be read without its last output.
			DB_SQLITE_POOL_SIZE: '2',
		},
	},
};
const DEFAULT_N8N_VERSION = '2.41.1';
const N8N_VERSION = process.env.LEGNEXT_N8N_VERSION || DEFAULT_N8N_VERSION;
if (!N8N_RELEASES[N8N_VERSION]) {
	throw new Error(
		`LEGNEXT_N8N_VERSION=${N8N_VERSION} is not one of the tested n8n releases: ${Object.keys(N8N_RELEASES).join(', ')}`,
	);
}
const N8N_RELEASE = N8N_RELEASES[N8N_VERSION];
const REPO_ROOT = path.resolve(__dirname, '..', '..');

function cacheDir() {
	return (
		process.env.LEGNEXT_N8N_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-legnext-video')
	);
}

/** The first `node` on PATH outside this repo's node_modules (whose .bin holds Node 24). */
function systemNode() {
	const repoModules = path.join(REPO_ROOT, 'node_modules');
	for (const dir of (process.env.PATH || '').split(path.delimiter)) {
		if (!dir || path.resolve(dir).startsWith(repoModules)) continue;
		const candidate = path.join(dir, 'node');
		if (fs.existsSync(candidate)) return candidate;
	}
	throw new Error(
		'no node found on PATH outside node_modules (n8n 1.x runs on the system Node 20)',
	);
}

const paths = {
	get installDir() {
		return path.join(cacheDir(), `n8n-${N8N_VERSION}`);
	},
	get n8nBin() {
		return path.join(this.installDir, 'node_modules', 'n8n', 'bin', 'n8n');
	},
	get installMarker() {
		return path.join(this.installDir, '.install-complete');
	},
	get installLog() {
		return path.join(cacheDir(), `n8n-${N8N_VERSION}-install.log`);
	},
	// A user folder whose database is already migrated; copied for every run (saves 1-2 min).
	get templateDir() {
		return path.join(cacheDir(), `userfolder-template-${N8N_VERSION}`);
	},
	get devUserFolder() {
		return path.join(cacheDir(), 'dev-userfolder');
	},
	get node24BinDir() {
		return path.join(REPO_ROOT, 'node_modules', 'node', 'bin');
	},
	get node24() {
		return path.join(this.node24BinDir, 'node');
	},
	/** The node binary that installs and runs the selected n8n release. */
	get n8nNode() {
		return N8N_RELEASE.runtime === 'repo' ? this.node24 : systemNode();
	},
};

const log = (message) => console.log(`[n8n] ${message}`);

// Inherited variables dropped from children: npm_config_* from an outer `npm run` would steer the
// nested npm install; a developer's own n8n settings (N8N_ENCRYPTION_KEY, DB_TYPE...) would clash
// with the template user folder.
const INHERITED_VARIABLES_DROPPED = /^(npm_|N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL$)/i;

/** process.env for a child on Node 24: the repo's node first on PATH, settings of others removed. */
function node24Env(extra = {}) {
	if (!fs.existsSync(paths.node24)) {
		throw new Error(`Node 24 not found at ${paths.node24}: run \`npm ci\` in ${REPO_ROOT} first`);
	}
	return childEnv(paths.node24BinDir, extra);
}

/** process.env for a child on the node that runs the selected n8n (its dir first on PATH). */
function n8nNodeEnv(extra = {}) {
	return N8N_RELEASE.runtime === 'repo'
		? node24Env(extra)
		: childEnv(path.dirname(paths.n8nNode), extra);
}

function childEnv(nodeBinDir, extra) {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (!INHERITED_VARIABLES_DROPPED.test(key)) env[key] = value;
	}
	env.PATH = `${nodeBinDir}${path.delimiter}${process.env.PATH || ''}`;
	return { ...env, ...extra };
}

// ---------------------------------------------------------------------------------------------
// Install

function sqliteBindingExists() {
	const binding = path.join(paths.installDir, 'node_modules', 'sqlite3', 'build', 'Release');
	return fs.existsSync(path.join(binding, 'node_sqlite3.node'));
}

/**
 * Installs n8n into the cache (once per machine and release) and returns the path of its `n8n` bin.
 * npm runs on the node that will run n8n, with --ignore-scripts (a Kafka client's install script
 * would download sources from the internet), then sqlite3 is built from source for that node.
 */
async function ensureN8n() {
	if (fs.existsSync(paths.installMarker)) return paths.n8nBin;
	fs.mkdirSync(cacheDir(), { recursive: true });
	await withLock(`${paths.installDir}.lock`, `the n8n ${N8N_VERSION} install`, async () => {
		if (fs.existsSync(paths.installMarker)) return; // finished by whoever held the lock
		const started = Date.now();
		log(
			`installing n8n ${N8N_VERSION} into ${paths.installDir} (about 4-6 min; log: ${paths.installLog})`,
		);
		fs.mkdirSync(paths.installDir, { recursive: true });
		const manifest = path.join(paths.installDir, 'package.json');
		if (!fs.existsSync(manifest)) {
			fs.writeFileSync(
				manifest,
				JSON.stringify(
					{ name: 'legnext-n8n-runtime', private: true, ...N8N_RELEASE.manifest },
					null,
					2,
				),
			);
		}
		const options = { cwd: paths.installDir, env: n8nNodeEnv(), logFile: paths.installLog };
		const npmFlags = [
			'--save-exact',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--loglevel=error',
		];
		await run('npm', ['install', `n8n@${N8N_VERSION}`, ...npmFlags], options);
		if (!sqliteBindingExists()) await run('npm', ['rebuild', 'sqlite3', '--no-audit'], options);
		if (!fs.existsSync(paths.n8nBin) || !sqliteBindingExists()) {
			throw new Error(`n8n install incomplete; see ${paths.installLog}`);
		}
		const seconds = Math.round((Date.now() - started) / 1000);
		fs.writeFileSync(
			paths.installMarker,
			`n8n ${N8N_VERSION} installed ${new Date().toISOString()} in ${seconds}s\n`,
		);
		log(`n8n ${N8N_VERSION} installed in ${seconds}s`);
	});
	return paths.n8nBin;
}

// ---------------------------------------------------------------------------------------------
// User folders

/**
 * Makes sure the migrated template user folder exists: starts n8n once on an empty folder
 * (runs the database migrations), stops it cleanly, and keeps the folder. Its `.n8n/config`
 * holds the encryption key, so every copy decrypts its credentials consistently.
 */
async function ensureUserFolderTemplate() {
	const marker = path.join(paths.templateDir, '.template-complete');
	if (fs.existsSync(marker)) return paths.templateDir;
	await ensureN8n();
	await withLock(`${paths.templateDir}.lock`, 'the template user folder', async () => {
		if (fs.existsSync(marker)) return;
		const building = `${paths.templateDir}.building`;
		fs.rmSync(building, { recursive: true, force: true });
		fs.rmSync(paths.templateDir, { recursive: true, force: true });
		fs.mkdirSync(building, { recursive: true });
		log('creating the migrated template user folder (first start runs the migrations, 1-2 min)');
		const started = Date.now();
		const server = await startN8n({
			userFolder: building,
			useTemplate: false,
			extensionsDir: null,
		});
		await server.stop();
		// Keep only the instance: the editor assets/types cache and the log are rewritten on every start.
		for (const leftover of ['.cache', 'n8n.log', path.join('.n8n', 'crash.journal')]) {
			fs.rmSync(path.join(building, leftover), { recursive: true, force: true });
		}
		fs.writeFileSync(
			path.join(building, '.template-complete'),
			`migrated in ${Date.now() - started} ms\n`,
		);
		fs.renameSync(building, paths.templateDir);
		log(`template ready in ${Math.round((Date.now() - started) / 1000)}s`);
	});
	return paths.templateDir;
}

function userFolderIsInitialised(userFolder) {
	return fs.existsSync(path.join(userFolder, '.n8n', 'config'));
}

/** Seeds `userFolder` from the migrated template unless it already holds an n8n instance. */
async function prepareUserFolder(userFolder) {
	if (userFolderIsInitialised(userFolder)) return userFolder;
	const template = await ensureUserFolderTemplate();
	fs.mkdirSync(userFolder, { recursive: true });
	fs.cpSync(template, userFolder, { recursive: true });
	fs.rmSync(path.join(userFolder, '.template-complete'), { force: true });
	return userFolder;
}

/** A new temporary user folder (under the OS temp dir), seeded from the template. */
async function createTempUserFolder(prefix = 'legnext-n8n-') {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	return prepareUserFolder(dir);
}

// ---------------------------------------------------------------------------------------------
// Start / stop

/** Environment for a quiet, loopback-only n8n that contacts nothing outside. */
function n8nEnv({ userFolder, port, brokerPort, extensionsDir, env }) {
	const url = `http://127.0.0.1:${port}/`;
	const noProxy = ['127.0.0.1', 'localhost', process.env.NO_PROXY, process.env.no_proxy];
	return n8nNodeEnv({
		N8N_USER_FOLDER: userFolder,
		...(extensionsDir ? { N8N_CUSTOM_EXTENSIONS: extensionsDir } : {}),
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: url,
		WEBHOOK_URL: url, // resume URLs handed to the API are built from it
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_SECURE_COOKIE: 'false', // plain http
		N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		// nothing outside loopback
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		// Off by default in 2.41; when on it blocks 127.0.0.0/8, i.e. the local simulator.
		N8N_SSRF_PROTECTION_ENABLED: 'false',
		NO_PROXY: noProxy.filter(Boolean).join(','),
		no_proxy: noProxy.filter(Boolean).join(','),
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_LEVEL: 'info',
		...N8N_RELEASE.env,
		...env,
	});
}

// ---------------------------------------------------------------------------------------------
// The package as users install it

/** `npm pack` of this repo (build it first) into `destDir`; returns the tarball's path. */
async function packPackage(destDir) {
	fs.mkdirSync(destDir, { recursive: true });
	const logFile = path.join(destDir, 'pack.log');
	await run('npm', ['pack', '--pack-destination', destDir, '--loglevel=error'], {
		cwd: REPO_ROOT,
		env: node24Env(),
		logFile,
	});
	const manifest = readJson(path.join(REPO_ROOT, 'package.json'));
	const tarball = path.join(destDir, `${manifest.name}-${manifest.version}.tgz`);
	if (!fs.existsSync(tarball)) throw new Error(`npm pack made no ${tarball}; see ${logFile}`);
	return tarball;
}

/**
 * Installs a packed package into `<userFolder>/.n8n/nodes` the way n8n installs a community
 * package (Settings -> Community Nodes; read from n8n 2.41.1's and 1.123.81's
 * community-packages.service.js `downloadPackage`): the tarball extracted into
 * nodes/node_modules/<name>, its dev, peer and optional dependencies dropped from its package.json
 * (n8n provides n8n-workflow), `npm install` of the rest without scripts, and the package recorded
 * in nodes/package.json. n8n started without custom extensions loads it as `<package>.<node>`.
 */
async function installPackageTarball(userFolder, tarball) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const nodesManifest = path.join(nodesDir, 'package.json');
	const logFile = path.join(userFolder, 'nodes-install.log');
	fs.mkdirSync(nodesDir, { recursive: true });
	const packageName = readJson(path.join(REPO_ROOT, 'package.json')).name;
	const packageDir = path.join(nodesDir, 'node_modules', packageName);
	fs.rmSync(packageDir, { recursive: true, force: true });
	fs.mkdirSync(packageDir, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1'], {
		cwd: nodesDir,
		env: n8nNodeEnv(),
		logFile,
	});
	const manifestFile = path.join(packageDir, 'package.json');
	const manifest = readJson(manifestFile);
	for (const dropped of ['devDependencies', 'peerDependencies', 'optionalDependencies']) {
		delete manifest[dropped];
	}
	fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
	const npmFlags = [
		'--audit=false',
		'--fund=false',
		'--bin-links=false',
		'--install-strategy=shallow',
		'--ignore-scripts=true',
		'--package-lock=false',
		'--loglevel=error',
	];
	await run('npm', ['install', ...npmFlags], { cwd: packageDir, env: n8nNodeEnv(), logFile });
	const nodes = fs.existsSync(nodesManifest)
		? readJson(nodesManifest)
		: { name: 'installed-nodes', private: true };
	nodes.dependencies = { ...nodes.dependencies, [packageName]: manifest.version };
	fs.writeFileSync(nodesManifest, JSON.stringify(nodes, null, 2));
	return packageDir;
}

/** n8n's last startup line (`n8n start`, 1.x and 2.x), printed after crash recovery. */
const STARTED_LINE = 'Editor is now accessible via';

/** What `logFile` gained after byte `start`. */
function logSince(logFile, start) {
	const fd = fs.openSync(logFile, 'r');
	try {
		const length = Math.max(0, fs.fstatSync(fd).size - start);
		const buffer = Buffer.alloc(length);
		fs.readSync(fd, buffer, 0, length, start);
		return buffer.toString('utf8');
	} finally {
		fs.closeSync(fd);
	}
}

function readJson(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Starts `n8n start` and resolves once /healthz/readiness answers 200.
 * Options: userFolder (seeded from the migrated template when empty, unless useTemplate is false;
 * default: a new temp folder, deleted by stop() unless LEGNEXT_KEEP_N8N_FOLDER=1), port (default:
 * free), packageTarball (a packed package installed into the user folder's nodes folder, as users
 * install it; then no custom extensions are loaded), extensionsDir (default <repo>/dist unless
 * packageTarball is given; null for none), env (extra variables), logFile (default
 * <userFolder>/n8n.log), readyTimeoutMs.
 * Returns { url, port, pid, logFile, userFolder, startMs, exited, restart({ downMs }), stop() }.
 */
async function startN8n({
	userFolder,
	port,
	packageTarball,
	extensionsDir = packageTarball ? null : path.join(REPO_ROOT, 'dist'),
	env = {},
	logFile,
	useTemplate = true,
	readyTimeoutMs = 5 * 60 * 1000,
} = {}) {
	const n8nBin = await ensureN8n();
	const ownsUserFolder = !userFolder;
	if (!userFolder) userFolder = await createTempUserFolder();
	else if (useTemplate) await prepareUserFolder(userFolder);
	fs.mkdirSync(userFolder, { recursive: true });
	if (packageTarball) await installPackageTarball(userFolder, packageTarball);
	port = port || (await freePort());
	const brokerPort = await freePort();
	logFile = logFile || path.join(userFolder, 'n8n.log');
	const url = `http://127.0.0.1:${port}`;

	const env24 = n8nEnv({ userFolder, port, brokerPort, extensionsDir, env });

	/** Spawns `n8n start` and waits until it is ready; returns the service (see proc.spawnService). */
	async function launch() {
		const logStart = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
		const service = spawnService(paths.n8nNode, [n8nBin, 'start'], {
			cwd: userFolder,
			env: env24,
			logFile,
		});
		// waitFor retries on errors: an n8n that exits must end the wait at once.
		let exited = false;
		const exitedEarly = service.exited.then((code) => {
			exited = true;
			throw new Error(`n8n exited (${code}) before it was ready`);
		});
		exitedEarly.catch(() => undefined);
		try {
			await Promise.race([
				waitFor(
					async () => {
						if (exited) return true; // the race has already failed
						const ready = await fetch(`${url}/healthz/readiness`).catch(() => null);
						if (!ready || ready.status !== 200) return false;
						// n8n 1.x answers readiness before it mounts its REST routes.
						const rest = await fetch(`${url}/rest/settings`).catch(() => null);
						if (!rest || rest.status !== 200) return false;
						// ...and before its crash recovery, which rewrites waiting executions it finds in
						// its event log as "crashed": a callback resumed in that window ends "crashed".
						// The editor line is printed once that pass is over.
						return logSince(logFile, logStart).includes(STARTED_LINE);
					},
					{ timeoutMs: readyTimeoutMs, intervalMs: 500, what: `n8n at ${url}` },
				),
				exitedEarly,
			]);
		} catch (error) {
			await service.stop(2000);
			error.message += `\n--- last lines of ${logFile} ---\n${tail(logFile)}`;
			throw error;
		}
		return service;
	}

	const started = Date.now();
	let service = await launch();
	return {
		url,
		port,
		get pid() {
			return service.pid;
		},
		logFile,
		userFolder,
		startMs: Date.now() - started,
		/** Resolves with the exit code/signal when the current n8n process ends. */
		get exited() {
			return service.exited;
		},
		/**
		 * Stops n8n (SIGTERM, as a deployment would), stays down `downMs`, and starts it again on the
		 * same user folder, port and settings, so stored executions and resume URLs stay valid.
		 * Returns { stopMs, startMs }.
		 */
		restart: async ({ downMs = 0 } = {}) => {
			const stopping = Date.now();
			await service.stop();
			const stopMs = Date.now() - stopping;
			if (downMs > 0) await sleep(downMs);
			const starting = Date.now();
			service = await launch();
			return { stopMs, startMs: Date.now() - starting };
		},
		stop: async () => {
			await service.stop();
			if (ownsUserFolder && process.env.LEGNEXT_KEEP_N8N_FOLDER !== '1') {
				fs.rmSync(userFolder, { recursive: true, force: true });
			}
		},
	};
}

module.exports = {
	N8N_VERSION,
	N8N_RELEASES,
	DEFAULT_N8N_VERSION,
	REPO_ROOT,
	paths,
	cacheDir,
	node24Env,
	n8nNodeEnv,
	packPackage,
	installPackageTarball,
	ensureN8n,
	ensureUserFolderTemplate,
	prepareUserFolder,
	createTempUserFolder,
	startN8n,
	n8nEnv,
	...rest,
	...browser,
};
