// @ts-check
'use strict';

/**
 * The live contract check behind `npm run contract`: free calls to the Legnext API (balance, account info,
 * active tasks, Get Job for given IDs; with `spend`, one Shorten job end to end), each answer compared with the
 * fields the package's parsers read. Prints a table; secrets never appear (field names and types only, the key
 * masked). The shapes below name their sources, as the contract fixtures in test/fixtures/contract do.
 */

const http = require('node:http');
const path = require('node:path');

/**
 * Whether a field name may hold a secret (shown as "(masked)", never with a value or type), by the nodes' own rule.
 * Loaded from the build on first use, not at load time: `tools/contract.js` first skips without a key, or says to
 * build, before anything here needs `dist/`.
 * @param {string} name
 */
function isSecretName(name) {
	const { SECRET_FIELD_NAME } = require(path.join(__dirname, '..', 'dist', 'nodes', 'legnext', 'secrets.js'));
	return SECRET_FIELD_NAME.test(name);
}

/**
 * What each call must carry. `required`: groups of alternative names, one of each group must be present (a
 * mismatch otherwise); `optional`: groups the parser reads when present; `known`: every other documented field.
 */
const SHAPES = {
	// docs.legnext.ai account balance; legnext-ai/sdks docs/mine/response.md
	balance: {
		required: [['available_credits'], ['balance_usd']],
		optional: [],
		known: ['account_id', 'available_points', 'alert_threshold', 'low_balance_alert', 'updated_at'],
	},
	// the front end's client (wrapped, with api_keys) and openapi-complete.yaml AccountInfo (unwrapped)
	info: {
		required: [['plan']],
		optional: [['max_concurrent_task_count', 'concurrent_limit']],
		known: ['account_id', 'email', 'balance', 'used', 'quota', 'status', 'wallet', 'api_keys', 'created_at', 'updated_at', 'balance_usd', 'available_credits', 'available_points'],
	},
	// openapi-complete.yaml ActiveTasksResponse; the Python SDK
	activeTasks: {
		required: [['total_active', 'total'], ['tasks']],
		optional: [['concurrent_limit', 'max_concurrent_task_count']],
		known: ['account_id', 'updated_at'],
	},
	// the job object: openapi.yaml GET job, docs/mine/response.md
	job: {
		required: [['job_id'], ['status'], ['task_type'], ['output'], ['meta'], ['error']],
		optional: [['config']],
		known: ['model', 'input', 'detail', 'logs'],
	},
};

/** Output fields by kind of finished job (what `parseJob` reads). */
const OUTPUT_FIELDS = {
	text: { required: [['promptEn', 'description', 'finalPrompt', 'prompts', 'prompt']] },
	image: { required: [['image_url'], ['image_urls'], ['available_actions']] },
	video: { required: [['video_urls', 'image_urls']] },
};
const KNOWN_OUTPUT_FIELDS = ['image_url', 'image_urls', 'seed', 'available_actions', 'video_urls', 'promptEn', 'description', 'finalPrompt', 'prompts', 'prompt'];
const TEXT_TASKS = ['describe', 'shorten'];
const VIDEO_TASKS = ['video_diffusion', 'extend_video', 'video_extend', 'video_upscale'];

/** @param {unknown} value */
function isObject(value) {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** @param {unknown} value */
function typeOf(value) {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'list';
	return typeof value;
}

/** The account endpoints answer `{code, data, message}` in some sources and the object itself in others. */
/** @param {unknown} body */
function accountData(body) {
	if (isObject(body) && isObject(/** @type {any} */ (body).data)) return /** @type {Record<string, unknown>} */ (/** @type {any} */ (body).data);
	return isObject(body) ? /** @type {Record<string, unknown>} */ (body) : {};
}

/** A field list for the table: secret-like names masked, types shown. @param {Record<string, unknown>} object @param {string[]} names */
function describeFields(object, names) {
	return names.map((name) => (isSecretName(name) ? `${name} (masked)` : `${name} (${typeOf(object[name])})`));
}

/**
 * Compares one object with a shape.
 * @param {Record<string, unknown>} object
 * @param {{ required: string[][], optional?: string[][], known?: string[] }} shape
 * @param {string} [prefix]
 */
function compare(object, shape, prefix = '') {
	/** @type {string[]} */
	const found = [];
	/** @type {string[]} */
	const missing = [];
	/** @type {string[]} */
	const missingOptional = [];
	const listed = new Set(shape.known ?? []);
	for (const [groups, sink] of /** @type {const} */ ([[shape.required, missing], [shape.optional ?? [], missingOptional]])) {
		for (const group of groups) {
			group.forEach((name) => listed.add(name));
			const present = group.filter((name) => object[name] !== undefined);
			if (present.length > 0) found.push(...present.map((name) => prefix + name));
			else sink.push(prefix + group.join('|'));
		}
	}
	const unknown = Object.keys(object).filter((name) => !listed.has(name)).map((name) => prefix + name);
	return { found, missing, missingOptional, unknown };
}

/**
 * @typedef {object} ShapeResult
 * @property {string[]} found
 * @property {string[]} missing          required fields absent: a mismatch
 * @property {string[]} missingOptional
 * @property {string[]} unknown
 * @property {string[]} unknownShown     unknown fields with their types, secret-like names masked
 * @property {string[]} problems         mismatches beyond missing fields
 * @property {string[]} notes
 * @property {boolean} ok
 */

/**
 * Checks a body against the shape of its call. Problems beyond missing fields (a list where the sources
 * document an object, a finished text job whose text the parser cannot split) are mismatches too.
 * @param {'balance' | 'info' | 'activeTasks' | 'job' | 'callback'} kind
 * @param {unknown} body
 * @param {{ parseJob?: (body: unknown) => any }} [parser]
 * @returns {ShapeResult}
 */
function checkShape(kind, body, parser = {}) {
	if (kind === 'callback') {
		const inner = isObject(body) && isObject(/** @type {any} */ (body).data) ? /** @type {any} */ (body).data : body;
		const result = checkShape('job', inner, parser);
		return { ...result, notes: [isObject(body) && inner !== body ? 'shape {timestamp, data: job}' : 'shape: bare job', ...result.notes] };
	}
	const object = kind === 'job' ? (isObject(body) ? /** @type {Record<string, unknown>} */ (body) : {}) : accountData(body);
	/** @type {Omit<ShapeResult, 'unknownShown' | 'ok'>} */
	const result = { ...compare(object, SHAPES[kind]), problems: [], notes: [] };
	if (!isObject(body)) result.problems.push(`the answer is not a JSON object (${typeOf(body)})`);
	if (kind !== 'job') return finish(result, object);

	const taskType = String(object.task_type ?? '').replace(/-/g, '_');
	const status = String(object.status ?? '');
	const output = isObject(object.output) ? /** @type {Record<string, unknown>} */ (object.output) : {};
	result.notes.push(`${taskType || '?'} ${status || '?'}`);
	if (status === 'completed') {
		const fields = TEXT_TASKS.includes(taskType) ? OUTPUT_FIELDS.text : VIDEO_TASKS.includes(taskType) ? OUTPUT_FIELDS.video : OUTPUT_FIELDS.image;
		const out = compare(output, { required: fields.required, known: KNOWN_OUTPUT_FIELDS }, 'output.');
		result.found.push(...out.found);
		result.missing.push(...out.missing);
		result.unknown.push(...out.unknown);
		if (output.available_actions !== undefined && output.available_actions !== null && !isObject(output.available_actions)) {
			result.problems.push(`output.available_actions is a ${typeOf(output.available_actions)}, the sources document an object`);
		}
	}
	if (parser.parseJob) {
		const job = parser.parseJob(body);
		if (TEXT_TASKS.includes(taskType) && status === 'completed') {
			if (job.prompts.length === 0) result.problems.push('the parser found no suggestions in the text fields');
			else result.notes.push(`parsed ${job.prompts.length} suggestion(s)`);
		}
	}
	return finish(result, object);
}

/**
 * @param {Omit<ShapeResult, 'unknownShown' | 'ok'>} result
 * @param {Record<string, unknown>} object
 * @returns {ShapeResult}
 */
function finish(result, object) {
	const unknownTop = result.unknown.filter((name) => !name.includes('.'));
	return {
		...result,
		unknownShown: [...describeFields(object, unknownTop), ...result.unknown.filter((name) => name.includes('.'))],
		ok: result.missing.length === 0 && result.problems.length === 0,
	};
}

/** @param {string} text @param {string} apiKey */
function redact(text, apiKey) {
	return apiKey.length >= 4 ? text.split(apiKey).join('[redacted]') : text;
}

/**
 * @typedef {object} ContractOptions
 * @property {string} baseUrl          the API root, already cut by the package's own Base URL rule (tools/contract.js)
 * @property {string} apiKey
 * @property {string[]} [jobIds]
 * @property {boolean} [spend]            one Shorten job (about 20 credits)
 * @property {string} [callbackUrl]       URL Legnext should call; it must reach the local listener
 * @property {number} [callbackPort]      port of the local listener (default: the callback URL's port)
 * @property {number} [timeoutMs]         for the Shorten job and its callback (default 10 min)
 * @property {number} [pollMs]
 * @property {(line: string) => void} [print]
 * @property {{ parseJob?: (body: unknown) => any }} [parser]
 */

/**
 * @param {ContractOptions} options
 * @returns {Promise<{ ok: boolean, rows: Array<{ call: string, status: string, ok: boolean }> }>}
 */
async function runContract(options) {
	const print = options.print ?? ((line) => process.stdout.write(`${line}\n`));
	const say = (/** @type {string} */ line) => print(redact(line, options.apiKey));
	const baseUrl = options.baseUrl;
	const rows = /** @type {Array<{ call: string, status: string, ok: boolean }>} */ ([]);
	say(`Legnext contract check against ${baseUrl} (API key set, ${options.apiKey.length} characters, not shown)`);

	/** @param {string} method @param {string} path @param {unknown} [body] */
	const call = async (method, path, body) => {
		const response = await fetch(`${baseUrl}${path}`, {
			method,
			headers: { 'x-api-key': options.apiKey, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
			body: body ? JSON.stringify(body) : undefined,
			redirect: 'manual',
		});
		const text = await response.text();
		let parsed;
		try {
			parsed = JSON.parse(text);
		} catch {
			parsed = text.trim().startsWith('<') ? '(an HTML page)' : '(not JSON)';
		}
		return { status: response.status, body: parsed };
	};

	/** @param {string} label @param {'balance' | 'info' | 'activeTasks' | 'job' | 'callback'} kind @param {number | string} status @param {unknown} body */
	const report = (label, kind, status, body) => {
		const httpOk = typeof status !== 'number' || (status >= 200 && status < 300);
		const shape = checkShape(kind, body, options.parser);
		const ok = httpOk && shape.ok;
		rows.push({ call: label, status: String(status), ok });
		say(`\n${ok ? 'OK      ' : 'MISMATCH'} ${label}  (HTTP ${status}${shape.notes.length ? `; ${shape.notes.join('; ')}` : ''})`);
		say(`  found:   ${shape.found.join(', ') || '-'}`);
		say(`  missing: ${[...shape.missing, ...shape.missingOptional.map((name) => `${name} (optional)`)].join(', ') || '-'}`);
		say(`  unknown: ${shape.unknownShown.join(', ') || '-'}`);
		for (const problem of shape.problems) say(`  problem: ${problem}`);
		if (!httpOk) say(`  problem: HTTP ${status}${typeof body === 'object' && body && 'message' in body ? `: ${String(/** @type {any} */ (body).message)}` : ''}`);
		return ok;
	};

	for (const [label, kind, path] of /** @type {const} */ ([
		['GET /api/account/balance', 'balance', '/api/account/balance'],
		['GET /api/account/info', 'info', '/api/account/info'],
		['GET /api/account/active_tasks', 'activeTasks', '/api/account/active_tasks'],
	])) {
		const answer = await call('GET', path).catch((error) => ({ status: `no answer (${error.cause?.code ?? error.message})`, body: null }));
		report(label, kind, answer.status, answer.body);
	}
	for (const jobId of options.jobIds ?? []) {
		const answer = await call('GET', `/api/v1/job/${encodeURIComponent(jobId)}`);
		report(`GET /api/v1/job/${jobId}`, 'job', answer.status, answer.body);
	}
	if (options.spend) await spendShorten(options, call, report, say);

	const ok = rows.every((row) => row.ok);
	const width = Math.max(4, ...rows.map((row) => row.call.length));
	say(`\n${'call'.padEnd(width)}  ${'HTTP'.padEnd(6)}  result`);
	for (const row of rows) say(`${row.call.padEnd(width)}  ${row.status.padEnd(6)}  ${row.ok ? 'OK' : 'MISMATCH'}`);
	say(`\n${rows.filter((row) => row.ok).length} of ${rows.length} calls match the contract${ok ? '' : ': see MISMATCH above'}.`);
	return { ok, rows };
}

/**
 * One Shorten job (about 20 credits): submit, read until finished, and with a callback URL wait for the
 * finished callback on the local listener (progress calls are counted and answered 200).
 * @param {ContractOptions} options
 * @param {(method: string, path: string, body?: unknown) => Promise<{ status: number, body: any }>} call
 * @param {(label: string, kind: any, status: number | string, body: unknown) => boolean} report
 * @param {(line: string) => void} say
 */
async function spendShorten(options, call, report, say) {
	const timeoutMs = options.timeoutMs ?? 10 * 60_000;
	const listener = options.callbackUrl ? await listen(options.callbackUrl, options.callbackPort) : null;
	try {
		const body = { prompt: 'a red fox curled up in fresh snow, soft winter light, shallow depth of field, 85mm photograph', ...(options.callbackUrl ? { callback: options.callbackUrl } : {}) };
		say('\n--spend: submitting one Shorten job (about 20 credits)');
		const submitted = await call('POST', '/api/v1/shorten', body);
		if (!report('POST /api/v1/shorten', 'job', submitted.status, submitted.body)) return;
		const jobId = String(submitted.body.job_id);
		const deadline = Date.now() + timeoutMs;
		let job = submitted;
		while (!['completed', 'failed'].includes(String(job.body?.status)) && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 5000));
			job = await call('GET', `/api/v1/job/${encodeURIComponent(jobId)}`);
		}
		report(`GET /api/v1/job/${jobId} (finished)`, 'job', job.status, job.body);
		if (!listener) return;
		const finished = await listener.finished(Math.max(0, deadline - Date.now()));
		if (finished === null) {
			report(`callback to ${options.callbackUrl}`, 'callback', 'none received before the timeout', null);
		} else {
			report(`callback to ${options.callbackUrl} (after ${listener.progressCalls()} progress call(s))`, 'callback', 'POST', finished);
		}
	} finally {
		await listener?.close();
	}
}

/**
 * A local listener for the callback: answers 200 to every POST, keeps the first finished job.
 * @param {string} callbackUrl
 * @param {number | undefined} port
 */
async function listen(callbackUrl, port) {
	const url = new URL(callbackUrl);
	let progress = 0;
	/** @type {unknown} */
	let finishedBody = null;
	/** @type {(() => void) | null} */
	let wake = null;
	const server = http.createServer((req, res) => {
		const chunks = /** @type {Buffer[]} */ ([]);
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
			let body;
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
			} catch {
				return;
			}
			const job = isObject(body) && isObject(body.data) ? body.data : body;
			if (['completed', 'failed'].includes(String(job?.status))) {
				if (finishedBody === null) finishedBody = body;
				wake?.();
			} else progress += 1;
		});
	});
	await new Promise((resolve) => server.listen(port ?? (Number(url.port) || 80), '127.0.0.1', () => resolve(undefined)));
	return {
		progressCalls: () => progress,
		/** @param {number} timeoutMs */
		finished: (timeoutMs) =>
			new Promise((resolve) => {
				if (finishedBody !== null) return resolve(finishedBody);
				const timer = setTimeout(() => resolve(null), timeoutMs);
				wake = () => {
					clearTimeout(timer);
					resolve(finishedBody);
				};
			}),
		close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
	};
}

module.exports = { runContract, checkShape, redact, SHAPES };
