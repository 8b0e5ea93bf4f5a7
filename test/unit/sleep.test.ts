/**
 * n8n 1.x's `sleep` takes no abort signal: the node's own sleep must still end at once on abort there
 * (a Stop while polling, a finished download's watchdog), as it does on n8n 2.x.
 */
jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	// n8n 1.x: the signal is ignored. (The timer is unref'd so that it cannot hold jest open.)
	sleep: async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms).unref()),
}));

import { sleepUnlessAborted } from '../../nodes/shared/sleep';

it('with an n8n-workflow sleep that ignores the signal, an abort still ends the sleep at once', async () => {
	const abort = new AbortController();
	const sleeping = sleepUnlessAborted(10 * 60_000, abort.signal);
	abort.abort();
	// Without the fix this waits ten minutes and jest fails the test at its timeout.
	await expect(sleeping).rejects.toThrow('aborted');
});

it('an already aborted signal rejects without sleeping; no signal sleeps the time', async () => {
	const abort = new AbortController();
	abort.abort();
	await expect(sleepUnlessAborted(10 * 60_000, abort.signal)).rejects.toThrow('aborted');
	await expect(sleepUnlessAborted(5)).resolves.toBeUndefined();
});

it('without an abort it resolves after the time', async () => {
	await expect(sleepUnlessAborted(5, new AbortController().signal)).resolves.toBeUndefined();
});
