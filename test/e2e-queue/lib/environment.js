'use strict';
// What the queue-mode suite runs against: the Legnext simulator (in this process), Redis and
// PostgreSQL (own processes, temp data), and n8n 2.41.1 in queue mode (one main, two workers, one
// webhook process) with the package loaded everywhere, plus the owner and the simulator credential.
// Its `state` has the same shape as the single-process suite's (test/e2e/lib/environment.js), so the
// shared test/e2e/*.test.js files run against it unchanged, plus `webhookBaseUrl` and `queue`.

const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const n8n = require('../../n8n/n8n');
const queue = require('../../n8n/queue');
const { sleep } = require('../../n8n/proc');
const { CREDENTIAL_TYPE } = require('../../n8n/workflows');
const { SIM_KEY, OWNER, CREDENTIAL_NAME, STATE_ENV } = require('../../e2e/lib/environment');

const REPO_ROOT = n8n.REPO_ROOT;
const LOG_DIR = path.join(REPO_ROOT, '.e2e', 'queue'); // logs of the last run (git-ignored)
const FIGURES_FILE = path.join(LOG_DIR, 'figures.jsonl');
const WORKERS = 2;
const WORKER_CONCURRENCY = 5;
const BINARY_MODE_ENV = 'LEGNEXT_QUEUE_BINARY_MODE';
const BINARY_MODES = ['database', 'filesystem'];

function assertBuilt() {
	const manifest = require(path.join(REPO_ROOT, 'package.json'));
	for (const file of [...manifest.n8n.credentials, ...manifest.n8n.nodes]) {
		if (!fs.existsSync(path.join(REPO_ROOT, file)))
			throw new Error(
				`${file} is missing: run \`npm run build\` first (npm run test:e2e:queue does)`,
			);
	}
}

/**
 * Loopback control endpoint in the process that owns n8n, for test files (other processes):
 *   GET  /queue/processes                  [{ name, role, pid, running, url, logFile, starts }]
 *   POST /queue/processes/:name/kill       SIGKILL to the process group -> { pid }
 *   POST /queue/processes/:name/start      starts it again, same settings -> { startMs }
 *   POST /n8n/restart { downMs }           restarts the main (as test/e2e/lib/context.js restartN8n expects)
 */
async function startControlServer(cluster) {
	const byName = new Map(cluster.processes.map((p) => [p.name, p]));
	const describe = (p) => ({
		name: p.name,
		role: p.role,
		pid: p.pid,
		running: p.running,
		url: p.url,
		logFile: p.logFile,
		starts: p.starts,
	});
	let busy = false;
	const server = http.createServer(async (req, res) => {
		const answer = (status, body) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		let raw = '';
		for await (const chunk of req) raw += chunk;
		const body = raw ? JSON.parse(raw) : {};
		if (req.method === 'GET' && req.url === '/queue/processes')
			return answer(200, cluster.processes.map(describe));
		const match = /^\/queue\/processes\/([\w-]+)\/(kill|start)$/.exec(req.url || '');
		const isRestart = req.method === 'POST' && req.url === '/n8n/restart';
		if (!(req.method === 'POST' && match) && !isRestart) return answer(404, { error: 'no route' });
		if (busy) return answer(409, { error: 'another control request is running' });
		busy = true;
		try {
			if (isRestart) {
				const stopping = Date.now();
				await cluster.main.stop();
				const stopMs = Date.now() - stopping;
				if (body.downMs > 0) await sleep(body.downMs);
				return answer(200, { stopMs, startMs: await cluster.main.start() });
			}
			const target = byName.get(match[1]);
			if (!target) return answer(404, { error: `no process ${match[1]}` });
			if (match[2] === 'kill') return answer(200, { pid: await target.kill() });
			if (target.running) return answer(409, { error: `${target.name} is running` });
			return answer(200, { startMs: await target.start() });
		} catch (error) {
			answer(500, { error: error.message });
		} finally {
			busy = false;
		}
	});
	server.requestTimeout = 0; // a start takes ~30 s
	server.headersTimeout = 0;
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

/**
 * Starts simulator + Redis + PostgreSQL + the n8n cluster + owner + credential.
 * Returns { state, sim, cluster, services, stop() }.
 */
async function startQueueEnvironment({
	simOptions = {},
	workers = WORKERS,
	binaryMode = process.env[BINARY_MODE_ENV] || 'database',
} = {}) {
	assertBuilt();
	if (!BINARY_MODES.includes(binaryMode))
		throw new Error(
			`${BINARY_MODE_ENV} must be one of ${BINARY_MODES.join(', ')}, not "${binaryMode}"`,
		);
	const timings = {};
	const started = Date.now();
	fs.rmSync(LOG_DIR, { recursive: true, force: true });
	fs.mkdirSync(LOG_DIR, { recursive: true });
	// Data (user folders, Redis, PostgreSQL) in a temp folder the postgres user can enter.
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'legnext-queue-'));
	fs.chmodSync(dir, 0o755);
	// database: n8n's queue-mode default, nothing set. filesystem: one folder every process shares
	// (on several machines that would be a shared volume).
	const env =
		binaryMode === 'filesystem'
			? {
					N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
					N8N_STORAGE_PATH: path.join(dir, 'shared-storage'),
				}
			: {};

	const { createSimulator } = require(path.join(REPO_ROOT, 'tools', 'simulator'));
	const sim = await createSimulator({ port: 0, apiKey: SIM_KEY, jobMs: 2000, ...simOptions });
	let services;
	let cluster;
	let control;
	const stop = async () => {
		if (control) await control.close();
		if (cluster) await cluster.stop();
		if (services) await services.stop();
		await sim.close();
		if (process.env.LEGNEXT_KEEP_QUEUE_DIR !== '1')
			fs.rmSync(dir, { recursive: true, force: true });
	};
	try {
		const installCheck = Date.now();
		await n8n.ensureN8n();
		timings.n8nInstallCheckMs = Date.now() - installCheck;
		const servicesStart = Date.now();
		services = await queue.startServices({ dir, logDir: LOG_DIR });
		timings.servicesInstallMs = services.installMs;
		timings.servicesStartMs = Date.now() - servicesStart - services.installMs;
		cluster = await queue.startQueueN8n({
			dir,
			logDir: LOG_DIR,
			redisPort: services.redis.port,
			postgres: services.postgres,
			workers,
			concurrency: WORKER_CONCURRENCY,
			env,
		});
		Object.assign(timings, cluster.timings);

		const api = n8n.createClient(cluster.mainUrl);
		await api.setupOwner(OWNER);
		const credential = await api.createCredential({
			name: CREDENTIAL_NAME,
			type: CREDENTIAL_TYPE,
			data: { apiKey: SIM_KEY, baseUrl: sim.url },
		});
		control = await startControlServer(cluster);
		timings.totalMs = Date.now() - started;
		const state = {
			// as test/e2e/lib/environment.js
			n8nUrl: cluster.mainUrl,
			simUrl: sim.url,
			apiKey: SIM_KEY,
			owner: OWNER,
			credential: { id: credential.id, name: credential.name, type: CREDENTIAL_TYPE },
			logFile: cluster.main.logFile,
			userFolder: cluster.main.userFolder,
			controlUrl: control.url,
			timings,
			// queue mode
			webhookBaseUrl: cluster.webhookUrl, // where production and resume URLs point (WEBHOOK_URL)
			queue: {
				mode: 'queue',
				mainUrl: cluster.mainUrl,
				webhookUrl: cluster.webhookUrl,
				redisPort: services.redis.port,
				postgresPort: services.postgres.port,
				bullPrefix: 'bull',
				queueName: 'jobs',
				workerConcurrency: WORKER_CONCURRENCY,
				binaryMode, // 'database' (n8n's queue-mode default, N8N_DEFAULT_BINARY_DATA_MODE unset) or 'filesystem'
				settings: {
					QUEUE_WORKER_LOCK_DURATION: cluster.env.QUEUE_WORKER_LOCK_DURATION,
					QUEUE_WORKER_LOCK_RENEW_TIME: cluster.env.QUEUE_WORKER_LOCK_RENEW_TIME,
					QUEUE_WORKER_STALLED_INTERVAL: cluster.env.QUEUE_WORKER_STALLED_INTERVAL,
				},
				processes: cluster.processes.map((p) => ({
					name: p.name,
					role: p.role,
					url: p.url,
					logFile: p.logFile,
				})),
				logDir: LOG_DIR,
				figuresFile: FIGURES_FILE,
			},
		};
		return { state, sim, cluster, services, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

module.exports = {
	startQueueEnvironment,
	STATE_ENV,
	LOG_DIR,
	FIGURES_FILE,
	BINARY_MODE_ENV,
	BINARY_MODES,
};
