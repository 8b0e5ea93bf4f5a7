import { settleConcurrently } from '../../nodes/legnext/concurrency';
import { nextPollDelay } from '../../nodes/legnext/wait';
import { backoffDelay, retryPolicy } from '../../nodes/legnext/client';
import { sleep } from 'n8n-workflow';

describe('poll schedule', () => {
	it('looks first after a second, then waits a fifth of the elapsed time, capped', () => {
		expect(nextPollDelay(0, 30_000)).toBe(1000);
		expect(nextPollDelay(4_000, 30_000)).toBe(1000);
		expect(nextPollDelay(60_000, 30_000)).toBe(12_000);
		expect(nextPollDelay(600_000, 30_000)).toBe(30_000);
		expect(nextPollDelay(0, 200)).toBe(200);
	});

	it('costs about 25 reads for a 4-minute job and notices the end within a fifth of the run', () => {
		let elapsed = 0;
		let reads = 0;
		const jobMs = 240_000;
		while (elapsed < jobMs) {
			elapsed += nextPollDelay(elapsed, 30_000);
			reads++;
		}
		expect(reads).toBeGreaterThan(15);
		expect(reads).toBeLessThan(35);
		expect(elapsed - jobMs).toBeLessThanOrEqual(jobMs / 5);
	});
});

describe('backoff', () => {
	it('grows exponentially with jitter, stays under the cap, and honours Retry-After', () => {
		for (let attempt = 1; attempt <= 10; attempt++) {
			const ceiling = Math.min(
				retryPolicy.maxDelayMs,
				retryPolicy.baseDelayMs * 2 ** (attempt - 1),
			);
			const delay = backoffDelay(attempt, null);
			expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
			expect(delay).toBeLessThanOrEqual(ceiling);
		}
		expect(backoffDelay(1, 5000)).toBeGreaterThanOrEqual(5000);
		expect(backoffDelay(1, 10 * 60_000)).toBe(retryPolicy.maxRetryAfterMs);
	});
});

describe('settleConcurrently', () => {
	it('never runs more than the limit at once and keeps input order', async () => {
		let running = 0;
		let peak = 0;
		const inputs = Array.from({ length: 12 }, (_, i) => i);
		const results = await settleConcurrently(inputs, 3, async (n) => {
			running++;
			peak = Math.max(peak, running);
			await sleep(5 + ((n * 7) % 11));
			running--;
			if (n === 5) throw new Error('five');
			return n * 10;
		});
		expect(peak).toBe(3);
		expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([
			0,
			10,
			20,
			30,
			40,
			'failed',
			60,
			70,
			80,
			90,
			100,
			110,
		]);
	});
});
