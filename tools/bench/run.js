'use strict';
// `npm run bench`: batch throughput, requests per job, download memory, resume latency and
// per-item overhead of the Legnext Video node, next to the same figures for the HTTP Request +
// Wait loop users build today, in ONE real n8n (filesystem binary mode) against ONE local
// Legnext simulator (in this process). Every figure is a ratio or a difference taken in the same
// run. Writes tools/bench/results.json and tools/bench/results.md (the table the README shows).
//
//   node tools/bench/run.js            full run (about 6 minutes once n8n is cached; needs `npm run build`)
//   node tools/bench/run.js --quick    short smoke run; writes to tools/bench/tmp/ instead
//   --only=<figure>              that figure alone (e.g. --only=batchPause), after the warm-up; to tools/bench/tmp/
//   --n8n-env=N8N_X=value        an n8n setting for this run (repeatable; N8N_ names only), e.g.
//                                N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true to see what n8n's isolates cost; to tools/bench/tmp/

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const n8n = require('../../test/n8n/n8n');
const { adaptWorkflow, CREDENTIAL_TYPE } = require('../../test/n8n/workflows');
const { createSimulator } = require('../simulator');
const wf = require('./lib/workflows');
const m = require('./lib/measure');
const report = require('./lib/report');
const { timelineSvg } = require('./lib/timeline');

const QUICK = process.argv.includes('--quick');
const ONLY = (process.argv.find((arg) => arg.startsWith('--only=')) || '').slice('--only='.length);
const N8N_SETTINGS = n8nSettings(process.argv);
const BENCH_DIR = __dirname;
const TMP_DIR = path.join(BENCH_DIR, 'tmp');
// A partial run, or one with n8n settings other than its defaults, does not overwrite the committed results.
const OUT_DIR = QUICK || ONLY || Object.keys(N8N_SETTINGS).length > 0 ? TMP_DIR : BENCH_DIR;
const SIM_KEY = 'sim-key';
const OWNER = {
	email: 'bench@example.com',
	password: 'Legnext-bench-2026',
	firstName: 'Bench',
	lastName: 'Owner',
};
const MB = 1024 * 1024;

const SETTINGS = QUICK
	? {
			jobSeconds: 1.5,
			batchItems: 12,
			batchLimit: 6,
			pollJobSeconds: 6,
			baselineWaitSeconds: 1,
			memoryVideoMB: 16,
			memoryRuns: 1,
			resumeJobSeconds: 2,
			resumeRuns: 3,
			overheadItems: 40,
			maxPollIntervalSeconds: 30,
			simConcurrency: 6,
		}
	: {
			/**
			 * Job time T of figures 1 and 2. Real jobs (1-6 min) end where the node reads every fifth of
			 * the elapsed time (up to 30 s); in its first 5 s it reads once a second, so a shorter test job
			 * would measure that floor instead. 5.5 s is past it and halfway between two reads (at 5 s and
			 * 6 s): a typical phase, neither the luckiest nor the worst.
			 */
			jobSeconds: 5.5,
			batchItems: 24,
			batchLimit: 6,
			/** A longer single job for figure 2, where the gaps have grown past a second. */
			pollJobSeconds: 20,
			/** Interval of the baseline's Wait node: the node's own first-look interval. */
			baselineWaitSeconds: 1,
			memoryVideoMB: 64,
			/** Measured runs of each download workflow (the worst is reported). */
			memoryRuns: 2,
			/** Long enough that the execution is saved as waiting before the callback comes. */
			resumeJobSeconds: 2,
			resumeRuns: 10,
			overheadItems: 200,
			/** The node's default Max Poll Interval; the bench uses the production schedule. */
			maxPollIntervalSeconds: 30,
			/** Legnext's limit for standard accounts. */
			simConcurrency: 6,
		};

const log = (message) =>
	console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
	const started = Date.now();
	const loadStart = os.loadavg()[0];
	fs.mkdirSync(TMP_DIR, { recursive: true });
	assertBuilt();
	log(`${QUICK ? 'quick' : 'full'} run; ${os.cpus().length} cores, load ${loadStart.toFixed(2)}`);

	const sim = await createSimulator({
		port: 0,
		apiKey: SIM_KEY,
		jobMs: 300,
		credits: 1e9,
		concurrency: SETTINGS.simConcurrency,
	});
	const reads = m.recordJobReads(sim.server);
	let server;
	try {
		log('starting n8n (filesystem binary mode)');
		server = await n8n.startN8n({
			logFile: path.join(TMP_DIR, 'n8n.log'),
			env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem', ...N8N_SETTINGS },
			extensionsDir: extensionsWithFloorNode(),
		});
		log(`n8n ready at ${server.url} in ${Math.round(server.startMs / 1000)} s (pid ${server.pid})`);
		const api = n8n.createClient(server.url);
		await api.setupOwner(OWNER);
		const legnext = await api.createCredential({
			name: 'Legnext (bench simulator)',
			type: CREDENTIAL_TYPE,
			data: { apiKey: SIM_KEY, baseUrl: sim.url },
		});
		const header = await api.createCredential({
			name: 'Legnext key header (bench)',
			type: 'httpHeaderAuth',
			data: { name: 'x-api-key', value: SIM_KEY },
		});
		const env = { api, sim, reads, server, legnext, baselineCredential: header };
		const results = await runFigures(env);

		results.durationSeconds = (Date.now() - started) / 1000;
		results.machine.loadAverage.start = round2(loadStart);
		results.machine.loadAverage.end = round2(os.loadavg()[0]);
		write(results);
		console.log(`\n${report.consoleTable(results)}\n`);
		log(
			`done in ${Math.round(results.durationSeconds)} s; wrote ${rel(path.join(OUT_DIR, 'results.json'))} and results.md`,
		);
		if (results.errors.length > 0) {
			console.error(
				`${results.errors.length} figure(s) could not be measured:\n${results.errors.join('\n')}`,
			);
			process.exitCode = 1;
		}
	} finally {
		if (server) await server.stop();
		await sim.close();
	}
}

async function runFigures(env) {
	const { sim } = env;
	const results = {
		generatedAt: new Date().toISOString(),
		durationSeconds: 0,
		machine: machineInfo(),
		settings: SETTINGS,
		n8nSettings: N8N_SETTINGS,
		figures: {},
		baseline: {},
		errors: [],
		notes: NOTES,
	};
	const T = SETTINGS.jobSeconds * 1000;
	const W = SETTINGS.baselineWaitSeconds;

	const figure = async (name, fn) => {
		if (ONLY && name !== ONLY && name !== 'warm-up') return;
		try {
			await fn();
		} catch (error) {
			log(`${name}: FAILED ${error.message}`);
			results.errors.push(`${name}: ${error.message}`);
		}
	};

	// Warm-up: load every node type, the task runner and the download paths once, so no figure
	// pays n8n's first-use costs (module loading, runner start).
	await figure('warm-up', async () => {
		log('warm-up');
		sim.configure({ jobMs: 300, videoBytes: 262144 });
		await Promise.all([
			runOk(
				env,
				wf.oursWorkflow({ name: 'warm ours', tag: 'warm-ours', count: 2, download: 'all' }),
			),
			runOk(
				env,
				wf.baselinePollWorkflow({
					...base(env),
					name: 'warm poll',
					tag: 'warm-base',
					waitSeconds: 0.5,
					download: 'all',
				}),
			),
			runOk(
				env,
				wf.baselineBatchWorkflow({
					...base(env),
					name: 'warm batch',
					tag: 'warm-batch',
					count: 2,
					batchSize: 2,
					waitSeconds: 0.5,
				}),
			),
		]);
	});

	// ---- 1. Batch throughput (and the reads of its jobs) ---------------------------------------
	await figure('batch', async () => {
		sim.configure({ jobMs: T });
		const { batchItems: count, batchLimit: limit } = SETTINGS;
		const floorMs = Math.ceil(count / limit) * T;

		log(`1. batch: ${count} items, job ${T} ms, limit ${limit} (node)`);
		const ours = await runOk(
			env,
			wf.oursWorkflow({ name: 'bench batch', tag: 'ours-batch', count, limit }),
		);
		const oursWall = ours.nodes['Legnext Video'].executionTime;
		const executionWall = (execution) =>
			new Date(execution.stoppedAt) - new Date(execution.startedAt);

		log(`1. batch: ${count} items, batches of ${limit} (HTTP Request + Wait ${W} s)`);
		const baseline = await runOk(
			env,
			wf.baselineBatchWorkflow({
				...base(env),
				name: 'bench batch baseline',
				tag: 'base-batch',
				count,
				batchSize: limit,
				waitSeconds: W,
			}),
			{ timeoutMs: 600000 },
		);
		const baselineWall = m.span(baseline, { exclude: ['Start', 'Items'] });

		// Both sequential runs use one Legnext slot each, so they run side by side to save time.
		log(
			`1. batch: sequential (node limit 1 and baseline batches of 1, side by side, ~${Math.round((count * (T + 600)) / 1000)} s)`,
		);
		const [oursSeq, baselineSeq] = await Promise.all([
			runOk(env, wf.oursWorkflow({ name: 'bench sequential', tag: 'ours-seq', count, limit: 1 }), {
				timeoutMs: 900000,
			}),
			runOk(
				env,
				wf.baselineBatchWorkflow({
					...base(env),
					name: 'bench sequential baseline',
					tag: 'base-seq',
					count,
					batchSize: 1,
					waitSeconds: W,
				}),
				{ timeoutMs: 900000 },
			),
		]);
		const oursSeqWall = oursSeq.nodes['Legnext Video'].executionTime;
		const baselineSeqWall = m.span(baselineSeq, { exclude: ['Start', 'Items'] });

		const jobsOf = (tag) =>
			m.analyseJobs(m.jobsTagged(sim, tag), env.reads, {
				capMs: SETTINGS.maxPollIntervalSeconds * 1000,
			});
		const batchFigures = (wall, seqWall, tag, execution) => ({
			wallMs: wall,
			executionWallMs: executionWall(execution),
			floorMs,
			wallOverFloor: m.round(wall / floorMs, 3),
			sequentialWallMs: seqWall,
			sequentialOverWall: m.round(seqWall / wall, 2),
			jobs: m.jobsTagged(sim, tag).length,
		});
		results.figures.batch = batchFigures(oursWall, oursSeqWall, 'ours-batch', ours);
		results.baseline.batch = batchFigures(baselineWall, baselineSeqWall, 'base-batch', baseline);
		const oursJobs = jobsOf('ours-batch');
		const baselineJobs = jobsOf('base-batch');
		results.figures.batchJobs = { ...m.summariseJobs(oursJobs), targetMs: T / 5, perJob: oursJobs };
		results.baseline.batchJobs = {
			...m.summariseJobs(baselineJobs),
			targetMs: T / 5,
			perJob: baselineJobs,
		};
		log(
			`   node ${ratio(oursWall / floorMs)} of the floor, baseline ${ratio(baselineWall / floorMs)}; sequential/limit: node ${ratio(oursSeqWall / oursWall)}, baseline ${ratio(baselineSeqWall / baselineWall)}`,
		);
	});

	// ---- 2. Requests per job, poll mode, one longer job ----------------------------------------
	await figure('poll', async () => {
		const T2 = SETTINGS.pollJobSeconds * 1000;
		sim.configure({ jobMs: T2 });
		log(`2. poll: one job of ${T2} ms, node and baseline side by side`);
		await Promise.all([
			runOk(env, wf.oursWorkflow({ name: 'bench poll', tag: 'ours-poll', download: 'none' })),
			runOk(
				env,
				wf.baselinePollWorkflow({
					...base(env),
					name: 'bench poll baseline',
					tag: 'base-poll',
					waitSeconds: W,
				}),
			),
		]);
		const cap = SETTINGS.maxPollIntervalSeconds * 1000;
		const ours = m.analyseJobs(m.jobsTagged(sim, 'ours-poll'), env.reads, { capMs: cap });
		const baseline = m.analyseJobs(m.jobsTagged(sim, 'base-poll'), env.reads, { capMs: cap });
		results.figures.poll = { ...m.summariseJobs(ours), targetMs: ours[0].targetMs, perJob: ours };
		results.baseline.poll = {
			...m.summariseJobs(baseline),
			targetMs: baseline[0].targetMs,
			perJob: baseline,
		};
		log(
			`   node ${ours[0].reads} reads, noticed after ${ours[0].detectionDelayMs} ms; baseline ${baseline[0].reads} reads, ${baseline[0].detectionDelayMs} ms`,
		);
	});

	// ---- 3. Download memory ------------------------------------------------------------------------
	await figure('memory', async () => {
		const videoBytes = SETTINGS.memoryVideoMB * MB;
		sim.configure({ jobMs: 1000, videoBytes });
		const oursWorkflow = (tag) =>
			wf.oursWorkflow({ name: `bench memory ${tag}`, tag, download: 'all' });
		const baselineWorkflow = (tag) =>
			wf.baselinePollWorkflow({
				...base(env),
				name: `bench memory ${tag}`,
				tag,
				waitSeconds: W,
				download: 'all',
			});
		const measure = async (label, workflow, binaryNode) => {
			await sleep(2000); // let n8n settle after the previous run
			const cdnBefore = sim.stats().cdnBytesSent;
			const sampler = await m.sampleRss(env.server.pid, { intervalMs: 50, settleMs: 1500 });
			const execution = await runOk(env, workflow);
			await sleep(500); // a last look after the end (saving the execution)
			const memory = sampler.stop();
			const files = execution.nodes[binaryNode].items.flatMap((item) =>
				Object.values(item.binary || {}),
			);
			const downloaded = sim.stats().cdnBytesSent - cdnBefore;
			const stored = files
				.map((file) => Number(file.bytes))
				.filter((bytes) => bytes === videoBytes);
			if (files.length !== 4 || stored.length !== 4 || downloaded < 4 * videoBytes) {
				throw new Error(
					`${label}: expected 4 stored files of ${videoBytes} bytes, got ${files.length} files (${stored.length} of that size), ${downloaded} bytes sent`,
				);
			}
			const run = {
				baselineRssMB: m.round(memory.baselineKb / 1024, 1),
				peakRssMB: m.round(memory.peakKb / 1024, 1),
				growthMB: m.round((memory.peakKb - memory.baselineKb) / 1024, 1),
				binaryMode: String(files[0].id || '').split(':')[0],
				wallMs: new Date(execution.stoppedAt) - new Date(execution.startedAt),
			};
			log(
				`   ${label}: RSS ${run.baselineRssMB} -> ${run.peakRssMB} MB (+${run.growthMB} MB) for ${m.round(downloaded / MB, 0)} MB`,
			);
			return { run, hwmUsed: memory.hwmUsed };
		};
		log(`3. memory: 4 x ${SETTINGS.memoryVideoMB} MB videos into filesystem binary data`);
		// The first large download in an n8n grows its heap and buffer pools once, whoever does it:
		// one unmeasured run of each at full size, then measured runs alternating.
		log('   warm-up at full size (not measured)');
		await runOk(env, oursWorkflow('ours-memwarm'));
		await runOk(env, baselineWorkflow('base-memwarm'));
		const ours = [];
		const baseline = [];
		let hwmUsed = true;
		for (let i = 0; i < SETTINGS.memoryRuns; i++) {
			const a = await measure('node', oursWorkflow(`ours-mem${i}`), 'Legnext Video');
			const b = await measure('baseline', baselineWorkflow(`base-mem${i}`), 'Download');
			ours.push(a.run);
			baseline.push(b.run);
			hwmUsed = hwmUsed && a.hwmUsed && b.hwmUsed;
		}
		const summary = (list) => ({
			videos: 4,
			videoBytes,
			/** The worst of the measured runs. */
			growthMB: Math.max(...list.map((r) => r.growthMB)),
			runs: list,
			peakFrom: hwmUsed
				? 'VmHWM (reset before each run) and 50 ms VmRSS samples'
				: '50 ms VmRSS samples',
		});
		results.figures.memory = summary(ours);
		results.baseline.memory = summary(baseline);
		sim.configure({ videoBytes: 262144 });
	});

	// ---- 4. Resume latency, pause mode (and figure 2's pause reads) ------------------------------
	await figure('resume', async () => {
		sim.configure({ jobMs: SETTINGS.resumeJobSeconds * 1000 });
		const runs = SETTINGS.resumeRuns;
		log(`4. resume: ${runs} pause-mode runs each, node and baseline alternating`);
		const statsBefore = sim.stats();
		const ours = [];
		const baseline = [];
		const one = async (tag, workflow, into) => {
			const execution = await runOk(env, workflow);
			const [job] = m.jobsTagged(sim, tag);
			const ended = Date.parse(job.meta.ended_at);
			const perJob = m.analyseJobs([job], env.reads)[0];
			into.push({
				jobId: job.job_id,
				callbackToOutputMs: m.nodeRuns(execution, { names: ['Done'] })[0].start - ended,
				callbackToStoppedMs: new Date(execution.stoppedAt).getTime() - ended,
				reads: perJob.reads,
				readsWhileRunning: perJob.readsWhileRunning,
				/** Our node confirms the callback with one API read: when it arrived, from the job's end. */
				confirmReadMs: perJob.detectionDelayMs,
			});
		};
		for (let i = 0; i < runs; i++) {
			await one(
				`ours-pause${i}`,
				wf.oursWorkflow({
					name: `bench pause ${i}`,
					tag: `ours-pause${i}`,
					download: 'none',
					pause: true,
				}),
				ours,
			);
			await one(
				`base-pause${i}`,
				wf.baselinePauseWorkflow({
					...base(env),
					name: `bench pause baseline ${i}`,
					tag: `base-pause${i}`,
				}),
				baseline,
			);
		}
		const statsAfter = sim.stats();
		const summary = (list) => ({
			runs: list.length,
			medianMs: m.median(list.map((r) => r.callbackToOutputMs)),
			minMs: Math.min(...list.map((r) => r.callbackToOutputMs)),
			maxMs: Math.max(...list.map((r) => r.callbackToOutputMs)),
			medianToStoppedMs: m.median(list.map((r) => r.callbackToStoppedMs)),
			medianConfirmReadMs: list.every((r) => r.confirmReadMs !== null)
				? m.median(list.map((r) => r.confirmReadMs))
				: null,
			perRun: list,
		});
		results.figures.resume = summary(ours);
		results.baseline.resume = summary(baseline);
		const pauseReads = (list) => ({
			jobs: list.length,
			readsWhileRunning: list.reduce((sum, r) => sum + r.readsWhileRunning, 0),
			readsAfterEnd: list.reduce((sum, r) => sum + r.reads - r.readsWhileRunning, 0),
		});
		results.figures.pause = {
			...pauseReads(ours),
			simulatorReadsWhileRunningDelta: statsAfter.readsWhileRunning - statsBefore.readsWhileRunning,
			callbacksSent: statsAfter.callbacksSent - statsBefore.callbacksSent,
		};
		results.baseline.pause = pauseReads(baseline);
		log(
			`   median callback -> output: node ${results.figures.resume.medianMs} ms, baseline ${results.baseline.resume.medianMs} ms`,
		);
	});

	// ---- 5. Overhead per item ----------------------------------------------------------------------
	await figure('overhead', async () => {
		sim.configure({ jobMs: 0 });
		const count = SETTINGS.overheadItems;
		log(`5. overhead: ${count} items, jobs finished at submit`);
		const ours = await runOk(
			env,
			wf.oursWorkflow({ name: 'bench overhead', tag: 'ours-over', count, download: 'none' }),
		);
		const baseline = await runOk(
			env,
			wf.baselineOverheadWorkflow({
				...base(env),
				name: 'bench overhead baseline',
				tag: 'base-over',
				count,
			}),
		);
		const oursMs = ours.nodes['Legnext Video'].executionTime;
		const baselineMs = m.busyTime(baseline, { names: ['Submit', 'Get Job', 'All Done?'] });
		results.figures.overhead = {
			items: count,
			nodeTimeMs: oursMs,
			msPerItem: m.round(oursMs / count, 2),
			concurrency: 'Max Concurrent Jobs 6 (default)',
		};
		results.baseline.overhead = {
			items: count,
			nodeTimeMs: baselineMs,
			msPerItem: m.round(baselineMs / count, 2),
			concurrency: 'all items at once (HTTP Request default)',
		};
		log(
			`   node ${results.figures.overhead.msPerItem} ms/item, baseline ${results.baseline.overhead.msPerItem} ms/item`,
		);
	});

	// ---- 6. A batch of 6 in pause mode beside poll mode (and the SVG timeline) --------------------
	await figure('batchPause', async () => {
		sim.configure({ jobMs: T });
		const count = SETTINGS.batchLimit;
		const runs = [
			['Legnext Video, Wait Strategy: Poll', 'ours-b6poll', { pause: false }],
			['Legnext Video, Wait Strategy: Pause Until Callback', 'ours-b6pause', { pause: true }],
		];
		const panels = [];
		for (const [title, tag, options] of runs) {
			log(`6. batch of ${count}, job ${T} ms: ${title}`);
			const callbacksBefore = sim.stats();
			const execution = await runOk(
				env,
				wf.oursWorkflow({ name: `bench ${tag}`, tag, count, download: 'one', ...options }),
			);
			const panel = batchPanel(sim, env, execution, title, tag);
			if (options.pause) {
				// What n8n answered the six callbacks (they all end together: one resumes, the others meet it).
				await sim.waitForCallbacks();
				panel.summary.callbacks = callbackAnswers(callbacksBefore, sim.stats());
			}
			panels.push(panel);
		}
		log(`6. batch of ${count}: HTTP Request + Wait ${W} s loop`);
		const baseline = await runOk(
			env,
			wf.baselineBatchWorkflow({
				...base(env),
				name: 'bench b6 baseline',
				tag: 'base-b6',
				count,
				batchSize: count,
				waitSeconds: W,
			}),
		);
		panels.push(batchPanel(sim, env, baseline, `HTTP Request + Wait ${W} s loop`, 'base-b6'));
		log(
			`6. batch of ${count}: n8n's own floor (Submit, then a bench node that only waits and resumes)`,
		);
		const control = await runOk(
			env,
			wf.floorBatchPauseWorkflow({
				...base(env),
				simKey: SIM_KEY,
				name: 'bench b6 n8n floor',
				tag: 'floor-b6',
				count,
			}),
		);
		const floor = batchPanel(sim, env, control, "n8n's floor", 'floor-b6').summary;
		const [poll, pause, loop] = panels.map((panel) => panel.summary);
		results.figures.batchPause = { floorMs: T, poll, pause, n8nFloor: floor };
		results.baseline.batchPause = { floorMs: T, loop };
		fs.mkdirSync(OUT_DIR, { recursive: true });
		fs.writeFileSync(path.join(OUT_DIR, 'batch-timeline.svg'), timelineSvg(panels));
		log(
			`   wall / floor: poll ${poll.wallPerFloor}x, pause ${pause.wallPerFloor}x, loop ${loop.wallPerFloor}x, n8n's floor ${floor.wallPerFloor}x; reads while rendering: poll ${poll.readsWhileRunning}, pause ${pause.readsWhileRunning}, loop ${loop.readsWhileRunning}`,
		);
		log(
			`   pause callbacks: ${pause.callbacks.answered2xx} answered 2xx; others: ${pause.callbacks.failed.join(', ') || 'none'}; last end -> output ${pause.lastEndToOutputMs} ms`,
		);
	});

	results.simulator = {
		requests: sim.stats().requests,
		jobsCreated: sim.stats().jobsCreated,
		maxJobsInFlight: sim.stats().maxJobsInFlight,
	};
	return results;
}

const NOTES = [
	'One n8n 2.41.1 (filesystem binary data mode) and one simulator serve every run; node and baseline workflows alternate in it.',
	'Production settings of the node: poll schedule (first read after 1 s, then a fifth of the elapsed time, at most 30 s), Max Concurrent Jobs 6, Timeout 20 min.',
	'Baseline = HTTP Request (header auth) submit, Wait node, HTTP Request job read, IF "all finished?" looping back to Wait, HTTP Request download (response format File); batches through Loop Over Items of 6 (Legnext runs 6 jobs at once).',
	"Figure 1 wall: the Legnext Video node's execution time; baseline: first start to last end of the loop's nodes. Floor = ceil(items / 6) x job time. Both depend on where a job's end falls between two reads; the baseline's 1-s loop drifts by its own overhead each round, so its phase (and figure) moves from run to run.",
	"Figure 2: reads are timed at the simulator's socket; the delay is from the job's end (meta.ended_at) to the first read after it.",
	'Figure 3: resident memory (VmRSS/VmHWM) of the main n8n process, which runs the nodes; growth = peak during the run minus the idle median before it. One unmeasured run of each workflow at full size first (an n8n grows its heap once on its first large download, whoever makes it), then measured runs alternating; the worst is reported. The HTTP Request node (4.2) also streams file responses in n8n 2.41.',
	"Figure 4: from the simulator sending the callback (the job's ended_at; it sends in the same tick) to the start of the node after the waiting one. Our node checks the callback token and confirms the job with one API read before resuming; the baseline Wait node accepts any POST to the resume URL.",
	'Figure 5: node execution time / items. Baseline: Submit + Get Job + IF node times (its Wait is left out).',
	"Figure 6: a batch of 6 (Legnext runs 6 at once), so the floor is one job time; wall = first submit to the output reaching the next node; reads timed at the simulator socket. tools/bench/batch-timeline.svg draws the three runs. n8n's floor: the same six jobs submitted by an HTTP Request node with the resume URL, then a bench-only node (tools/bench/floor-node) that waits and resumes on the first callback that finds no job active (one read, no credential, no checks, no downloads): what n8n itself costs when six callbacks of one waiting execution arrive together.",
];

/**
 * One batch run as a timeline panel and its figures. Wall: first submit to the output reaching Done
 * (the node after the batch); floor: one job time (6 jobs run at once).
 */
function batchPanel(sim, env, execution, title, tag) {
	const jobs = m.jobsTagged(sim, tag);
	const output = Math.min(...m.nodeRuns(execution, { names: ['Done'] }).map((r) => r.start));
	const perJob = m.analyseJobs(jobs, env.reads);
	const rows = jobs.map((job, n) => {
		const submitted = Date.parse(job.meta.created_at);
		const ended = Date.parse(job.meta.ended_at);
		return {
			submitted,
			started: Date.parse(job.meta.started_at) || submitted,
			ended,
			noticed: perJob[n].detectionDelayMs === null ? null : ended + perJob[n].detectionDelayMs,
			output,
			reads: env.reads.readsOf(job.job_id),
		};
	});
	const firstSubmit = Math.min(...rows.map((r) => r.submitted));
	const floorMs = SETTINGS.jobSeconds * 1000;
	return {
		title,
		jobs: rows,
		summary: {
			jobs: rows.length,
			wallMs: output - firstSubmit,
			wallPerFloor: round2((output - firstSubmit) / floorMs),
			readsWhileRunning: perJob.reduce((sum, j) => sum + j.readsWhileRunning, 0),
			reads: perJob.reduce((sum, j) => sum + j.reads, 0),
			lastEndToOutputMs: output - Math.max(...rows.map((r) => r.ended)),
		},
	};
}

/** Callbacks the simulator sent between two stats: answered 2xx, and why the others failed (URLs left out). */
function callbackAnswers(before, after) {
	const failed = after.callbacksFailed - before.callbacksFailed;
	return {
		answered2xx: after.callbacksSent - before.callbacksSent,
		failed:
			failed > 0
				? after.callbackErrors.slice(-failed).map((e) => e.slice(e.lastIndexOf(': ') + 2))
				: [],
	};
}

// ---------------------------------------------------------------------------------------------

/** `--n8n-env=N8N_X=value` arguments as an environment object. */
function n8nSettings(argv) {
	const settings = {};
	for (const arg of argv.filter((a) => a.startsWith('--n8n-env='))) {
		const match = /^--n8n-env=(N8N_[A-Z0-9_]+)=(.*)$/.exec(arg);
		if (!match) throw new Error(`${arg}: expected --n8n-env=N8N_NAME=value`);
		settings[match[1]] = match[2];
	}
	return settings;
}

/**
 * dist/ and figure 6's control node (n8n's own floor) in one folder under tmp/, loaded as n8n's custom
 * extensions: n8n keeps one loader per package name, and every custom folder is named CUSTOM, so two folders
 * in N8N_CUSTOM_EXTENSIONS would leave only the last one's nodes.
 */
function extensionsWithFloorNode() {
	const dir = path.join(TMP_DIR, 'extensions');
	fs.rmSync(dir, { recursive: true, force: true });
	fs.cpSync(path.join(n8n.REPO_ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
	fs.cpSync(path.join(BENCH_DIR, 'floor-node'), path.join(dir, 'floor-node'), { recursive: true });
	return dir;
}

function base(env) {
	return { simUrl: env.sim.url, credential: env.baselineCredential };
}

/** Creates the workflow, runs it (manual run), waits for it to end; throws unless it succeeded. */
async function runOk(env, workflow, { timeoutMs = 300000 } = {}) {
	const prepared = adaptWorkflow(workflow, { credential: env.legnext });
	const created = await env.api.createWorkflow(prepared);
	const { executionId } = await env.api.runWorkflow(created.id);
	if (!executionId) throw new Error(`${workflow.name}: the run did not start`);
	const execution = await env.api.waitForExecution(executionId, { timeoutMs, intervalMs: 250 });
	if (execution.status !== 'success') {
		const failed = Object.entries(execution.nodes).find(([, node]) => node.error);
		const message =
			(execution.error && execution.error.message) ||
			(failed && `${failed[0]}: ${failed[1].error.message}`);
		throw new Error(`${workflow.name}: execution ${executionId} ${execution.status}: ${message}`);
	}
	return execution;
}

function machineInfo() {
	let n8nNodeVersion = 'unknown';
	try {
		n8nNodeVersion = execFileSync(n8n.paths.node24, ['--version'], { encoding: 'utf8' })
			.trim()
			.replace(/^v/, '');
	} catch {
		// reported as unknown
	}
	return {
		cores: os.cpus().length,
		cpuModel: (os.cpus()[0] && os.cpus()[0].model.trim()) || 'unknown',
		memoryGB: m.round(os.totalmem() / 1024 ** 3, 1),
		platform: `${os.platform()} ${os.release()}`,
		nodeVersion: process.version.replace(/^v/, ''),
		n8nNodeVersion,
		n8nVersion: n8n.N8N_VERSION,
		loadAverage: { start: null, end: null },
	};
}

function write(results) {
	fs.mkdirSync(OUT_DIR, { recursive: true });
	fs.writeFileSync(path.join(OUT_DIR, 'results.json'), `${JSON.stringify(results, null, '\t')}\n`);
	fs.writeFileSync(path.join(OUT_DIR, 'results.md'), report.markdown(results));
}

function assertBuilt() {
	const manifest = require('../../package.json');
	const node = path.join(n8n.REPO_ROOT, manifest.n8n.nodes[0]);
	if (!fs.existsSync(node))
		throw new Error(`${node} is missing: run \`npm run build\` first (npm run bench does)`);
}

const round2 = (v) => Math.round(v * 100) / 100;
const ratio = (v) => `${v.toFixed(2)}x`;
const rel = (p) => path.relative(process.cwd(), p) || p;

if (require.main === module) {
	main().catch((error) => {
		console.error(error && error.stack ? error.stack : error);
		process.exitCode = 1;
	});
}

module.exports = { runOk, base, SIM_KEY, OWNER };
