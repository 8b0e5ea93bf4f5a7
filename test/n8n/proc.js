'use strict';
// Process and network helpers shared by the n8n tooling: free ports, polling, child processes
// that are always cleaned up (each in its own process group, killed by id).

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** True when nothing listens on 127.0.0.1:port. */
function isPortFree(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** A port the OS says is free right now. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** `preferred` when it is free, else any free port. */
async function preferredOrFreePort(preferred) {
	if (preferred && (await isPortFree(preferred))) return preferred;
	return freePort();
}

/** Calls `check` until it returns a truthy value (returned) or `timeoutMs` passes (throws). */
async function waitFor(check, { timeoutMs = 30000, intervalMs = 250, what = 'condition' } = {}) {
	const deadline = Date.now() + timeoutMs;
	let lastError;
	while (Date.now() < deadline) {
		try {
			const value = await check();
			if (value) return value;
		} catch (error) {
			lastError = error;
		}
		await sleep(intervalMs);
	}
	const reason = lastError ? ` (last error: ${lastError.message})` : '';
	throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
}

// Process groups started here; killed on exit so an aborted run leaves nothing behind.
const liveGroups = new Set();
process.on('exit', () => {
	for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});

// Cleanups run on Ctrl-C / SIGTERM / SIGHUP (services run detached, so a terminal's Ctrl-C
// does not reach them by itself).
const shutdownHooks = [];
let signalHandlersInstalled = false;
let shuttingDown = false;

/** Registers `hook` (async) to run before the process exits on a signal; returns an unregister function. */
function onShutdown(hook) {
	if (!signalHandlersInstalled) {
		signalHandlersInstalled = true;
		for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
			process.on(signal, () => shutdown(signal));
	}
	shutdownHooks.push(hook);
	return () => {
		const index = shutdownHooks.indexOf(hook);
		if (index >= 0) shutdownHooks.splice(index, 1);
	};
}

async function shutdown(signal) {
	if (shuttingDown) {
		process.exit(130); // second Ctrl-C: leave now ('exit' still kills the groups)
	}
	shuttingDown = true;
	console.log(`\n${signal}: stopping...`);
	const hooks = shutdownHooks.splice(0).reverse();
	const timeout = sleep(20000);
	await Promise.race([Promise.allSettled(hooks.map((hook) => hook())), timeout]);
	process.exit(signal === 'SIGINT' ? 130 : 143);
}

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

/**
 * Spawns a long-running process in its own process group, output appended to `logFile`.
 * Returns { child, pid, exited (promise of exit code), stop(graceMs) }: stop sends SIGTERM to
 * the group (n8n's task runners included), then SIGKILL after graceMs.
 */
function spawnService(command, args, { env, cwd, logFile }) {
	const log = fs.openSync(logFile, 'a');
	const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', log, log] });
	fs.closeSync(log);
	liveGroups.add(child.pid);
	const unregister = onShutdown(() => stop());
	const exited = new Promise((resolve) => {
		child.once('exit', (code, signal) => {
			liveGroups.delete(child.pid);
			unregister();
			resolve(code ?? signal);
		});
	});
	async function stop(graceMs = 15000) {
		if (!liveGroups.has(child.pid)) return exited;
		killGroup(child.pid, 'SIGTERM');
		const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
		await exited;
		clearTimeout(timer);
		// The leader is gone; make sure no runner child outlives it.
		killGroup(child.pid, 'SIGKILL');
		return exited;
	}
	return { child, pid: child.pid, exited, stop };
}

/** Runs a command to completion, output appended to `logFile`; rejects on a non-zero exit. */
function run(command, args, { env, cwd, logFile }) {
	return new Promise((resolve, reject) => {
		const log = fs.openSync(logFile, 'a');
		fs.writeSync(log, `\n$ ${command} ${args.join(' ')}\n`);
		const child = spawn(command, args, { env, cwd, stdio: ['ignore', log, log] });
		fs.closeSync(log);
		child.once('error', reject);
		child.once('exit', (code) => {
			if (code === 0) resolve();
			else reject(new Error(`${command} ${args.join(' ')} exited with ${code}; see ${logFile}`));
		});
	});
}

// Locks: a directory created atomically, holding the owner's pid; a dead owner's lock is taken over.

async function withLock(lockDir, what, fn, { timeoutMs = 30 * 60 * 1000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	let announced = false;
	for (;;) {
		try {
			fs.mkdirSync(lockDir, { recursive: false });
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			const owner = Number(readIfExists(path.join(lockDir, 'pid')));
			const ownerDied = owner ? !isAlive(owner) : ageMs(lockDir) > 60000; // no pid: crashed while locking
			if (ownerDied) {
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lockDir}`);
			if (!announced)
				console.log(`[lock] waiting: another process (pid ${owner || '?'}) is doing ${what}`);
			announced = true;
			await sleep(1000);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

function ageMs(file) {
	try {
		return Date.now() - fs.statSync(file).mtimeMs;
	} catch {
		return 0;
	}
}

function readIfExists(file) {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

/** Last `lines` lines of a text file, for error messages. */
function tail(file, lines = 40) {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '';
	}
}

module.exports = {
	sleep,
	isPortFree,
	freePort,
	preferredOrFreePort,
	waitFor,
	isAlive,
	spawnService,
	run,
	tail,
	withLock,
	onShutdown,
};
