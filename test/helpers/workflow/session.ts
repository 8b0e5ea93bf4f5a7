/**
 * What every harness execution is built from: the workflow JSON completed as the editor would,
 * the node types, the credentials helper, and the per-execution services n8n's CLI would supply
 * (URLs, hooks). Runs, webhook calls and resumes all build their engine inputs here.
 */
import { randomInt, randomUUID } from 'crypto';
import { ExecutionLifecycleHooks, ExternalSecretsProxy } from 'n8n-core';
import {
	deepCopy,
	NodeHelpers,
	Workflow,
	type ICredentialType,
	type IDataObject,
	type INode,
	type INodeType,
	type INodeTypes,
	type IConnections,
	type IPinData,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type IWorkflowSettings,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { ManualTrigger, MANUAL_TRIGGER_TYPE, SetItems, SET_ITEMS_TYPE } from './builtin-nodes';
import {
	CredentialTypeRegistry,
	credentialTypes,
	TestCredentialsHelper,
	type CredentialsByType,
} from './credentials';

/** Where the fake n8n instance "lives": every URL n8n-core builds starts with this. */
export const TEST_INSTANCE_URL = 'http://127.0.0.1:5678';

/** A node as exported from n8n; id, typeVersion, position and parameters may be left out. */
export type WorkflowNodeJson = Omit<INode, 'id' | 'typeVersion' | 'position' | 'parameters'> &
	Partial<Pick<INode, 'id' | 'typeVersion' | 'position' | 'parameters'>>;

/** Workflow JSON as exported from n8n (extra fields such as `meta` or `tags` are ignored). */
export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: WorkflowNodeJson[];
	connections: IConnections;
	settings?: IWorkflowSettings;
	pinData?: IPinData;
	staticData?: IDataObject;
}

export type NodeTypeMap = Record<string, INodeType | IVersionedNodeType>;

/** What a session is made of; runs and webhook calls add their own options to it. */
export interface SessionOptions {
	workflow: WorkflowJson;
	/** Node classes keyed by the `type` used in the JSON; the built-in test nodes are added. */
	nodeTypes?: NodeTypeMap;
	/** Credential data by credential type name. */
	credentials?: CredentialsByType;
	/** Credential types besides the shared `credentialTypes` registry (this package's are there). */
	credentialTypes?: ICredentialType[];
	/** Execution mode; default 'manual' (run from the editor). Production runs are 'trigger'/'webhook'. */
	mode?: WorkflowExecuteMode;
	executionId?: string;
	/**
	 * Fill in `node.credentials` for nodes whose type declares a credential the test gave data for
	 * (default true), so fixtures need not carry credential ids. Set false to test missing ones.
	 */
	assignCredentials?: boolean;
}

/** Everything needed to build the engine's inputs again, e.g. to resume a waiting execution. */
export interface RunSession {
	workflowJson: WorkflowJson;
	nodes: INode[];
	nodeTypes: HarnessNodeTypes;
	credentialsHelper: TestCredentialsHelper;
	mode: WorkflowExecuteMode;
	executionId: string;
	/** What nodes sent to the editor's browser console (`sendMessageToUI`, manual runs only). */
	uiMessages: unknown[][];
}

/** Node type lookup for the Workflow and the engine, including versioned node types. */
class HarnessNodeTypes implements INodeTypes {
	private readonly types: NodeTypeMap;

	constructor(types: NodeTypeMap = {}) {
		this.types = {
			[MANUAL_TRIGGER_TYPE]: new ManualTrigger(),
			[SET_ITEMS_TYPE]: new SetItems(),
			...types,
		};
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (type === undefined) {
			throw new Error(
				`Unknown node type "${nodeType}" in the test workflow; pass it in nodeTypes (known: ${Object.keys(this.types).join(', ')})`,
			);
		}
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries(
			Object.keys(this.types).map((name) => [name, { className: name, sourcePath: '' }]),
		);
	}
}

// Numeric like n8n's ids; a random base per test file keeps parallel jest workers that share a
// filesystem binary-data folder from writing to the same execution folder.
let lastExecutionId = randomInt(1, 1_000_000) * 1000;

function newExecutionId(): string {
	lastExecutionId += 1;
	return `${lastExecutionId}`;
}

/** Completes node JSON the way the editor would (id, version, position, webhookId). */
function normalizeNodes(
	workflow: WorkflowJson,
	nodeTypes: HarnessNodeTypes,
	credentials: CredentialsByType,
	assignCredentials: boolean,
): INode[] {
	return workflow.nodes.map((json) => {
		const node = deepCopy({
			...json,
			id: json.id ?? randomUUID(),
			typeVersion: json.typeVersion ?? 1,
			position: json.position ?? [0, 0],
			parameters: json.parameters ?? {},
		}) as INode;
		const description = nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description;
		if (description.webhooks?.length && node.webhookId === undefined) node.webhookId = randomUUID();
		if (assignCredentials) {
			for (const { name } of description.credentials ?? []) {
				if (credentials[name] !== undefined && node.credentials?.[name] === undefined) {
					node.credentials = {
						...node.credentials,
						[name]: { id: `test-${name}`, name: `${name} (test)` },
					};
				}
			}
		}
		return node;
	});
}

export function createSession(options: SessionOptions): RunSession {
	const nodeTypes = new HarnessNodeTypes(options.nodeTypes);
	const registry = new CredentialTypeRegistry();
	// Shared types first, then per-run ones, so a run can replace a shared definition.
	for (const name of credentialTypes.names()) registry.register(credentialTypes.getByName(name));
	registry.register(...(options.credentialTypes ?? []));
	const credentials = deepCopy(options.credentials ?? {});
	return {
		workflowJson: options.workflow,
		nodes: normalizeNodes(
			options.workflow,
			nodeTypes,
			credentials,
			options.assignCredentials ?? true,
		),
		nodeTypes,
		credentialsHelper: new TestCredentialsHelper(registry, credentials),
		mode: options.mode ?? 'manual',
		executionId: options.executionId ?? newExecutionId(),
		uiMessages: [],
	};
}

/** A fresh Workflow for one engine call, with the given (else the JSON's) static data. */
export function buildWorkflow(session: RunSession, staticData?: IDataObject): Workflow {
	const { workflowJson } = session;
	return new Workflow({
		id: workflowJson.id ?? 'test-workflow',
		name: workflowJson.name ?? 'Test workflow',
		nodes: deepCopy(session.nodes),
		connections: workflowJson.connections,
		active: false,
		nodeTypes: session.nodeTypes,
		staticData: deepCopy(staticData ?? workflowJson.staticData ?? {}),
		settings: workflowJson.settings ?? { executionOrder: 'v1' },
		pinData: workflowJson.pinData,
	});
}

/** Lifecycle hooks that record the order in which nodes finished. */
export function createHooks(session: RunSession, workflow: Workflow) {
	const workflowData = {
		id: workflow.id,
		name: workflow.name ?? 'Test workflow',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: session.nodes,
		connections: session.workflowJson.connections,
		settings: workflow.settings,
	} satisfies IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks(session.mode, session.executionId, workflowData);
	const nodeExecutionOrder: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		nodeExecutionOrder.push(nodeName);
	});
	return { hooks, nodeExecutionOrder };
}

interface AdditionalDataOverrides {
	httpRequest?: IWorkflowExecuteAdditionalData['httpRequest'];
	httpResponse?: IWorkflowExecuteAdditionalData['httpResponse'];
	restartExecutionId?: string;
}

/** The per-execution services n8n's CLI would supply (`WorkflowExecuteAdditionalData.getBase`). */
export function buildAdditionalData(
	session: RunSession,
	workflow: Workflow,
	hooks: ExecutionLifecycleHooks,
	overrides: AdditionalDataOverrides = {},
): IWorkflowExecuteAdditionalData {
	const unsupported = (what: string) => async () => {
		throw new Error(`${what} is not supported by the test harness`);
	};
	const additionalData: IWorkflowExecuteAdditionalData = {
		hooks,
		credentialsHelper: session.credentialsHelper,
		executionId: session.executionId,
		workflowId: workflow.id,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${TEST_INSTANCE_URL}/rest`,
		instanceBaseUrl: `${TEST_INSTANCE_URL}/`,
		formBaseUrl: `${TEST_INSTANCE_URL}/form`,
		formWaitingBaseUrl: `${TEST_INSTANCE_URL}/form-waiting`,
		formTestBaseUrl: `${TEST_INSTANCE_URL}/form-test`,
		webhookBaseUrl: `${TEST_INSTANCE_URL}/webhook`,
		webhookWaitingBaseUrl: `${TEST_INSTANCE_URL}/webhook-waiting`,
		webhookTestBaseUrl: `${TEST_INSTANCE_URL}/webhook-test`,
		mcpBaseUrl: `${TEST_INSTANCE_URL}/mcp`,
		mcpTestBaseUrl: `${TEST_INSTANCE_URL}/mcp-test`,
		variables: {},
		executeWorkflow: unsupported('Running sub-workflows'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: unsupported('Code node task runners'),
		externalSecretsProxy: new ExternalSecretsProxy(),
		sendDataToUI: (type: string, data: IDataObject | IDataObject[]) => {
			const message = data as { messages?: unknown[] };
			if (type === 'sendConsoleMessage') session.uiMessages.push(message.messages ?? []);
		},
		...overrides,
	};
	return additionalData;
}
