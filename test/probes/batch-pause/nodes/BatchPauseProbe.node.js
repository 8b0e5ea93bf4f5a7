'use strict';
// Probe for pausing a batch (one execution, many jobs, many callbacks). NOT shipped, NOT linted:
// plain CommonJS so n8n loads it as a custom extension without a build. It uses `process` only to
// say which n8n process ran it.
//
// execute(): submits `count` jobs to the stub, each with this execution's resume URL plus a per-job
// query part (job=<index>&t=<HMAC(secret, executionId:index)>), then stores the job IDs in every
// candidate place and pauses:
//   input     the node's input, replaced through getExecuteData().data (saved with the execution)
//   returned  what execute() returns (n8n stores it as the node's run data at pause time)
//   custom    $execution.customData (this.customData.set)
//   static    workflow static data of the node (this.getWorkflowStaticData('node'))
// webhook(): checks the per-job token, reads every candidate (and what earlier callbacks wrote
// into custom/static data/the input), reports all that to the stub (POST /report), then either
// answers without resuming (not the last job: { webhookResponse } and no workflowData) or returns all items in input order (last job).
// "Last" is decided by the parameter `decide`: 'api' reads the jobs the state does not know are
// finished from the stub (early exit at the first unfinished one: the stub counts those reads),
// 'active' reads the account's list of unfinished jobs once (GET /active_tasks, like Legnext's
// /api/account/active_tasks) and reads the other jobs only once all are finished, 'state' trusts
// custom/static data only.

const crypto = require('node:crypto');
const os = require('node:os');

const token = (secret, executionId, index) =>
	crypto
		.createHmac('sha256', secret)
		.update(`${executionId}:${index}`)
		.digest('base64url')
		.slice(0, 32);

function attempt(fn) {
	try {
		const value = fn();
		return { ok: true, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) };
	} catch (error) {
		return {
			ok: false,
			error: String(error && error.message ? error.message : error).slice(0, 300),
		};
	}
}

class BatchPauseProbe {
	constructor() {
		this.description = {
			displayName: 'Batch Pause Probe',
			name: 'batchPauseProbe',
			group: ['transform'],
			version: 1,
			description: 'Probe for batch pause',
			defaults: { name: 'Batch Pause Probe' },
			inputs: ['main'],
			outputs: ['main'],
			usableAsTool: undefined,
			webhooks: [
				{
					name: 'default',
					httpMethod: 'POST',
					responseMode: 'onReceived',
					responseData: 'noData',
					path: '',
					restartWebhook: true,
				},
			],
			properties: [
				{ displayName: 'Stub URL', name: 'stubUrl', type: 'string', default: '' },
				{ displayName: 'Secret', name: 'secret', type: 'string', default: 'probe-secret' },
				{ displayName: 'Count', name: 'count', type: 'number', default: 3 },
				{ displayName: 'Decide', name: 'decide', type: 'string', default: 'api' },
				{ displayName: 'Timeout Seconds', name: 'timeoutSeconds', type: 'number', default: 600 },
			],
		};
		this.webhookMethods = {
			default: {
				async checkExists() {
					return true;
				},
				async create() {
					return true;
				},
				async delete() {
					return true;
				},
			},
		};
	}

	async execute() {
		const stubUrl = this.getNodeParameter('stubUrl', 0);
		const secret = this.getNodeParameter('secret', 0);
		const count = this.getNodeParameter('count', 0);
		const timeoutSeconds = this.getNodeParameter('timeoutSeconds', 0);
		const executionId = this.getExecutionId();
		const resumeUrl = String(this.getWorkflowDataProxy(0).$execution.resumeUrl);
		const signed = attempt(() => this.getSignedResumeUrl({ job: '0' }));

		const jobs = [];
		for (let index = 0; index < count; index++) {
			const url = new URL(resumeUrl);
			url.searchParams.set('job', String(index));
			url.searchParams.set('t', token(secret, executionId, index));
			const answer = await this.helpers.httpRequest({
				method: 'POST',
				url: `${stubUrl}/jobs`,
				body: { executionId, index, callback: url.toString() },
				json: true,
			});
			jobs.push({ index, jobId: answer.jobId });
		}

		// Candidate "input": the node's input, which n8n stores with the waiting execution (and
		// outputs as the node's result if the deadline passes first).
		const executeData = this.getExecuteData();
		executeData.data = {
			...executeData.data,
			main: [
				jobs.map((job) => ({
					json: { ...job, from: 'input', timedOut: true },
					pairedItem: { item: 0 },
				})),
			],
		};
		// Candidate "custom": $execution.customData (string values).
		const customSet = attempt(() =>
			this.customData.set('jobs', jobs.map((j) => j.jobId).join(',')),
		);
		// Candidate "static": workflow static data of the node.
		const staticSet = attempt(() => {
			const data = this.getWorkflowStaticData('node');
			data.batches = data.batches || {};
			data.batches[executionId] = { jobs: jobs.map((j) => j.jobId), done: [] };
			return true;
		});

		await this.helpers.httpRequest({
			method: 'POST',
			url: `${stubUrl}/report`,
			body: {
				kind: 'execute',
				executionId,
				pid: process.pid,
				host: os.hostname(),
				resumeUrl,
				signedResumeUrl: signed,
				customSet,
				staticSet,
				jobs,
			},
			json: true,
		});

		await this.putExecutionToWait(new Date(Date.now() + timeoutSeconds * 1000));
		// Candidate "returned": what execute() returns at pause time.
		return [jobs.map((job) => ({ json: { ...job, from: 'returned' }, pairedItem: { item: 0 } }))];
	}

	async webhook() {
		const stubUrl = this.getNodeParameter('stubUrl');
		const secret = this.getNodeParameter('secret');
		const decide = this.getNodeParameter('decide');
		const executionId = this.getExecutionId();
		const query = this.getQueryData();
		const body = this.getBodyData();
		const res = this.getResponseObject();
		const index = Number(query.job);
		const nodeName = this.getNode().name;

		const seen = {
			input: attempt(() => this.evaluateExpression('{{ $input.all().map(i => i.json) }}', 0)),
			json: attempt(() => this.evaluateExpression('{{ $json }}', 0)),
			returned: attempt(() =>
				this.evaluateExpression(`{{ $('${nodeName}').all().map(i => i.json) }}`, 0),
			),
			returnedRun0: attempt(() =>
				this.evaluateExpression(`{{ $('${nodeName}').all(0, 0).map(i => i.json) }}`, 0),
			),
			returnedExecuted: attempt(() =>
				this.evaluateExpression(`{{ $('${nodeName}').isExecuted }}`, 0),
			),
			runDataLength: attempt(() =>
				this.evaluateExpression(`{{ $('${nodeName}').runs ?? 'n/a' }}`, 0),
			),
			custom: attempt(() => this.customData.getAll()),
			static: attempt(() => this.getWorkflowStaticData('node')),
			inputMark: attempt(() => this.evaluateExpression('{{ $input.all()[0].json.doneMark }}', 0)),
		};

		const report = async (extra) =>
			this.helpers.httpRequest({
				method: 'POST',
				url: `${stubUrl}/report`,
				body: {
					kind: 'webhook',
					executionId,
					index,
					pid: process.pid,
					host: os.hostname(),
					seen,
					...extra,
				},
				json: true,
			});

		const expected = token(secret, executionId, index);
		if (!Number.isInteger(index) || typeof query.t !== 'string' || query.t !== expected) {
			await report({ verdict: 'refused (bad token)' });
			res.status(401).json({ error: 'bad token' });
			return { noWebhookResponse: true };
		}

		// Job list: from the stored input (first choice) or the run data of pause time.
		const source =
			seen.input.ok && Array.isArray(seen.input.value) ? seen.input.value : seen.returned.value;
		const jobs = Array.isArray(source)
			? source.map((j) => ({ index: j.index, jobId: j.jobId }))
			: [];
		const job = jobs[index];
		if (!job || job.jobId !== body.job_id) {
			await report({ verdict: 'refused (job not in this batch)' });
			res.status(409).json({ error: 'job not in this batch' });
			return { noWebhookResponse: true };
		}

		// State written by this callback, for the next ones to find (or not).
		const writes = {
			custom: attempt(() => this.customData.set(`done${index}`, '1')),
			static: attempt(() => {
				const data = this.getWorkflowStaticData('node');
				data.batches = data.batches || {};
				const batch = (data.batches[executionId] = data.batches[executionId] || {
					jobs: [],
					done: [],
				});
				if (!batch.done.includes(index)) batch.done.push(index);
				return batch.done;
			}),
			inputMark: attempt(() =>
				this.evaluateExpression(`{{ $input.all()[0].json.doneMark = ${index} }}`, 0),
			),
		};

		const known = new Set([index]);
		const custom = seen.custom.ok ? seen.custom.value || {} : {};
		for (const key of Object.keys(custom))
			if (/^done\d+$/.test(key)) known.add(Number(key.slice(4)));
		const batch =
			seen.static.ok &&
			seen.static.value &&
			seen.static.value.batches &&
			seen.static.value.batches[executionId];
		for (const i of (batch && batch.done) || []) known.add(i);
		const stateKnew = [...known].filter((i) => i !== index).sort();

		let allDone = known.size >= jobs.length;
		const reads = [];
		if (!allDone && decide === 'active') {
			// One account read: the account's unfinished jobs. No read of any job while they render.
			const active = await this.helpers.httpRequest({ url: `${stubUrl}/active_tasks`, json: true });
			const unfinished = new Set(active.tasks.map((task) => task.job_id));
			const pending = jobs
				.filter((j) => j.index !== index && unfinished.has(j.jobId))
				.map((j) => j.index);
			reads.push({ activeTasks: active.total, pendingOfThisBatch: pending });
			allDone = pending.length === 0;
			if (allDone) {
				// The others are finished: read them for their results (reads of finished jobs only).
				for (const other of jobs) {
					if (other.index === index) continue;
					const answer = await this.helpers.httpRequest({
						url: `${stubUrl}/jobs/${other.jobId}`,
						json: true,
					});
					reads.push({ index: other.index, status: answer.status });
				}
			}
		}
		if (!allDone && decide === 'api') {
			allDone = true;
			for (const other of jobs) {
				if (known.has(other.index)) continue;
				const answer = await this.helpers.httpRequest({
					url: `${stubUrl}/jobs/${other.jobId}`,
					json: true,
				});
				reads.push({ index: other.index, status: answer.status });
				if (answer.status !== 'completed') {
					allDone = false;
					break;
				}
			}
		}

		if (!allDone) {
			await report({ verdict: 'answered without resuming', stateKnew, reads, writes });
			// No workflowData: n8n answers with webhookResponse (200) and does not resume.
			return { webhookResponse: { received: true, waitingForOthers: true } };
		}
		await report({ verdict: 'resume with all items', stateKnew, reads, writes });
		return {
			workflowData: [
				jobs.map((j) => ({
					json: { index: j.index, jobId: j.jobId, status: 'completed', resumedBy: index },
					pairedItem: { item: 0 },
				})),
			],
		};
	}
}

module.exports = { BatchPauseProbe };
