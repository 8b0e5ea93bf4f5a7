/**
 * n8n 1.x's `sleep` takes no abort signal: the node's own sleep must still end at once on abort there
 * (a Stop while polling, a finished download's watchdog), as it does on n8n 2.x.
 */
jest.mock('n8n-workflow', () => {
	const actual = jest.requireActual('n8n-workflow');
	// n8n 1.x: the signal is ignored.
	return { ...actual, sleep: async (ms: number) => await actual.sleep(ms) };
});

import { sleepUnlessAborted } from '../../nodes/legnext/sleep';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

it('with an n8n-workflow sleep that ignores the signal, an abort still ends the sleep at once', async () => {
	const abort = new AbortController();
	const sleeping = sleepUnlessAborted(10 * 60_000, abort.signal);
	abort.abort();
	// Without the fix no timer advances here, so this never settles and jest fails the test at its timeout.
	await expect(sleeping).rejects.toThrow('aborted');
});

it('an already aborted signal rejects without sleeping', async () => {
	const abort = new AbortController();
	abort.abort();
	await expect(sleepUnlessAborted(10 * 60_000, abort.signal)).rejects.toThrow('aborted');
});

it('without an abort it resolves once the time has passed', async () => {
	const sleeping = sleepUnlessAborted(5000, new AbortController().signal);
	await jest.advanceTimersByTimeAsync(5000);
	await expect(sleeping).resolves.toBeUndefined();
});
