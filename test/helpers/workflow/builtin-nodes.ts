/**
 * Node types every harness run knows besides the ones a test passes in: a manual trigger that
 * behaves like n8n's, and a node that emits fixed JSON items so a fixture can feed N items into
 * the node under test.
 */
import { jsonParse, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';

export const MANUAL_TRIGGER_TYPE = 'n8n-nodes-base.manualTrigger';
export const SET_ITEMS_TYPE = 'test.setItems';

/** Same contract as n8n's Manual Trigger: one empty item when the workflow is started by hand. */
export class ManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Runs the flow on clicking a button in n8n',
		defaults: { name: 'When clicking ‘Execute workflow’' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const manualTriggerFunction = async () => {
			this.emit([this.helpers.returnJsonArray([{}])]);
		};
		return { manualTriggerFunction };
	}
}

/**
 * Emits the items in its `items` parameter: a JSON array of objects (a string, as the editor
 * stores it, or an expression). Each item is paired with input item 0.
 */
export class SetItems implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Set Items (test)',
		name: 'setItems',
		group: ['transform'],
		version: 1,
		description: 'Emits fixed JSON items (test harness)',
		defaults: { name: 'Set Items' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Items',
				name: 'items',
				type: 'json',
				default: '[{}]',
				description: 'JSON array of objects, one output item each',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string | IDataObject | IDataObject[];
		const parsed = typeof raw === 'string' ? jsonParse<IDataObject | IDataObject[]>(raw) : raw;
		const items = Array.isArray(parsed) ? parsed : [parsed];
		if (items.some((item) => typeof item !== 'object' || item === null)) {
			throw new NodeOperationError(this.getNode(), 'Every entry of "items" must be an object');
		}
		return [items.map((json) => ({ json, pairedItem: { item: 0 } }))];
	}
}
