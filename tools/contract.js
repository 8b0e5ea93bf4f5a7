#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * `npm run contract`: checks Legnext's live API against what this package parses.
 *
 *   LEGNEXT_API_KEY=... npm run contract [-- --base-url URL] [--job ID ...] [--spend [--callback-url URL [--callback-port N]]]
 *
 * Free by default (balance, account info, active tasks, Get Job for the IDs given). `--spend` adds one Shorten
 * job, about 20 credits. Without LEGNEXT_API_KEY it says it skipped and exits 0. Exit 1 on any mismatch.
 */

const { existsSync } = require('node:fs');
const path = require('node:path');
const { runContract, redact } = require('./contract-check');

function parseArgs(argv) {
	const args = { jobIds: [], spend: false, baseUrl: '', callbackUrl: '', callbackPort: undefined, timeoutMs: undefined, pollMs: undefined };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const value = () => {
			const next = argv[++i];
			if (next === undefined) throw new Error(`${arg} needs a value`);
			return next;
		};
		if (arg === '--spend') args.spend = true;
		else if (arg === '--base-url') args.baseUrl = value();
		else if (arg === '--job') args.jobIds.push(value());
		else if (arg === '--callback-url') args.callbackUrl = value();
		else if (arg === '--callback-port') args.callbackPort = Number(value());
		else if (arg === '--timeout-seconds') args.timeoutMs = Number(value()) * 1000;
		else if (arg === '--poll-seconds') args.pollMs = Number(value()) * 1000;
		else if (/^[0-9a-f-]{36}$/i.test(arg)) args.jobIds.push(arg);
		else throw new Error(`unknown argument ${arg}`);
	}
	return args;
}

/**
 * The package's own code, from the build (`npm run contract` builds first): the job parser and the Base URL rule the
 * nodes and the credential test apply, so this check uses them rather than a copy.
 */
function loadBuiltPackage() {
	const dist = path.join(__dirname, '..', 'dist', 'nodes', 'legnext');
	if (!existsSync(path.join(dist, 'job.js'))) return null;
	const { parseJob } = require(path.join(dist, 'job.js'));
	const { normalizeBaseUrl, DEFAULT_BASE_URL } = require(path.join(dist, 'client.js'));
	return { parseJob, normalizeBaseUrl, DEFAULT_BASE_URL };
}

async function main() {
	const apiKey = process.env.LEGNEXT_API_KEY ?? '';
	if (apiKey === '') {
		process.stdout.write('LEGNEXT_API_KEY is not set: skipped the live contract check (nothing was called).\n');
		return 0;
	}
	let args;
	try {
		args = parseArgs(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`${error.message}\n`);
		return 2;
	}
	if (args.callbackUrl && !args.spend) {
		process.stderr.write('--callback-url only applies with --spend\n');
		return 2;
	}
	const built = loadBuiltPackage();
	if (built === null) {
		process.stderr.write('dist/ is not built: run `npm run build` first (`npm run contract` does)\n');
		return 2;
	}
	const { ok } = await runContract({
		...args,
		baseUrl: built.normalizeBaseUrl(args.baseUrl || process.env.LEGNEXT_BASE_URL || built.DEFAULT_BASE_URL),
		apiKey,
		callbackUrl: args.callbackUrl || undefined,
		parser: { parseJob: built.parseJob },
	});
	return ok ? 0 : 1;
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error) => {
		process.stderr.write(`${redact(String(error?.stack ?? error), process.env.LEGNEXT_API_KEY ?? '')}\n`);
		process.exitCode = 1;
	},
);
