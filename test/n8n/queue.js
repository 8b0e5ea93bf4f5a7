'use strict';
// n8n in queue mode on one machine, for `npm run test:e2e:queue`: Redis and PostgreSQL from Debian's
// packages (installed with apt when missing) run as private processes on free loopback ports with
// their data in a temp folder; then one main (`n8n start`), N workers (`n8n worker`) and one
// webhook process (`n8n webhook`), all loading this package's dist/ and sharing one encryption key,
// with WEBHOOK_URL pointing at the webhook process.
//
//   const queue = require('./test/n8n/queue');
//   const services = await queue.startServices({ dir, logDir });   // redis + postgres
//   const cluster = await queue.startQueueN8n({ dir, logDir, redisPort, postgres, workers: 2 });
//   cluster.mainUrl, cluster.webhookUrl, cluster.workers[0].kill(), await cluster.stop();

const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const n8n = require('./n8n');
const { freePort, run, spawnService, tail, waitFor, withLock } = require('./proc');

const log = (message) => console.log(`[queue] ${message}`);

const APT_PACKAGES = ['redis-server', 'postgresql'];
const POSTGRES_ROOT = '/usr/lib/postgresql';
const DATABASE = 'n8n';
const DB_USER = 'postgres';

// ---------------------------------------------------------------------------------------------
// Install (Debian packages)

function onPath(command) {
	return (process.env.PATH || '')
		.split(path.delimiter)
		.some((dir) => dir && fs.existsSync(path.join(dir, command)));
}

/** bin/ of the newest PostgreSQL under /usr/lib/postgresql/<major>, or null. */
function postgresBinDir() {
	if (!fs.existsSync(POSTGRES_ROOT)) return null;
	const majors = fs
		.readdirSync(POSTGRES_ROOT)
		.filter((name) => /^\d+$/.test(name))
		.sort((a, b) => Number(b) - Number(a));
	for (const major of majors) {
		const bin = path.join(POSTGRES_ROOT, major, 'bin');
		if (
			['postgres', 'initdb', 'pg_isready', 'createdb'].every((f) =>
				fs.existsSync(path.join(bin, f)),
			)
		)
			return bin;
	}
	return null;
}

function servicesInstalled() {
	return onPath('redis-server') && postgresBinDir() !== null;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Makes sure redis-server and PostgreSQL are installed: `apt-get update` and `apt-get install`
 * when one is missing (as root; otherwise it says what to install). Returns { pgBin, installMs }.
 */
async function ensureServices() {
	const started = Date.now();
	if (!servicesInstalled()) {
		if (!isRoot() || !onPath('apt-get')) {
			throw new Error(
				`redis-server and PostgreSQL are needed: install them (Debian: sudo apt-get install -y ${APT_PACKAGES.join(' ')})`,
			);
		}
		fs.mkdirSync(n8n.cacheDir(), { recursive: true });
		const logFile = path.join(n8n.cacheDir(), 'queue-apt.log');
		await withLock(path.join(n8n.cacheDir(), 'queue-apt.lock'), 'the apt install', async () => {
			if (servicesInstalled()) return;
			log(`installing ${APT_PACKAGES.join(' ')} with apt (about 1 min; log: ${logFile})`);
			const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
			await run('apt-get', ['update'], { env, logFile });
			await run('apt-get', ['install', '-y', '--no-install-recommends', ...APT_PACKAGES], {
				env,
				logFile,
			});
		});
		if (!servicesInstalled()) throw new Error(`apt install incomplete; see ${logFile}`);
		log(`installed in ${Math.round((Date.now() - started) / 1000)}s`);
	}
	return { pgBin: postgresBinDir(), installMs: Date.now() - started };
}

// ---------------------------------------------------------------------------------------------
// Redis

/** Encodes a RESP command and parses one reply (enough for PING, LLEN, KEYS, LRANGE...). */
function parseReply(buffer, offset = 0) {
	const lineEnd = buffer.indexOf('\r\n', offset);
	if (lineEnd < 0) return null;
	const type = String.fromCharCode(buffer[offset]);
	const line = buffer.toString('utf8', offset + 1, lineEnd);
	const next = lineEnd + 2;
	if (type === '+') return { value: line, end: next };
	if (type === '-') return { value: new Error(line), end: next };
	if (type === ':') return { value: Number(line), end: next };
	if (type === '$') {
		const length = Number(line);
		if (length < 0) return { value: null, end: next };
		if (buffer.length < next + length + 2) return null;
		return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
	}
	if (type === '*') {
		const count = Number(line);
		if (count < 0) return { value: null, end: next };
		const values = [];
		let position = next;
		for (let i = 0; i < count; i++) {
			const item = parseReply(buffer, position);
			if (!item) return null;
			values.push(item.value);
			position = item.end;
		}
		return { value: values, end: position };
	}
	throw new Error(`unexpected Redis reply type ${JSON.stringify(type)}`);
}

/** Sends one command to Redis on 127.0.0.1:port; resolves with its reply. */
function redisCommand(port, ...args) {
	return new Promise((resolve, reject) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		let received = Buffer.alloc(0);
		const timer = setTimeout(() => socket.destroy(new Error('Redis did not answer in 5 s')), 5000);
		socket.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		socket.on('data', (chunk) => {
			received = Buffer.concat([received, chunk]);
			const reply = parseReply(received);
			if (!reply) return;
			clearTimeout(timer);
			socket.end();
			if (reply.value instanceof Error) reject(reply.value);
			else resolve(reply.value);
		});
		const parts = args.map(String);
		socket.write(
			`*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`,
		);
	});
}

/** redis-server on a free loopback port, nothing persisted (data dir under `dir`). */
async function startRedis({ dir, logFile }) {
	const port = await freePort();
	const dataDir = path.join(dir, 'redis');
	fs.mkdirSync(dataDir, { recursive: true });
	const args = ['--port', port, '--bind', '127.0.0.1', '--protected-mode', 'yes', '--save', '']
		.concat(['--appendonly', 'no', '--dir', dataDir, '--daemonize', 'no'])
		.map(String);
	const service = spawnService('redis-server', args, { env: process.env, cwd: dataDir, logFile });
	try {
		await waitFor(async () => (await redisCommand(port, 'PING')) === 'PONG', {
			timeoutMs: 20000,
			intervalMs: 100,
			what: `redis-server on port ${port}`,
		});
	} catch (error) {
		await service.stop(2000);
		error.message += `\n--- ${logFile} ---\n${tail(logFile)}`;
		throw error;
	}
	return {
		port,
		pid: service.pid,
		command: (...args) => redisCommand(port, ...args),
		stop: () => service.stop(5000),
	};
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/** [command, args] running `file` as the postgres user when we are root (postgres refuses root). */
function asPostgresUser(file, args) {
	return isRoot() ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
}

/**
 * A PostgreSQL cluster of its own: initdb in `dir`/postgres, postgres on a free loopback port
 * (socket in the same folder, fsync off: test data), and a database `n8n` (trust auth, user postgres).
 */
async function startPostgres({ dir, logFile, pgBin }) {
	pgBin = pgBin || postgresBinDir();
	const pgDir = path.join(dir, 'postgres');
	const dataDir = path.join(pgDir, 'data');
	fs.mkdirSync(pgDir, { recursive: true });
	if (isRoot()) {
		const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
		fs.chownSync(pgDir, uid, gid);
	}
	const initArgs = [
		'-D',
		dataDir,
		'-U',
		DB_USER,
		'-A',
		'trust',
		'-E',
		'UTF8',
		'--locale=C',
		'--no-sync',
	];
	await run(...asPostgresUser(path.join(pgBin, 'initdb'), initArgs), {
		env: process.env,
		cwd: pgDir,
		logFile,
	});

	const port = await freePort();
	const settings = {
		listen_addresses: '127.0.0.1',
		unix_socket_directories: pgDir,
		fsync: 'off',
		synchronous_commit: 'off',
		full_page_writes: 'off',
		max_connections: '200',
	};
	const serverArgs = ['-D', dataDir, '-p', String(port)];
	for (const [key, value] of Object.entries(settings)) serverArgs.push('-c', `${key}=${value}`);
	const service = spawnService(...asPostgresUser(path.join(pgBin, 'postgres'), serverArgs), {
		env: process.env,
		cwd: pgDir,
		logFile,
	});
	const client = ['-h', '127.0.0.1', '-p', String(port), '-U', DB_USER];
	try {
		await waitFor(
			() => {
				try {
					execFileSync(path.join(pgBin, 'pg_isready'), [...client, '-q'], { stdio: 'ignore' });
					return true;
				} catch {
					return false;
				}
			},
			{ timeoutMs: 30000, intervalMs: 200, what: `postgres on port ${port}` },
		);
		await run(path.join(pgBin, 'createdb'), [...client, DATABASE], { env: process.env, logFile });
	} catch (error) {
		await service.stop(2000);
		error.message += `\n--- ${logFile} ---\n${tail(logFile)}`;
		throw error;
	}
	return {
		port,
		pid: service.pid,
		database: DATABASE,
		user: DB_USER,
		/** Fast shutdown (SIGINT: disconnects clients), then the group is reaped. */
		stop: async () => {
			try {
				process.kill(-service.pid, 'SIGINT');
			} catch {
				// already gone
			}
			await service.stop(10000);
		},
	};
}

/** Redis + PostgreSQL (installed first when missing). Returns { redis, postgres, installMs, stop() }. */
async function startServices({ dir, logDir }) {
	const { pgBin, installMs } = await ensureServices();
	const [redis, postgres] = await Promise.all([
		startRedis({ dir, logFile: path.join(logDir, 'redis.log') }),
		startPostgres({ dir, logFile: path.join(logDir, 'postgres.log'), pgBin }),
	]);
	return {
		redis,
		postgres,
		installMs,
		stop: async () => {
			await Promise.allSettled([redis.stop(), postgres.stop()]);
		},
	};
}

// ---------------------------------------------------------------------------------------------
// n8n processes

/**
 * Settings every process of the cluster shares. Stalled-job detection is tightened from Bull's
 * defaults (lock 60 s, check every 30 s) so a killed worker's execution fails within seconds.
 */
function queueEnv({ redisPort, postgres, encryptionKey, mainUrl, webhookUrl }) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redisPort),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		N8N_ENCRYPTION_KEY: encryptionKey,
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true', // manual runs go to the workers too
		WEBHOOK_URL: `${webhookUrl}/`, // production and resume (webhook-waiting) URLs: the webhook process
		N8N_EDITOR_BASE_URL: `${mainUrl}/`,
		QUEUE_WORKER_LOCK_DURATION: '10000',
		QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
		QUEUE_WORKER_STALLED_INTERVAL: '5000',
	};
}

/**
 * One n8n process (main, worker or webhook) that can be started, killed and started again with
 * the same user folder, ports and settings. `readyUrl` answers 200 once it is ready.
 */
function n8nProcess({
	name,
	role,
	args,
	userFolder,
	port,
	healthPort,
	env,
	logFile,
	readyTimeoutMs,
}) {
	let service;
	let startCount = 0;
	const url = `http://127.0.0.1:${port}`;
	const readyUrl =
		role === 'worker'
			? `http://127.0.0.1:${healthPort}/healthz/readiness`
			: `${url}/healthz/readiness`;

	const proc = {
		name,
		role,
		url: role === 'worker' ? `http://127.0.0.1:${healthPort}` : url,
		logFile,
		userFolder,
		get pid() {
			return service && service.pid;
		},
		get running() {
			return Boolean(service) && service.exitCode === undefined;
		},
		get exited() {
			return service ? service.exited : Promise.resolve(null);
		},
		get starts() {
			return startCount;
		},
		async start() {
			const n8nBin = await n8n.ensureN8n();
			fs.mkdirSync(userFolder, { recursive: true });
			fs.appendFileSync(
				logFile,
				`\n===== ${name}: n8n ${args.join(' ')} (${new Date().toISOString()})\n`,
			);
			const started = Date.now();
			const current = spawnService(n8n.paths.node24, [n8nBin, ...args], {
				cwd: userFolder,
				env,
				logFile,
			});
			current.exitCode = undefined;
			current.exited.then((code) => (current.exitCode = code));
			service = current;
			startCount++;
			try {
				await waitFor(
					async () => {
						if (current.exitCode !== undefined)
							throw new Error(`${name} exited (${current.exitCode}) before it was ready`);
						const response = await fetch(readyUrl).catch(() => null);
						return response && response.status === 200;
					},
					{ timeoutMs: readyTimeoutMs, intervalMs: 500, what: `${name} at ${readyUrl}` },
				);
			} catch (error) {
				await current.stop(2000);
				error.message += `\n--- last lines of ${logFile} ---\n${tail(logFile)}`;
				throw error;
			}
			return Date.now() - started;
		},
		/** SIGKILL to the whole process group (the n8n process and its task runner): a crash. */
		async kill() {
			if (!service || service.exitCode !== undefined) return null;
			const pid = service.pid;
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {
				// already gone
			}
			await service.exited;
			await service.stop(1000); // reaps the bookkeeping in proc.js
			return pid;
		},
		/** SIGTERM (graceful: a worker finishes its jobs first), SIGKILL after graceMs. */
		async stop(graceMs = 20000) {
			if (service) await service.stop(graceMs);
		},
	};
	return proc;
}

/**
 * Starts the n8n processes of a queue-mode cluster: the main first (it runs the database
 * migrations), then `workers` workers and one webhook process in parallel.
 * Options: dir (user folders go in it), logDir, redisPort, postgres ({port, database, user}),
 * workers (2), concurrency (per worker, 5), extensionsDir (<repo>/dist), env (extra variables for
 * every process; `N8N_DEFAULT_BINARY_DATA_MODE` unset means n8n's queue-mode default, database).
 * Returns { mainUrl, webhookUrl, main, webhook, workers: [...], processes, env, timings, stop() }.
 */
async function startQueueN8n({
	dir,
	logDir,
	redisPort,
	postgres,
	workers = 2,
	concurrency = 5,
	extensionsDir = path.join(n8n.REPO_ROOT, 'dist'),
	env = {},
	readyTimeoutMs = 5 * 60 * 1000,
}) {
	await n8n.ensureN8n();
	const mainPort = await freePort();
	const webhookPort = await freePort();
	const mainUrl = `http://127.0.0.1:${mainPort}`;
	const webhookUrl = `http://127.0.0.1:${webhookPort}`;
	const shared = {
		...queueEnv({
			redisPort,
			postgres,
			encryptionKey: crypto.randomBytes(24).toString('base64url'),
			mainUrl,
			webhookUrl,
		}),
		...env,
	};

	async function define(name, role, args, port, extra = {}) {
		const userFolder = path.join(dir, name);
		const healthPort = role === 'worker' ? await freePort() : undefined;
		const processEnv = n8n.n8nEnv({
			userFolder,
			port,
			brokerPort: await freePort(),
			extensionsDir,
			env: {
				...shared,
				...(healthPort
					? {
							QUEUE_HEALTH_CHECK_ACTIVE: 'true',
							QUEUE_HEALTH_CHECK_PORT: String(healthPort),
							N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
						}
					: {}),
				...extra,
			},
		});
		// n8nEnv pins filesystem binary data for the single-process setup; here n8n chooses (queue: database).
		if (!('N8N_DEFAULT_BINARY_DATA_MODE' in env)) delete processEnv.N8N_DEFAULT_BINARY_DATA_MODE;
		return n8nProcess({
			name,
			role,
			args,
			userFolder,
			port,
			healthPort,
			env: processEnv,
			logFile: path.join(logDir, `${name}.log`),
			readyTimeoutMs,
		});
	}

	const main = await define('main', 'main', ['start'], mainPort);
	const workerProcesses = [];
	for (let i = 1; i <= workers; i++) {
		// N8N_PORT unused by workers but kept distinct
		workerProcesses.push(
			await define(
				`worker${i}`,
				'worker',
				['worker', `--concurrency=${concurrency}`],
				await freePort(),
			),
		);
	}
	const webhook = await define('webhook', 'webhook', ['webhook'], webhookPort);
	const processes = [main, ...workerProcesses, webhook];

	const timings = {};
	const stop = async () => {
		// Webhook and workers first (a worker drains its jobs), the main last.
		await Promise.allSettled([webhook.stop(), ...workerProcesses.map((w) => w.stop())]);
		await main.stop();
	};
	try {
		log(`starting main ${mainUrl} (first start on an empty database runs the migrations)`);
		timings.mainStartMs = await main.start();
		log(
			`main ready in ${timings.mainStartMs} ms; starting ${workers} workers and the webhook process`,
		);
		const started = Date.now();
		await Promise.all([webhook, ...workerProcesses].map((p) => p.start()));
		timings.othersStartMs = Date.now() - started;
		log(`workers and webhook process ready in ${timings.othersStartMs} ms (webhook ${webhookUrl})`);
	} catch (error) {
		await stop();
		throw error;
	}
	return {
		mainUrl,
		webhookUrl,
		main,
		webhook,
		workers: workerProcesses,
		processes,
		env: shared,
		timings,
		stop,
	};
}

module.exports = {
	APT_PACKAGES,
	ensureServices,
	postgresBinDir,
	redisCommand,
	startRedis,
	startPostgres,
	startServices,
	startQueueN8n,
	queueEnv,
};
