'use strict';
// Loopback stub of a job API for the batch-pause probe: jobs are submitted with a callback URL,
// finished by the probe script, read by the node (each read counted, with the job's status at the
// time), listed while unfinished by GET /active_tasks (as Legnext's /api/account/active_tasks),
// and the probe node reports what it saw to POST /report.

const http = require('node:http');
const crypto = require('node:crypto');

async function startStub() {
	const jobs = new Map();
	const reports = [];
	let reads = [];
	let activeReads = 0;

	const server = http.createServer((req, res) => {
		let raw = '';
		req.on('data', (chunk) => (raw += chunk));
		req.on('end', () => {
			const body = raw ? JSON.parse(raw) : {};
			const send = (status, value) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(value));
			};
			if (req.method === 'POST' && req.url === '/jobs') {
				const jobId = `job-${body.executionId}-${body.index}-${crypto.randomBytes(3).toString('hex')}`;
				jobs.set(jobId, { jobId, status: 'running', ...body });
				return send(200, { jobId });
			}
			const read = req.method === 'GET' && req.url.match(/^\/jobs\/([^/?]+)/);
			if (read) {
				const job = jobs.get(decodeURIComponent(read[1]));
				if (!job) return send(404, { error: 'no such job' });
				reads.push({ jobId: job.jobId, status: job.status });
				return send(200, { jobId: job.jobId, status: job.status });
			}
			if (req.method === 'GET' && req.url === '/active_tasks') {
				activeReads++;
				const tasks = [...jobs.values()]
					.filter((job) => job.status !== 'completed')
					.map((job) => ({ job_id: job.jobId }));
				return send(200, { tasks, total: tasks.length });
			}
			if (req.method === 'POST' && req.url === '/report') {
				reports.push({ ...body, executionId: String(body.executionId), at: Date.now() });
				return send(200, { ok: true });
			}
			return send(404, { error: 'unknown route' });
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${server.address().port}`;

	async function post(target, body) {
		const response = await fetch(target, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		return { status: response.status, body: await response.text() };
	}

	return {
		url,
		reports,
		job: (jobId) => jobs.get(jobId),
		jobsOf: (executionId) =>
			[...jobs.values()]
				.filter((job) => String(job.executionId) === String(executionId))
				.sort((a, b) => a.index - b.index),
		finish(jobId) {
			jobs.get(jobId).status = 'completed';
		},
		/** The job's callback, as the API would send it. */
		callback(jobId) {
			const job = jobs.get(jobId);
			return post(job.callback, { job_id: jobId, status: job.status });
		},
		post,
		resetCounters() {
			reads = [];
			activeReads = 0;
		},
		readStats() {
			const unfinished = reads.filter((r) => r.status !== 'completed').length;
			return {
				jobReads: reads.length,
				ofUnfinishedJobs: unfinished,
				ofFinishedJobs: reads.length - unfinished,
				activeTaskListReads: activeReads,
			};
		},
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

module.exports = { startStub };
