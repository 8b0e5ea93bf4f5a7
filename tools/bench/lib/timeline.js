'use strict';
// The SVG timeline of the batch runs (figure 6), drawn here with no dependency: one row per job
// (submitted -> rendering -> noticed -> output), each job read as a tick, one panel per run.

const ROW = 14;
const LABEL = 150;
const WIDTH = 900;
const PANEL_GAP = 34;
const COLORS = { queued: '#d9d9d9', rendering: '#7aa6d8', waiting: '#f2c66d', read: '#c0392b' };

const escape = (text) =>
	String(text).replace(
		/[&<>"]/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c],
	);

/**
 * `panels`: [{ title, jobs: [{ submitted, started, ended, noticed, output, reads: [ms...] }] }], times
 * in epoch ms; each panel's time starts at its first submit. Returns the SVG text.
 */
function timelineSvg(panels) {
	const spanOf = (panel) =>
		Math.max(...panel.jobs.map((j) => Math.max(j.output, j.noticed ?? 0, j.ended, ...j.reads))) -
		Math.min(...panel.jobs.map((j) => j.submitted));
	const spanMs = Math.max(...panels.map(spanOf), 1);
	const plotWidth = WIDTH - LABEL - 20;
	const x = (ms) => LABEL + (ms / spanMs) * plotWidth;
	const parts = [];
	let y = 40;
	for (const panel of panels) {
		const t0 = Math.min(...panel.jobs.map((j) => j.submitted));
		parts.push(`<text x="10" y="${y}" font-weight="bold">${escape(panel.title)}</text>`);
		y += 8;
		panel.jobs.forEach((job, n) => {
			const top = y + n * ROW;
			const bar = (from, to, color) =>
				to > from
					? `<rect x="${x(from - t0).toFixed(1)}" y="${top}" width="${(x(to - t0) - x(from - t0)).toFixed(1)}" height="${ROW - 4}" fill="${color}"/>`
					: '';
			parts.push(`<text x="10" y="${top + ROW - 5}" font-size="11">job ${n + 1}</text>`);
			parts.push(bar(job.submitted, job.started, COLORS.queued));
			parts.push(bar(job.started, job.ended, COLORS.rendering));
			parts.push(bar(job.ended, job.output, COLORS.waiting));
			if (job.noticed !== null) {
				parts.push(
					`<circle cx="${x(job.noticed - t0).toFixed(1)}" cy="${top + (ROW - 4) / 2}" r="3" fill="#222"/>`,
				);
			}
			for (const read of job.reads) {
				const rx = x(read - t0).toFixed(1);
				parts.push(
					`<line x1="${rx}" x2="${rx}" y1="${top - 1}" y2="${top + ROW - 3}" stroke="${COLORS.read}" stroke-width="1.5"/>`,
				);
			}
		});
		y += panel.jobs.length * ROW + PANEL_GAP;
	}
	// Time axis, in seconds from each panel's first submit.
	const axisY = y - PANEL_GAP + 10;
	const step = spanMs > 20000 ? 5000 : spanMs > 8000 ? 2000 : 1000;
	for (let ms = 0; ms <= spanMs; ms += step) {
		parts.push(
			`<text x="${x(ms).toFixed(1)}" y="${axisY + 4}" font-size="10" text-anchor="middle">${ms / 1000} s</text>`,
		);
	}
	const legendY = axisY + 22;
	const legend = [
		[COLORS.queued, 'submitted, waiting for a Legnext slot'],
		[COLORS.rendering, 'rendering'],
		[COLORS.waiting, 'finished -> output reached the next node'],
	];
	legend.forEach(([color, text], i) => {
		parts.push(
			`<rect x="${10 + i * 260}" y="${legendY - 9}" width="12" height="10" fill="${color}"/>`,
		);
		parts.push(`<text x="${26 + i * 260}" y="${legendY}" font-size="11">${escape(text)}</text>`);
	});
	parts.push(
		`<line x1="790" x2="790" y1="${legendY - 10}" y2="${legendY + 1}" stroke="${COLORS.read}" stroke-width="1.5"/>`,
	);
	parts.push(`<text x="796" y="${legendY}" font-size="11">job read</text>`);
	parts.push(`<circle cx="10" cy="${legendY + 14}" r="3" fill="#222"/>`);
	parts.push(
		`<text x="18" y="${legendY + 18}" font-size="11">noticed (first read after the job ended)</text>`,
	);
	const height = legendY + 30;
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="#fff"/>\n<text x="10" y="18" font-size="14">Batch of 6 jobs: one row per job, time from the first submit</text>\n${parts.filter(Boolean).join('\n')}\n</svg>\n`;
}

module.exports = { timelineSvg };
