/**
 * n8n 1.x (1.123.x) gives nodes an older execute context: what the node relies on there must not
 * need what only 2.x has.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { pauseUnavailableReason } from '../../nodes/LegnextVideo/actions/settings';

/** An execute context as n8n 1.123 builds it: no isToolExecution. */
function n8n1Context(nodeType: string): IExecuteFunctions {
	return { getNode: () => ({ type: nodeType }) } as unknown as IExecuteFunctions;
}

describe('pause mode on n8n 1.x (no isToolExecution)', () => {
	it('pauses a one-item run of the node', () => {
		expect(
			pauseUnavailableReason(n8n1Context('n8n-nodes-legnext-video.legnextVideo'), 1, 6),
		).toBeNull();
	});

	it('polls when the node runs as an AI tool (the Tool variant)', () => {
		expect(
			pauseUnavailableReason(n8n1Context('n8n-nodes-legnext-video.legnextVideoTool'), 1, 6),
		).toMatch(/AI tool call cannot pause/);
	});

	it('pauses a batch up to Max Concurrent Jobs and polls a larger one, as on 2.x', () => {
		const node = n8n1Context('n8n-nodes-legnext-video.legnextVideo');
		expect(pauseUnavailableReason(node, 3, 6)).toBeNull();
		expect(pauseUnavailableReason(node, 7, 6)).toMatch(/with 7 items the jobs were polled/);
	});
});
