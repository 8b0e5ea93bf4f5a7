'use strict';
// Measuring helpers: a log of job reads taken at the simulator's socket, per-job read counts and
// detection delays, resident memory of the n8n process, and timings read from n8n executions.

const fs = require('node:fs');

const JOB_READ = /^\/api\/v1\/job\/([^/?#]+)/;

/**
 * Records the arrival time of every `GET /api/v1/job/:id` at the simulator's HTTP server (in this
 * process), before the simulator handles it. Returns { readsOf(jobId) -> [ms...] }.
 */
function recordJobReads(server) {
	const reads = new Map();
	server.prependListener('request', (req) => {
		if (req.method !== 'GET') return;
		const match = JOB_READ.exec(req.url || '');
		if (!match) return;
		const id = decodeURIComponent(match[1]);
		if (!reads.has(id)) reads.set(id, []);
		reads.get(id).push(Date.now());
	});
	return { readsOf: (jobId) => reads.get(jobId) || [] };
}

/** Jobs of the simulator whose prompt carries ` <tag> item `, oldest first. */
function jobsTagged(sim, tag) {
	const marker = ` ${tag} item `;
	return sim
		.jobs()
		.filter((job) => String((job.input && job.input.prompt) || '').includes(marker))
		.sort((a, b) => Date.parse(a.meta.created_at) - Date.parse(b.meta.created_at));
}

/**
 * Per job: reads in all, reads while it ran, and when the first read after its end came.
 * `elapsed` is the job's own run time (created to ended); the target for the delay is a fifth of
 * it, capped at the poll interval cap.
 */
function analyseJobs(jobs, readLog, { capMs = 30000 } = {}) {
	return jobs.map((job) => {
		const created = Date.parse(job.meta.created_at);
		const ended = Date.parse(job.meta.ended_at);
		const reads = readLog.readsOf(job.job_id);
		const after = reads.find((t) => t >= ended);
		const elapsed = ended - created;
		return {
			jobId: job.job_id,
			status: job.status,
			elapsedMs: elapsed,
			reads: reads.length,
			readsWhileRunning: reads.filter((t) => t < ended).length,
			detectionDelayMs: after === undefined ? null : after - ended,
			targetMs: Math.min(elapsed / 5, capMs),
			/** When each read came, from the job's creation. */
			readsAtMs: reads.map((t) => t - created),
		};
	});
}

function summariseJobs(perJob) {
	const delays = perJob.map((j) => j.detectionDelayMs).filter((d) => d !== null);
	return {
		jobs: perJob.length,
		readsPerJob: round(mean(perJob.map((j) => j.reads)), 2),
		readsPerJobMax: Math.max(...perJob.map((j) => j.reads)),
		readsWhileRunning: perJob.reduce((sum, j) => sum + j.readsWhileRunning, 0),
		jobTimeMs: Math.round(mean(perJob.map((j) => j.elapsedMs))),
		detectionDelayMsMedian: delays.length ? Math.round(median(delays)) : null,
		detectionDelayMsMax: delays.length ? Math.max(...delays) : null,
		/** Worst delay as a share of the job's own run time. */
		detectionDelayShareMax: delays.length
			? round(
					Math.max(
						...perJob
							.filter((j) => j.detectionDelayMs !== null)
							.map((j) => j.detectionDelayMs / j.elapsedMs),
					),
					3,
				)
			: null,
		withinTarget: perJob.filter(
			(j) => j.detectionDelayMs !== null && j.detectionDelayMs <= j.targetMs,
		).length,
	};
}

// ---------------------------------------------------------------------------------------------
// Memory

function readStatusKb(pid) {
	const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const field = (name) => {
		const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
		return match ? Number(match[1]) : null;
	};
	return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/** Resets the kernel's peak-RSS mark (VmHWM) of `pid`; false where that is not allowed. */
function resetPeak(pid) {
	try {
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
		return true;
	} catch {
		return false;
	}
}

/**
 * Samples VmRSS of `pid` every `intervalMs`. stop() returns { baselineKb, peakKb, samples } where the
 * peak is the higher of the sampled maximum and the kernel's VmHWM (reset at start when allowed).
 */
async function sampleRss(pid, { intervalMs = 50, settleMs = 1000 } = {}) {
	// Baseline: the median over `settleMs` of an idle n8n.
	const idle = [];
	const until = Date.now() + settleMs;
	while (Date.now() < until) {
		idle.push(readStatusKb(pid).rss);
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
	const baselineKb = median(idle);
	const hwmReset = resetPeak(pid);
	const samples = [];
	const timer = setInterval(() => {
		try {
			samples.push({ t: Date.now(), kb: readStatusKb(pid).rss });
		} catch {
			// process gone
		}
	}, intervalMs);
	return {
		baselineKb,
		stop() {
			clearInterval(timer);
			const { hwm } = readStatusKb(pid);
			const sampledPeak = Math.max(...samples.map((s) => s.kb));
			const peakKb = hwmReset ? Math.max(hwm, sampledPeak) : sampledPeak;
			return {
				baselineKb,
				peakKb,
				sampledPeakKb: sampledPeak,
				hwmUsed: hwmReset,
				samples: samples.length,
			};
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Executions

/** Every run of the named nodes (or of all nodes but `exclude`) as { name, start, end }. */
function nodeRuns(execution, { names, exclude = [] } = {}) {
	const runs = [];
	for (const [name, node] of Object.entries(execution.nodes)) {
		if (names && !names.includes(name)) continue;
		if (exclude.includes(name)) continue;
		for (const run of node.runs) {
			runs.push({ name, start: run.startTime, end: run.startTime + (run.executionTime || 0) });
		}
	}
	return runs;
}

/** From the first start to the last end of the selected node runs, in ms. */
function span(execution, selection) {
	const runs = nodeRuns(execution, selection);
	return Math.max(...runs.map((r) => r.end)) - Math.min(...runs.map((r) => r.start));
}

/** Sum of executionTime over the selected node runs, in ms. */
function busyTime(execution, selection) {
	return nodeRuns(execution, selection).reduce((sum, r) => sum + (r.end - r.start), 0);
}

/** End of the last run of a node (when its output was available), epoch ms. */
function nodeOutputAt(execution, name) {
	const runs = nodeRuns(execution, { names: [name] });
	return Math.max(...runs.map((r) => r.end));
}

// ---------------------------------------------------------------------------------------------

function mean(values) {
	return values.reduce((a, b) => a + b, 0) / values.length;
}

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(value, digits = 2) {
	const factor = 10 ** digits;
	return Math.round(value * factor) / factor;
}

module.exports = {
	recordJobReads,
	jobsTagged,
	analyseJobs,
	summariseJobs,
	sampleRss,
	readStatusKb,
	nodeRuns,
	span,
	busyTime,
	nodeOutputAt,
	mean,
	median,
	round,
};
