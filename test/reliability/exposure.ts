/**
 * The secrets check every reliability test file shares: each run result, webhook answer, output item
 * and error goes through `watch`, and at the end of the file the harness log is searched too.
 * The sentinel API key (a fresh random value per file) must appear in none of them.
 */
import { everythingVisible, SENTINEL_KEY } from '../helpers/legnext';
import { harnessLog } from '../helpers/workflow/n8n-runtime';

let scanned = 0;
let leaks = 0;

/** Checks one thing a user could see (a run result, a webhook result, items) for the key, and returns it. */
export function watch<T>(value: T): T {
	const text = everythingVisible(value);
	scanned++;
	if (text.includes(SENTINEL_KEY)) leaks++;
	expect(text).not.toContain(SENTINEL_KEY);
	return value;
}

/** Searches the harness log and sums up: call it in `afterAll`, after the last run. */
export function exposureFigures(): { scanned: number; logLines: number; leaks: number } {
	const logText = harnessLog.map((entry) => everythingVisible(entry));
	const logLeaks = logText.filter((line) => line.includes(SENTINEL_KEY)).length;
	expect(logLeaks).toBe(0);
	expect(leaks).toBe(0);
	return { scanned, logLines: harnessLog.length, leaks: leaks + logLeaks };
}
