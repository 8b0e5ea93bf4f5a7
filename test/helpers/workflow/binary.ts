/** Reading binary data back the way n8n does, through n8n-core's BinaryDataService. */
import type { INodeExecutionData } from 'n8n-workflow';

import { getBinaryDataService } from './n8n-runtime';

/**
 * Bytes of a binary property of any item: also for items that come from no `WorkflowRunResult`,
 * e.g. a webhook's `workflowData` (`result.binaryBuffer` does the same).
 */
export async function binaryBuffer(
	item: INodeExecutionData,
	propertyName = 'data',
): Promise<Buffer> {
	const binary = item.binary?.[propertyName];
	if (binary === undefined) {
		const present = Object.keys(item.binary ?? {}).join(', ') || 'none';
		throw new Error(
			`Item has no binary property "${propertyName}" (binary properties: ${present})`,
		);
	}
	const service = await getBinaryDataService();
	return await service.getAsBuffer(binary);
}
