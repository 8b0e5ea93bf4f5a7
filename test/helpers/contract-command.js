'use strict';

/** Runs `node tools/contract.js` as a child process, as a user would (plain JS: node code may not spawn). */

const { spawn } = require('node:child_process');
const { createServer } = require('node:net');
const { join } = require('node:path');

const SCRIPT = join(__dirname, '..', '..', 'tools', 'contract.js');

/**
 * @param {string[]} args
 * @param {Record<string, string>} env  the whole environment besides PATH (so no real key leaks in)
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
function runContractCommand(args, env) {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [SCRIPT, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk) => (stderr += chunk.toString()));
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}

/** @returns {Promise<number>} a loopback port nothing listens on right now */
function freePort() {
	return new Promise((resolve) => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

module.exports = { runContractCommand, freePort };
