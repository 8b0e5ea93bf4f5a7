'use strict';
// The results table: figure, our node, the HTTP Request + Wait baseline, target, verdict.
// The same rows feed the console output and tools/bench/results.md.

const fmt = {
	ratio: (v) => (v == null ? 'n/a' : `${v.toFixed(2)}x`),
	ms: (v) =>
		v == null ? 'n/a' : v >= 10000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`,
	ms1: (v) => (v == null ? 'n/a' : `${v.toFixed(1)} ms`),
	mb: (v) => (v == null ? 'n/a' : `${v.toFixed(1)} MB`),
	count: (v) => (v == null ? 'n/a' : String(v)),
};

/** Rows { figure, ours, baseline, target, pass } from results.figures / results.baseline. */
function rows(results) {
	const { settings: s, figures: f, baseline: b } = results;
	const out = [];
	const add = (figure, ours, baseline, target, pass) =>
		out.push({ figure, ours, baseline, target, pass: pass === undefined ? null : pass });
	const get = (object, path) => path.split('.').reduce((o, k) => (o == null ? o : o[k]), object);

	const T = `${s.jobSeconds} s`;
	add(
		`1. Batch: ${s.batchItems} items, job ${T}, limit ${s.batchLimit}: wall / floor (${fmt.ms(get(f, 'batch.floorMs'))})`,
		fmt.ratio(get(f, 'batch.wallOverFloor')),
		fmt.ratio(get(b, 'batch.wallOverFloor')),
		'<= 1.20x',
		get(f, 'batch.wallOverFloor') != null ? get(f, 'batch.wallOverFloor') <= 1.2 : false,
	);
	add(
		`1. Batch: sequential wall / wall (limit 1, resp. batches of 1)`,
		fmt.ratio(get(f, 'batch.sequentialOverWall')),
		fmt.ratio(get(b, 'batch.sequentialOverWall')),
		`report (${s.batchLimit}x = ideal)`,
	);
	add(
		`2. Poll, job of ${s.pollJobSeconds} s: job reads per job`,
		fmt.count(get(f, 'poll.readsPerJob')),
		fmt.count(get(b, 'poll.readsPerJob')),
		'report',
	);
	const pollTarget = get(f, 'poll.targetMs');
	add(
		`2. Poll, job of ${s.pollJobSeconds} s: job end -> node notices`,
		fmt.ms(get(f, 'poll.detectionDelayMsMax')),
		fmt.ms(get(b, 'poll.detectionDelayMsMax')),
		`<= ${fmt.ms(pollTarget)} (1/5 of elapsed, cap ${s.maxPollIntervalSeconds} s)`,
		get(f, 'poll.detectionDelayMsMax') != null && get(f, 'poll.detectionDelayMsMax') <= pollTarget,
	);
	add(
		`2. Poll, the ${s.batchItems} batch jobs of ${T}: reads per job; jobs noticed within 1/5 of elapsed`,
		`${fmt.count(get(f, 'batchJobs.readsPerJob'))}; ${get(f, 'batchJobs.withinTarget')}/${get(f, 'batchJobs.jobs')} (worst ${fmt.ms(get(f, 'batchJobs.detectionDelayMsMax'))})`,
		`${fmt.count(get(b, 'batchJobs.readsPerJob'))}; ${get(b, 'batchJobs.withinTarget')}/${get(b, 'batchJobs.jobs')} (worst ${fmt.ms(get(b, 'batchJobs.detectionDelayMsMax'))})`,
		`all within ${fmt.ms(get(f, 'batchJobs.targetMs'))}`,
		get(f, 'batchJobs.jobs') > 0 && get(f, 'batchJobs.withinTarget') === get(f, 'batchJobs.jobs'),
	);
	add(
		`2. Pause mode: job reads while running (${s.resumeRuns} jobs)`,
		fmt.count(get(f, 'pause.readsWhileRunning')),
		fmt.count(get(b, 'pause.readsWhileRunning')),
		'0',
		get(f, 'pause.readsWhileRunning') === 0,
	);
	add(
		`3. Download 4 x ${s.memoryVideoMB} MB (filesystem mode): n8n RSS growth`,
		fmt.mb(get(f, 'memory.growthMB')),
		fmt.mb(get(b, 'memory.growthMB')),
		`< ${s.memoryVideoMB} MB`,
		get(f, 'memory.growthMB') != null && get(f, 'memory.growthMB') < s.memoryVideoMB,
	);
	add(
		`4. Pause: callback sent -> node output, median of ${s.resumeRuns}`,
		fmt.ms(get(f, 'resume.medianMs')),
		fmt.ms(get(b, 'resume.medianMs')),
		'<= 150 ms',
		get(f, 'resume.medianMs') != null && get(f, 'resume.medianMs') <= 150,
	);
	add(
		`5. Overhead: ${s.overheadItems} items, job done at once: node time per item`,
		fmt.ms1(get(f, 'overhead.msPerItem')),
		fmt.ms1(get(b, 'overhead.msPerItem')),
		'report',
	);
	add(
		'6. Batch of 6 in pause mode: wall / floor (one job time)',
		fmt.ratio(get(f, 'batchPause.pause.wallPerFloor')),
		fmt.ratio(get(b, 'batchPause.loop.wallPerFloor')),
		'<= 1.05x',
		get(f, 'batchPause.pause.wallPerFloor') != null &&
			get(f, 'batchPause.pause.wallPerFloor') <= 1.05,
	);
	add(
		"6. Batch of 6, n8n's own floor (a control node that only waits and resumes): wall / floor; last end -> next node",
		`${fmt.ratio(get(f, 'batchPause.n8nFloor.wallPerFloor'))}; ${fmt.ms(get(f, 'batchPause.n8nFloor.lastEndToOutputMs'))}`,
		'',
		'report',
	);
	add(
		'6. Batch of 6, poll mode: wall / floor',
		fmt.ratio(get(f, 'batchPause.poll.wallPerFloor')),
		fmt.ratio(get(b, 'batchPause.loop.wallPerFloor')),
		'report',
	);
	add(
		'6. Batch of 6: job reads while rendering (pause; poll)',
		`${fmt.count(get(f, 'batchPause.pause.readsWhileRunning'))}; ${fmt.count(get(f, 'batchPause.poll.readsWhileRunning'))}`,
		fmt.count(get(b, 'batchPause.loop.readsWhileRunning')),
		'0 (pause)',
		get(f, 'batchPause.pause.readsWhileRunning') === 0,
	);
	return out;
}

const verdict = (pass) => (pass === null ? '' : pass ? 'pass' : 'MISS');

function markdown(results) {
	const lines = [
		'| Figure | Legnext Video node | HTTP Request + Wait loop | Target | Result |',
		'|---|---|---|---|---|',
	];
	for (const row of rows(results)) {
		lines.push(
			`| ${row.figure} | ${row.ours} | ${row.baseline} | ${row.target} | ${verdict(row.pass)} |`,
		);
	}
	const m = results.machine;
	lines.push(
		'',
		`Measured ${results.generatedAt.slice(0, 10)} on ${m.cores} cores (${m.cpuModel}), load ${m.loadAverage.start} -> ${m.loadAverage.end}; ` +
			`n8n ${m.n8nVersion} on Node ${m.n8nNodeVersion}, bench on Node ${m.nodeVersion}; run took ${Math.round(results.durationSeconds)} s. ` +
			`Baseline Wait: ${results.settings.baselineWaitSeconds} s.` +
			Object.entries(results.n8nSettings ?? {})
				.map(([name, value]) => ` n8n setting: ${name}=${value}.`)
				.join(''),
	);
	return `${lines.join('\n')}\n`;
}

function consoleTable(results) {
	const table = rows(results).map((row) => [
		row.figure,
		row.ours,
		row.baseline,
		row.target,
		verdict(row.pass),
	]);
	const header = ['Figure', 'Legnext Video', 'HTTP+Wait', 'Target', ''];
	const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
	const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
	return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...table.map(line)].join('\n');
}

module.exports = { rows, markdown, consoleTable };
