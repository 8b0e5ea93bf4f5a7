/**
 * Runs `task` for every input with at most `limit` running at once, and returns the settled
 * results in input order. Legnext renders several jobs in parallel, so a batch of N items
 * takes about ceil(N / limit) job-times instead of N.
 */
export async function settleConcurrently<T, R>(
	inputs: readonly T[],
	limit: number,
	task: (input: T, index: number) => Promise<R>,
): Promise<Array<PromiseSettledResult<R>>> {
	const results: Array<PromiseSettledResult<R>> = new Array(inputs.length);
	let next = 0;
	const worker = async () => {
		while (next < inputs.length) {
			const index = next++;
			try {
				results[index] = {
					status: 'fulfilled',
					value: await task(inputs[index], index),
				};
			} catch (reason) {
				results[index] = { status: 'rejected', reason };
			}
		}
	};
	const workers = Math.max(1, Math.min(Math.floor(limit) || 1, inputs.length));
	await Promise.all(Array.from({ length: workers }, worker));
	return results;
}
