'use strict';
// Batch-pause probe: loads nodes/BatchPauseProbe.node.js into a real n8n 2.41.1 as a
// custom extension and drives paused executions against a loopback stub (stub.js).
//
//   node test/probes/batch-pause/run.js single    one n8n process, restarted mid-wait; plus a manual run
//   node test/probes/batch-pause/run.js queue     Redis + PostgreSQL + main + 1 worker + 2 webhook
//                                                 processes, the first one killed and restarted mid-wait,
//                                                 the two racing last callbacks sent one to each
//   node test/probes/batch-pause/run.js all       both
//   a second argument picks how webhook() decides "last job": api (default: reads the other jobs,
//   stopping at the first unfinished one) or active (one read of the account's unfinished-job list)
//
// Needs `npm ci` (Node 24 from node_modules) and the n8n 2.41.1 cache of test/n8n/n8n.js.

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const n8n = require('../../n8n/n8n');
const queue = require('../../n8n/queue');
const { freePort, sleep, spawnService, waitFor } = require('../../n8n/proc');
const { startStub } = require('./stub');

const EXTENSIONS = path.join(__dirname, 'nodes');
const OWNER = { email: 'probe@example.com', password: 'Probe-Passw0rd' };
const PROBE = 'Batch Pause Probe';

const say = (...args) => console.log(...args);
const short = (value) => JSON.stringify(value);

function workflowJson(name, stubUrl, { count = 3, decide = 'api', timeoutSeconds = 600 } = {}) {
	const webhookPath = `probe-${crypto.randomBytes(4).toString('hex')}`;
	return {
		webhookPath,
		workflow: {
			name,
			nodes: [
				{
					parameters: {
						httpMethod: 'POST',
						path: webhookPath,
						responseMode: 'onReceived',
						options: {},
					},
					name: 'Start',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					position: [0, 0],
					webhookId: crypto.randomUUID(),
				},
				{
					parameters: { stubUrl, count, decide, timeoutSeconds },
					name: PROBE,
					type: 'CUSTOM.batchPauseProbe',
					typeVersion: 1,
					position: [220, 0],
					webhookId: crypto.randomUUID(),
				},
				{
					parameters: {},
					name: 'After',
					type: 'n8n-nodes-base.noOp',
					typeVersion: 1,
					position: [440, 0],
				},
			],
			connections: {
				Start: { main: [[{ node: PROBE, type: 'main', index: 0 }]] },
				[PROBE]: { main: [[{ node: 'After', type: 'main', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
		},
	};
}

/** Starts one batch: publishes the workflow, calls its production webhook, waits for "waiting". */
async function startBatch(env, name, options) {
	const { api, webhookBase, stub } = env;
	const { workflow, webhookPath } = workflowJson(name, stub.url, options);
	if (options.manual) {
		// A manual (editor) run: Manual Trigger instead of the Webhook trigger, not published.
		workflow.nodes[0] = {
			parameters: {},
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
		};
		const created = await api.createWorkflow(workflow);
		const { executionId } = await api.runWorkflow(created.id);
		const waiting = await api.waitForExecution(executionId, {
			statuses: ['waiting', 'error', 'success'],
			timeoutMs: 60000,
		});
		if (waiting.status !== 'waiting')
			throw new Error(`execution ${executionId} is ${waiting.status}, not waiting`);
		return {
			workflowId: created.id,
			executionId: String(executionId),
			jobs: stub.jobsOf(executionId),
		};
	}
	const created = await api.createWorkflow(workflow);
	await api.activateWorkflow(created.id);
	// The production webhook answers once it is registered (on the webhook process in queue mode).
	let started;
	for (let i = 0; i < 60; i++) {
		started = await fetch(`${webhookBase}/webhook/${webhookPath}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}',
		});
		if (started.status < 400) break;
		await sleep(500);
	}
	if (started.status >= 400) throw new Error(`start webhook answered ${started.status}`);
	const waiting = await api.waitForNewExecution(created.id, {
		statuses: ['waiting', 'error', 'success'],
		timeoutMs: 60000,
	});
	if (waiting.status !== 'waiting')
		throw new Error(`execution ${waiting.id} is ${waiting.status}, not waiting`);
	const executionId = String(waiting.id);
	const jobs = stub.jobsOf(executionId);
	return { workflowId: created.id, executionId, jobs };
}

async function executionStatus(api, executionId) {
	const raw = await api.getExecutionRaw(executionId);
	return { status: raw.status, waitTill: raw.waitTill };
}

/** Output of the probe node and of the node after it, from the stored execution. */
async function outputs(api, executionId) {
	const raw = await api.getExecutionRaw(executionId);
	const summary = n8n.summarizeExecution(raw);
	const items = (name) =>
		((summary.nodes[name] && summary.nodes[name].runs) || []).map((run) =>
			((run.data && run.data.main && run.data.main[0]) || []).map((i) => i.json),
		);
	return { status: raw.status, probeRuns: items(PROBE), afterRuns: items('After') };
}

function lastWebhookReport(stub, executionId, index) {
	const reports = stub.reports.filter(
		(r) => r.kind === 'webhook' && r.executionId === executionId && r.index === index,
	);
	return reports[reports.length - 1];
}

function describeReport(report) {
	if (!report) return '(webhook() did not report)';
	const seen = report.seen;
	const brief = (c) => (c.ok ? short(c.value).slice(0, 160) : `ERROR ${c.error.slice(0, 120)}`);
	return [
		`    webhook() pid ${report.pid}: ${report.verdict}`,
		`      stateKnew (other jobs custom/static data said were done): ${short(report.stateKnew || [])}`,
		`      job reads: ${short(report.reads || [])}`,
		`      seen.input    ${brief(seen.input)}`,
		`      seen.$json    ${brief(seen.json)}`,
		`      seen.returned ${brief(seen.returned)}`,
		`      seen.returned(0,0) ${brief(seen.returnedRun0)}; isExecuted ${brief(seen.returnedExecuted)}`,
		`      seen.custom   ${brief(seen.custom)}`,
		`      seen.static   ${brief(seen.static)}`,
		`      seen.inputMark ${brief(seen.inputMark)}`,
		report.writes
			? `      writes: custom ${brief(report.writes.custom)}; static ${brief(report.writes.static)}; inputMark ${brief(report.writes.inputMark)}`
			: '',
	]
		.filter(Boolean)
		.join('\n');
}

/** Completes job `index` at the stub and sends its callback; prints the answer and the execution. */
async function complete(env, batch, index, { label = '', callback = true } = {}) {
	const { stub, api } = env;
	const job = batch.jobs[index];
	stub.finish(job.jobId);
	if (!callback) return null;
	const answer = await stub.callback(job.jobId);
	await sleep(300);
	const execution = await executionStatus(api, batch.executionId);
	say(
		`  callback job ${index}${label}: HTTP ${answer.status} ${answer.body.slice(0, 100)} -> execution ${execution.status}`,
	);
	say(describeReport(lastWebhookReport(stub, batch.executionId, index)));
	return { answer, execution };
}

async function scenario(env, { title, restart, restartLabel }) {
	const { stub, api, decide } = env;
	const results = { title };
	say(`\n=== ${title} (decide: ${decide}) ===`);
	stub.resetCounters();

	// Batch T: timeout with an unfinished item (started first, its deadline runs during the rest).
	const batchT = await startBatch(env, `${title} timeout`, {
		count: 2,
		timeoutSeconds: 25,
		decide,
	});
	say(`batch T (timeout 25 s): execution ${batchT.executionId}`);
	await complete(env, batchT, 0, { label: ' (T)' });

	// Batch A: three jobs, callbacks in the order 2, 0, 1 around a restart.
	const batchA = await startBatch(env, `${title} A`, { count: 3, decide });
	const executeReport = stub.reports.find(
		(r) => r.kind === 'execute' && r.executionId === batchA.executionId,
	);
	say(
		`batch A: execution ${batchA.executionId} waiting; execute() pid ${executeReport.pid}; jobs ${short(batchA.jobs.map((j) => j.jobId))}`,
	);
	say(`  resumeUrl ${executeReport.resumeUrl}`);
	say(`  getSignedResumeUrl ${short(executeReport.signedResumeUrl)}`);
	say(
		`  customData.set at pause: ${short(executeReport.customSet)}; static data at pause: ${short(executeReport.staticSet)}`,
	);

	const stored = await api.getExecution(batchA.executionId);
	const probeRuns = (stored.nodes[PROBE] && stored.nodes[PROBE].runs) || [];
	say(
		`  stored while waiting: probe node runs ${probeRuns.length}; ${short(probeRuns.map((r) => ({ status: r.executionStatus, items: ((r.data && r.data.main && r.data.main[0]) || []).map((i) => i.json) })))}`,
	);
	const stack = stored.data.executionData && stored.data.executionData.nodeExecutionStack;
	say(
		`  stored while waiting: nodeExecutionStack[0] node ${stack && stack[0] && stack[0].node.name}, input ${short(stack && stack[0] && stack[0].data.main[0].map((i) => i.json))}`,
	);
	say(`  stored while waiting: customData ${short(stored.data.resultData.metadata)}`);

	const first = await complete(env, batchA, 2, { label: ' (first)' });
	results.nonLastStatus = first.answer.status;
	results.stillWaitingAfterFirst = first.execution.status;

	// Forged and tampered callbacks.
	const job0 = batchA.jobs[0];
	const forged = new URL(stub.job(job0.jobId).callback);
	forged.searchParams.set('t', 'x'.repeat(32));
	const forgedAnswer = await stub.post(forged.toString(), {
		job_id: job0.jobId,
		status: 'completed',
	});
	const tampered = new URL(stub.job(job0.jobId).callback);
	tampered.searchParams.set('job', '1');
	const tamperedAnswer = await stub.post(tampered.toString(), {
		job_id: batchA.jobs[1].jobId,
		status: 'completed',
	});
	const noSignature = new URL(stub.job(job0.jobId).callback);
	noSignature.searchParams.delete('signature');
	const noSignatureAnswer = await stub.post(noSignature.toString(), {
		job_id: job0.jobId,
		status: 'completed',
	});
	let signedAnswer = { status: 'n/a', body: '' };
	if (executeReport.signedResumeUrl.ok) {
		signedAnswer = await stub.post(executeReport.signedResumeUrl.value, {
			job_id: job0.jobId,
			status: 'completed',
		});
	}
	results.forged = forgedAnswer.status;
	results.tampered = tamperedAnswer.status;
	results.noSignature = noSignatureAnswer.status;
	results.signedResumeUrl = signedAnswer.status;
	say(
		`  forged token (t=xxx): HTTP ${forgedAnswer.status}; job index changed (job=1 with job 0's t): HTTP ${tamperedAnswer.status}; n8n signature removed: HTTP ${noSignatureAnswer.status} ${noSignatureAnswer.body.slice(0, 60)}`,
	);
	say(
		`  POST to getSignedResumeUrl(): HTTP ${signedAnswer.status} ${signedAnswer.body.slice(0, 100)}`,
	);
	say(`  execution after those: ${(await executionStatus(api, batchA.executionId)).status}`);

	if (restart) {
		say(`  -- ${restartLabel} --`);
		results.restart = await restart();
		say(`  restarted: ${short(results.restart)}`);
	}

	const second = await complete(env, batchA, 0, { label: ' (second, after restart)' });
	results.secondStatus = second.answer.status;
	results.secondWaiting = second.execution.status;
	const repeat = await complete(env, batchA, 0, { label: ' (repeated)' });
	results.repeatStatus = repeat.answer.status;
	const last = await complete(env, batchA, 1, { label: ' (last)' });
	results.lastStatus = last.answer.status;
	const doneA = await api.waitForExecution(batchA.executionId, { timeoutMs: 60000 });
	const outA = await outputs(api, batchA.executionId);
	results.finalA = {
		status: doneA.status,
		probeRuns: outA.probeRuns.length,
		after: outA.afterRuns.map((r) => r.map((j) => j.index)),
	};
	say(
		`  batch A ended ${doneA.status}; probe node runs ${outA.probeRuns.length}; 'After' got ${short(outA.afterRuns)}`,
	);
	const late = await stub.callback(batchA.jobs[1].jobId);
	results.lateStatus = late.status;
	say(`  callback after the end: HTTP ${late.status} ${late.body.slice(0, 100)}`);

	// Batch C: the two last jobs call back at the same moment: must resume exactly once.
	const batchC = await startBatch(env, `${title} C`, { count: 3, decide });
	say(`batch C: execution ${batchC.executionId} (two last callbacks at once)`);
	await complete(env, batchC, 0);
	stub.finish(batchC.jobs[1].jobId);
	stub.finish(batchC.jobs[2].jobId);
	// In queue mode the two callbacks go to two different webhook processes.
	const viaSecond = (jobId) => {
		const url = new URL(stub.job(jobId).callback);
		if (env.secondWebhookUrl) url.host = new URL(env.secondWebhookUrl).host;
		return stub.post(url.toString(), { job_id: jobId, status: 'completed' });
	};
	const both = await Promise.all([
		stub.callback(batchC.jobs[1].jobId),
		viaSecond(batchC.jobs[2].jobId),
	]);
	const doneC = await api.waitForExecution(batchC.executionId, { timeoutMs: 60000 });
	const outC = await outputs(api, batchC.executionId);
	const verdictsC = [1, 2].map(
		(i) => (lastWebhookReport(stub, batchC.executionId, i) || {}).verdict,
	);
	const pidsC = [1, 2].map((i) => (lastWebhookReport(stub, batchC.executionId, i) || {}).pid);
	results.concurrent = {
		pids: pidsC,
		answers: both.map((a) => a.status),
		verdicts: verdictsC,
		status: doneC.status,
		afterRuns: outC.afterRuns.length,
	};
	say(
		`  concurrent last callbacks: HTTP ${both.map((a) => `${a.status} ${a.body.slice(0, 80)}`).join(' | ')}`,
	);
	say(
		`  webhook() verdicts ${short(verdictsC)} (pids ${short(pidsC)}); execution ${doneC.status}; 'After' ran ${outC.afterRuns.length} time(s) with ${short(outC.afterRuns)}`,
	);

	// Batch T outcome.
	const doneT = await api.waitForExecution(batchT.executionId, {
		timeoutMs: 120000,
		intervalMs: 1000,
	});
	const outT = await outputs(api, batchT.executionId);
	results.timeout = { status: doneT.status, after: outT.afterRuns };
	say(`batch T after its deadline: ${doneT.status}; 'After' got ${short(outT.afterRuns)}`);

	if (env.manual) {
		// Batch M: a manual run (mode "manual"), callbacks 1 then 0.
		const batchM = await startBatch(env, `${title} M`, { count: 2, decide, manual: true });
		say(`batch M (manual run): execution ${batchM.executionId}`);
		const firstM = await complete(env, batchM, 1, { label: ' (M first)' });
		const lastM = await complete(env, batchM, 0, { label: ' (M last)' });
		const doneM = await api.waitForExecution(batchM.executionId, { timeoutMs: 60000 });
		const outM = await outputs(api, batchM.executionId);
		results.manual = {
			first: [firstM.answer.status, firstM.execution.status],
			last: lastM.answer.status,
			status: doneM.status,
			mode: doneM.mode,
			after: outM.afterRuns.map((r) => r.map((j) => j.index)),
		};
		say(
			`  batch M ended ${doneM.status} (mode ${doneM.mode}); 'After' got ${short(outM.afterRuns)}`,
		);
	}

	const reads = stub.readStats();
	results.reads = reads;
	say(`stub job reads: ${short(reads)}`);
	const wf = await api.getWorkflow(batchA.workflowId);
	results.staticDataStored = wf.staticData;
	say(`workflow A static data in the database at the end: ${short(wf.staticData)}`);
	return results;
}

async function runSingle(stub, decide) {
	const server = await n8n.startN8n({ extensionsDir: EXTENSIONS });
	try {
		const api = n8n.createClient(server.url);
		await api.ensureOwner(OWNER);
		const env = { api, webhookBase: server.url, stub, decide, manual: true };
		return await scenario(env, {
			title: 'single process',
			restartLabel: 'n8n restart (SIGTERM, start again on the same folder)',
			restart: async () => {
				const timing = await server.restart();
				await api.login(OWNER);
				return timing;
			},
		});
	} finally {
		await server.stop();
	}
}

/** A second `n8n webhook` process with the cluster's settings, on its own port (queue.js starts one). */
async function startSecondWebhookProcess(cluster, dir, logDir) {
	const port = await freePort();
	const userFolder = path.join(dir, 'webhook2');
	fs.mkdirSync(userFolder, { recursive: true });
	const env = n8n.n8nEnv({
		userFolder,
		port,
		brokerPort: await freePort(),
		extensionsDir: EXTENSIONS,
		env: cluster.env,
	});
	delete env.N8N_DEFAULT_BINARY_DATA_MODE;
	const service = spawnService(n8n.paths.node24, [n8n.paths.n8nBin, 'webhook'], {
		cwd: userFolder,
		env,
		logFile: path.join(logDir, 'webhook2.log'),
	});
	const url = `http://127.0.0.1:${port}`;
	await waitFor(
		async () => {
			const response = await fetch(`${url}/healthz/readiness`).catch(() => null);
			return response && response.status === 200;
		},
		{ timeoutMs: 180000, intervalMs: 500, what: 'second webhook process' },
	);
	say(`queue: second webhook process ${url} (pid ${service.pid})`);
	return { url, pid: service.pid, stop: () => service.stop() };
}

async function runQueue(stub, decide) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'legnext-probe-queue-'));
	fs.chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user and must reach its folder
	const logDir = path.join(dir, 'logs');
	fs.mkdirSync(logDir, { recursive: true });
	const services = await queue.startServices({ dir, logDir });
	let cluster;
	let second;
	try {
		cluster = await queue.startQueueN8n({
			dir,
			logDir,
			redisPort: services.redis.port,
			postgres: services.postgres,
			workers: 1,
			concurrency: 2,
			extensionsDir: EXTENSIONS,
		});
		second = await startSecondWebhookProcess(cluster, dir, logDir);
		const api = n8n.createClient(cluster.mainUrl);
		await api.ensureOwner(OWNER);
		const env = {
			api,
			webhookBase: cluster.webhookUrl,
			stub,
			decide,
			secondWebhookUrl: second.url,
		};
		say(
			`queue: main ${cluster.mainUrl}, webhook process ${cluster.webhookUrl} (pid ${cluster.webhook.pid}), worker pid ${cluster.workers[0].pid}`,
		);
		return await scenario(env, {
			title: 'queue mode',
			restartLabel:
				'webhook process killed (SIGKILL) and started again: the next callbacks reach another process',
			restart: async () => {
				const before = cluster.webhook.pid;
				await cluster.webhook.kill();
				const startMs = await cluster.webhook.start();
				return { webhookPidBefore: before, webhookPidAfter: cluster.webhook.pid, startMs };
			},
		});
	} finally {
		if (second) await second.stop();
		if (cluster) await cluster.stop();
		await services.stop();
		if (process.env.LEGNEXT_KEEP_N8N_FOLDER !== '1')
			fs.rmSync(dir, { recursive: true, force: true });
	}
}

async function main() {
	const which = process.argv[2] || 'all';
	const decide = process.argv[3] || 'api';
	const summary = {};
	// A new stub per mode: execution IDs restart at 1 in every new database.
	for (const mode of ['single', 'queue']) {
		if (which !== mode && which !== 'all') continue;
		const stub = await startStub();
		try {
			summary[mode] = await (mode === 'single' ? runSingle : runQueue)(stub, decide);
		} finally {
			await stub.close();
		}
	}
	say('\n=== summary ===');
	say(JSON.stringify(summary, null, 2));
}

main()
	.catch((error) => {
		console.error(error);
		process.exitCode = 1;
	})
	// Exit explicitly: proc.js then kills any child left behind (e.g. Redis when PostgreSQL failed to start).
	.finally(() => process.exit());
