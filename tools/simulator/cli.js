#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Start a Legnext simulator from the command line: `npm run sim -- --job-seconds 5`.
 * Flags win over environment variables, which win over defaults.
 */

const { createSimulator } = require('./index');

const USAGE = `Usage: node tools/simulator/cli.js [options]
  --port N              port on 127.0.0.1 (env SIM_PORT, default 4010; 0 = any free port)
  --key KEY             accepted x-api-key (env SIM_KEY, default sim-key)
  --job-seconds S       render time of a job (env SIM_JOB_SECONDS, default 20)
  --video-bytes N       size of each served MP4 (env SIM_VIDEO_BYTES, default 262144)
  --callback-shape S    wrapped | bare (env SIM_CALLBACK_SHAPE, default wrapped)
  --credits N           starting credits (env SIM_CREDITS, default 100000)
  --concurrency N       max unfinished jobs (env SIM_CONCURRENCY, default 6)
  --seed N              PRNG seed for faults (env SIM_SEED, default 1)
  --faults JSON         fault knobs, e.g. '{"readErrorRate":0.1}' (env SIM_FAULTS)
  --signed-urls         media URLs carry Expires/Signature (env SIM_SIGNED_URLS=1)
  --help`;

/**
 * @param {string[]} argv
 * @returns {Record<string, string | true>}
 */
function parseFlags(argv) {
	/** @type {Record<string, string | true>} */
	const flags = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
		const [name, inline] = arg.slice(2).split(/=(.*)/s);
		const next = argv[i + 1];
		if (inline !== undefined) flags[name] = inline;
		else if (next !== undefined && !next.startsWith('--')) flags[name] = argv[++i];
		else flags[name] = true;
	}
	return flags;
}

/**
 * @param {Record<string, string | true>} flags
 * @param {NodeJS.ProcessEnv} env
 */
function optionsFrom(flags, env) {
	/** @param {string} flag @param {string} envName */
	const pick = (flag, envName) => {
		const value = flags[flag] ?? env[envName];
		return value === undefined || value === '' ? undefined : value;
	};
	/** @param {string} flag @param {string} envName @param {number} fallback */
	const number = (flag, envName, fallback) => {
		const value = pick(flag, envName);
		if (value === undefined) return fallback;
		const parsed = Number(value);
		if (!Number.isFinite(parsed)) throw new Error(`--${flag} must be a number, got ${value}`);
		return parsed;
	};
	const faults = pick('faults', 'SIM_FAULTS');
	const signed = pick('signed-urls', 'SIM_SIGNED_URLS');
	return {
		port: number('port', 'SIM_PORT', 4010),
		apiKey: String(pick('key', 'SIM_KEY') ?? 'sim-key'),
		jobMs: Math.round(number('job-seconds', 'SIM_JOB_SECONDS', 20) * 1000),
		videoBytes: number('video-bytes', 'SIM_VIDEO_BYTES', 262144),
		callbackShape: /** @type {'wrapped' | 'bare'} */ (String(pick('callback-shape', 'SIM_CALLBACK_SHAPE') ?? 'wrapped')),
		credits: number('credits', 'SIM_CREDITS', 100000),
		concurrency: number('concurrency', 'SIM_CONCURRENCY', 6),
		seed: number('seed', 'SIM_SEED', 1),
		faults: typeof faults === 'string' ? JSON.parse(faults) : {},
		signedUrls: signed === true || signed === '1' || signed === 'true',
	};
}

async function main() {
	const flags = parseFlags(process.argv.slice(2));
	if (flags.help) {
		process.stdout.write(`${USAGE}\n`);
		return;
	}
	const options = optionsFrom(flags, process.env);
	const sim = await createSimulator(options);
	process.stdout.write(`LEGNEXT_SIM_URL=${sim.url}\nLEGNEXT_SIM_KEY=${options.apiKey}\n`);
	process.stderr.write(`Legnext simulator listening on ${sim.url} (jobs take ${options.jobMs / 1000} s). Control API: ${sim.url}/__sim/stats. Ctrl-C stops it.\n`);
	const stop = () => {
		sim.close().then(() => process.exit(0));
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

if (require.main === module) {
	main().catch((error) => {
		process.stderr.write(`${error instanceof Error ? error.message : error}\n${USAGE}\n`);
		process.exit(1);
	});
}

module.exports = { parseFlags, optionsFrom };
