import { sleep } from 'n8n-workflow';

/**
 * n8n-workflow's `sleep`, ending at once when `signal` aborts (it then rejects, as n8n 2.x's does) on every n8n
 * version: n8n 1.x's `sleep` takes no signal, so a Stop, or a finished download's watchdog, would sleep on.
 */
export async function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
	if (!signal) return await sleep(ms);
	if (signal.aborted) throw new Error('aborted');
	await new Promise<void>((resolve, reject) => {
		const onAbort = () => reject(new Error('aborted'));
		signal.addEventListener('abort', onAbort, { once: true });
		sleep(ms, signal).then(
			() => {
				signal.removeEventListener('abort', onAbort);
				resolve();
			},
			() => reject(new Error('aborted')),
		);
	});
}
