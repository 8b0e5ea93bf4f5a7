/**
 * Runs n8n workflows (workflow JSON: nodes + connections) in n8n-core's real `WorkflowExecute`,
 * as n8n's own node tests do: parameters and expressions resolve as in n8n, credentials pass
 * through a credentials helper that applies the credential type's `authenticate` block, binary
 * data goes through n8n-core's BinaryDataService, and executions can wait, resume and be cancelled.
 *
 *   const result = await runWorkflow({ workflow, nodeTypes, credentials });
 *   result.outputOf('Legnext Video');
 *
 * HTTP is not faked here: use nock in the test (n8n-core sends requests with axios on Node's http).
 */
import { randomInt, randomUUID } from 'crypto';
import {
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	deepCopy,
	NodeHelpers,
	Workflow,
	type ExecutionError,
	type ExecutionStatus,
	type ICredentialType,
	type IDataObject,
	type IExecuteData,
	type IHttpRequestMethods,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IConnections,
	type IPinData,
	type IRun,
	type IRunData,
	type IRunExecutionData,
	type IVersionedNodeType,
	type IWebhookData,
	type IWebhookDescription,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type IWorkflowExecutionDataProcess,
	type IWorkflowSettings,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { ManualTrigger, MANUAL_TRIGGER_TYPE, SetItems, SET_ITEMS_TYPE } from './builtin-nodes';
import {
	CredentialTypeRegistry,
	credentialTypes,
	TestCredentialsHelper,
	type CredentialUpdate,
	type CredentialsByType,
} from './credentials';
import { ensureN8nRuntime, getBinaryDataService } from './n8n-runtime';

export { credentialTypes, CredentialTypeRegistry, TestCredentialsHelper } from './credentials';
export type { CredentialsByType, CredentialUpdate } from './credentials';
export { MANUAL_TRIGGER_TYPE, SET_ITEMS_TYPE, ManualTrigger, SetItems } from './builtin-nodes';
export {
	harnessLog,
	useBinaryDataMode,
	getBinaryDataService,
	type BinaryDataMode,
} from './n8n-runtime';

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

type TriggerToStartFrom = NonNullable<IWorkflowExecutionDataProcess['triggerToStartFrom']>;

export interface RunWorkflowOptions {
	workflow: WorkflowJson;
	/** Node classes keyed by the `type` used in the JSON; the built-in test nodes are added. */
	nodeTypes?: NodeTypeMap;
	/** Credential data by credential type name. */
	credentials?: CredentialsByType;
	/** Credential types besides the shared `credentialTypes` registry (this package's are there). */
	credentialTypes?: ICredentialType[];
	/** Node to start from; default: the workflow's trigger (n8n's own choice of start node). */
	startNode?: string;
	/**
	 * Input for the start node (default: one empty item). A webhook trigger passes its input on,
	 * so `startData: (await runWebhook(...)).workflowData` continues as n8n does after a webhook.
	 */
	startData?: INodeExecutionData[][];
	/** Aborting it cancels the execution, as the Stop button in n8n does. */
	signal?: AbortSignal;
	/** Workflow static data (`{ global: {...}, 'node:<name>': {...} }`), e.g. a previous run's. */
	staticData?: IDataObject;
	/** Execution mode; default 'manual' (run from the editor). Production runs are 'trigger'/'webhook'. */
	mode?: WorkflowExecuteMode;
	executionId?: string;
	/**
	 * Fill in `node.credentials` for nodes whose type declares a credential the test gave data for
	 * (default true), so fixtures need not carry credential ids. Set false to test missing ones.
	 */
	assignCredentials?: boolean;
}

export interface WorkflowRunResult {
	/** The whole run as n8n-core reports it. */
	run: IRun;
	status: ExecutionStatus;
	executionId: string;
	runData: IRunData;
	/** Execution-level error when the run failed (an n8n error: message, description, httpCode...). */
	error?: ExecutionError;
	/** Set when a node called putExecutionToWait. */
	waitTill?: Date;
	/** Workflow static data after the run (pass it as `staticData` to a later run). */
	staticData: IDataObject;
	/** Node names in the order they finished. */
	nodeExecutionOrder: string[];
	/** Credential writes (refreshed tokens) made during the run. */
	credentialUpdates: CredentialUpdate[];
	/** Messages nodes sent to the editor's browser console, each as its argument list. */
	uiMessages: unknown[][];
	/** Output items of a node's run (default: first run, main output 0); throws if it did not run. */
	outputOf(
		nodeName: string,
		options?: { runIndex?: number; outputIndex?: number },
	): INodeExecutionData[];
	/** The error a node's run ended with (undefined when it continued on fail: its items carry it). */
	errorOf(nodeName: string, runIndex?: number): ExecutionError | undefined;
	/** Bytes of a binary property, read back through n8n-core's BinaryDataService. */
	binaryBuffer(item: INodeExecutionData, propertyName?: string): Promise<Buffer>;
}

export interface WorkflowExecutionHandle {
	executionId: string;
	/** Stops the execution like n8n's Stop button: the running node's cancel signal aborts. */
	cancel(): void;
	/** Settles when the engine has stopped (after cancel: once the running node has returned). */
	done: Promise<WorkflowRunResult>;
}

/** Everything needed to build the engine's inputs again, e.g. to resume a waiting execution. */
interface RunSession {
	workflowJson: WorkflowJson;
	nodes: INode[];
	nodeTypes: HarnessNodeTypes;
	credentialsHelper: TestCredentialsHelper;
	mode: WorkflowExecuteMode;
	executionId: string;
	/** What nodes sent to the editor's browser console (`sendMessageToUI`, manual runs only). */
	uiMessages: unknown[][];
}

const runSessions = new WeakMap<WorkflowRunResult, RunSession>();

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

function buildWorkflow(session: RunSession, staticData?: IDataObject): Workflow {
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

interface AdditionalDataOverrides {
	httpRequest?: IWorkflowExecuteAdditionalData['httpRequest'];
	httpResponse?: IWorkflowExecuteAdditionalData['httpResponse'];
	restartExecutionId?: string;
}

/** The per-execution services n8n's CLI would supply (`WorkflowExecuteAdditionalData.getBase`). */
function buildAdditionalData(
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

function createHooks(session: RunSession, workflow: Workflow) {
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

function createSession(options: RunWorkflowOptions): RunSession {
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

/**
 * Starts a workflow and returns at once with a handle: `cancel()` stops it as n8n's Stop button
 * does, and `done` settles when the engine has stopped.
 */
export function startWorkflow(options: RunWorkflowOptions): WorkflowExecutionHandle {
	const session = createSession(options);
	let cancelRequested = false;
	let cancelEngine: (() => void) | undefined;
	const cancel = () => {
		cancelRequested = true;
		cancelEngine?.();
	};
	if (options.signal?.aborted) cancelRequested = true;
	options.signal?.addEventListener('abort', cancel, { once: true });

	const execute = async () => {
		await ensureN8nRuntime();
		const workflow = buildWorkflow(session, options.staticData);
		const startNode = options.startNode
			? workflow.getNode(options.startNode)
			: defaultStartNode(workflow);
		if (!startNode) {
			throw new Error(
				options.startNode
					? `Start node "${options.startNode}" is not in the workflow`
					: 'The workflow has no trigger to start from; pass startNode',
			);
		}
		const { hooks, nodeExecutionOrder } = createHooks(session, workflow);
		const additionalData = buildAdditionalData(session, workflow, hooks);
		const engine = new WorkflowExecute(additionalData, session.mode);
		const execution = engine.run({
			workflow,
			startNode,
			pinData: session.workflowJson.pinData,
			triggerToStartFrom: options.startData
				? startNodeInput(startNode.name, options.startData)
				: undefined,
		});
		cancelEngine = () => execution.cancel();
		if (cancelRequested) cancelEngine();
		const run = await execution;
		return createResult(session, workflow, run, nodeExecutionOrder, cancelRequested);
	};
	const done = execute().finally(() => options.signal?.removeEventListener('abort', cancel));

	return { executionId: session.executionId, cancel, done };
}

/** n8n's choice (manual/other triggers, pollers), else the first webhook trigger. */
function defaultStartNode(workflow: Workflow): INode | undefined {
	return (
		workflow.getStartNode() ??
		Object.values(workflow.nodes).find((node) => {
			const { description } = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
			return (
				!node.disabled && (description.webhooks?.length ?? 0) > 0 && description.inputs.length === 0
			);
		})
	);
}

/** The engine reads only `data` of the trigger's task data: the start node's input. */
function startNodeInput(name: string, main: INodeExecutionData[][]): TriggerToStartFrom {
	return {
		name,
		data: {
			data: { main },
			startTime: Date.now(),
			executionTime: 0,
			executionIndex: 0,
			source: [],
		},
	};
}

/** Runs a workflow to its end (success, error, or waiting) and returns what happened. */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRunResult> {
	return await startWorkflow(options).done;
}

function createResult(
	session: RunSession,
	workflow: Workflow,
	run: IRun,
	nodeExecutionOrder: string[],
	cancelled = false,
): WorkflowRunResult {
	const runData = run.data.resultData.runData;
	const taskOf = (nodeName: string, runIndex: number) => {
		const runs = runData[nodeName];
		if (runs === undefined) {
			const ran = Object.keys(runData).join(', ') || 'none';
			const failure = run.data.resultData.error?.message;
			throw new Error(
				`Node "${nodeName}" did not run (nodes that ran: ${ran})${failure ? `; execution error: ${failure}` : ''}`,
			);
		}
		const task = runs[runIndex];
		if (task === undefined)
			throw new Error(`Node "${nodeName}" has no run ${runIndex} (it ran ${runs.length} times)`);
		return task;
	};
	const result: WorkflowRunResult = {
		run,
		// The engine reports a stopped run as 'error' (the node's abort error) or even 'success'
		// (stopped between nodes); n8n marks it 'canceled', and so does the harness.
		status: cancelled ? 'canceled' : run.status,
		executionId: session.executionId,
		runData,
		error: run.data.resultData.error as ExecutionError | undefined,
		waitTill: run.data.waitTill ?? run.waitTill ?? undefined,
		staticData: deepCopy(workflow.staticData as IDataObject),
		nodeExecutionOrder,
		credentialUpdates: session.credentialsHelper.updates,
		uiMessages: session.uiMessages,
		outputOf(nodeName, { runIndex = 0, outputIndex = 0 } = {}) {
			const task = taskOf(nodeName, runIndex);
			if (task.error && !task.data) {
				throw new Error(`Node "${nodeName}" failed: ${task.error.message}`);
			}
			return task.data?.main?.[outputIndex] ?? [];
		},
		errorOf(nodeName, runIndex = 0) {
			return taskOf(nodeName, runIndex).error as ExecutionError | undefined;
		},
		binaryBuffer: async (item, propertyName = 'data') => await readBinary(item, propertyName),
	};
	runSessions.set(result, session);
	return result;
}

/**
 * Bytes of a binary property of any item, read back through n8n-core's BinaryDataService: for items
 * that come from no `WorkflowRunResult`, e.g. a webhook's `workflowData` (same as `result.binaryBuffer`).
 */
export async function binaryBuffer(
	item: INodeExecutionData,
	propertyName = 'data',
): Promise<Buffer> {
	return await readBinary(item, propertyName);
}

async function readBinary(item: INodeExecutionData, propertyName: string): Promise<Buffer> {
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

// ---------------------------------------------------------------------------------------------
// Webhooks: a node's webhook() with a real WebhookContext, and resuming waiting executions.
// ---------------------------------------------------------------------------------------------

/** The HTTP request a webhook receives. Header names are matched case-insensitively, as in Node. */
export interface WebhookRequest {
	method?: IHttpRequestMethods;
	body?: unknown;
	query?: Record<string, string | string[]>;
	headers?: Record<string, string | string[]>;
	params?: Record<string, string>;
	/** Raw body bytes (default: the JSON text of `body`), for signature checks. */
	rawBody?: Buffer;
	/** Request path, e.g. 'webhook/<webhookId>/callback'; default: the node's webhook path as n8n builds it. */
	path?: string;
}

/** What a fake express Response was told to send. */
export interface RecordedResponse {
	status: number;
	headers: Record<string, string | string[]>;
	/** Parsed JSON for json(), else what send()/end() received (strings as strings). */
	body: unknown;
	/** True once the node sent or ended the response. */
	ended: boolean;
}

export interface WebhookRunResult {
	/** Items the webhook hands to the workflow (undefined: the workflow does not run). */
	workflowData?: INodeExecutionData[][];
	noWebhookResponse?: boolean;
	webhookResponse?: unknown;
	/** What the node wrote to the response object itself (e.g. a 401). */
	response: RecordedResponse;
	/** Workflow static data after the call (`{ 'node:<name>': {...}, global: {...} }`). */
	staticData: IDataObject;
	/** This node's static data after the call (`getWorkflowStaticData('node')`). */
	nodeStaticData: IDataObject;
	credentialUpdates: CredentialUpdate[];
}

export interface RunWebhookOptions {
	/** The node class whose webhook() runs. */
	nodeType: INodeType | IVersionedNodeType;
	/** Node JSON (name, parameters, typeVersion, credentials, webhookId); `parameters` is a shortcut. */
	node?: Partial<WorkflowNodeJson>;
	parameters?: INodeParameters;
	credentials?: CredentialsByType;
	credentialTypes?: ICredentialType[];
	request: WebhookRequest;
	/** Workflow static data before the call. */
	staticData?: IDataObject;
	/** Shortcut for this node's part of the static data. */
	nodeStaticData?: IDataObject;
	/** Which of the node's webhook descriptions handles the request; default 'default'. */
	webhookName?: string;
	/** Its path too, when several share the name (e.g. 'callback/:token'); default: the first with the name. */
	webhookPath?: string;
	/** 'webhook' (production URL, default) or 'manual' (test URL, "Listen for test event"). */
	mode?: WorkflowExecuteMode;
	assignCredentials?: boolean;
}

/**
 * Calls a node's `webhook()` as n8n's webhook server does, with a real n8n-core WebhookContext
 * (getRequestObject, getResponseObject, getNodeParameter, httpRequestWithAuthentication,
 * getWorkflowStaticData, getNodeWebhookUrl...). The workflow around it holds only this node.
 */
export async function runWebhook(options: RunWebhookOptions): Promise<WebhookRunResult> {
	await ensureN8nRuntime();
	const nodeTypeName = options.node?.type ?? 'test.webhookNodeUnderTest';
	const description = NodeHelpers.getVersionedNodeType(
		options.nodeType,
		options.node?.typeVersion,
	).description;
	const nodeName = options.node?.name ?? description.defaults.name ?? description.displayName;
	const nodeJson: WorkflowNodeJson = {
		...options.node,
		name: nodeName,
		type: nodeTypeName,
		typeVersion: options.node?.typeVersion ?? highestVersion(description.version),
		parameters: { ...options.node?.parameters, ...options.parameters },
	};
	const session = createSession({
		workflow: { nodes: [nodeJson], connections: {} },
		nodeTypes: { [nodeTypeName]: options.nodeType },
		credentials: options.credentials,
		credentialTypes: options.credentialTypes,
		mode: options.mode ?? 'webhook',
		assignCredentials: options.assignCredentials,
	});
	const staticData = deepCopy(options.staticData ?? {});
	if (options.nodeStaticData) staticData[`node:${nodeName}`] = deepCopy(options.nodeStaticData);
	const workflow = buildWorkflow(session, staticData);
	const node = workflow.getNode(nodeName) as INode;
	return await callWebhook(session, workflow, node, options.request, {
		isTheWebhook: (webhook) =>
			webhook.name === (options.webhookName ?? 'default') &&
			(options.webhookPath === undefined || webhook.path === options.webhookPath),
		runExecutionData: null,
	});
}

async function callWebhook(
	session: RunSession,
	workflow: Workflow,
	node: INode,
	request: WebhookRequest,
	{
		isTheWebhook,
		runExecutionData,
		restartExecutionId,
	}: {
		isTheWebhook: (webhook: IWebhookDescription) => boolean;
		runExecutionData: IRunExecutionData | null;
		restartExecutionId?: string;
	},
): Promise<WebhookRunResult> {
	const nodeType = session.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (nodeType.webhook === undefined)
		throw new Error(`Node type "${node.type}" has no webhook() method`);
	const webhookDescription = (nodeType.description.webhooks ?? []).find(isTheWebhook);
	if (webhookDescription === undefined) {
		throw new Error(
			`Node "${node.name}" declares no matching webhook (webhooks: ${JSON.stringify(nodeType.description.webhooks ?? [])})`,
		);
	}

	const { hooks } = createHooks(session, workflow);
	const response = new FakeResponse();
	const webhookPath = String(
		workflow.expression.getSimpleParameterValue(
			node,
			webhookDescription.path,
			session.mode,
			{},
			undefined,
			'',
		) ?? '',
	);
	// The path the request arrived at, as n8n's webhook server would have seen it.
	const requestPath =
		restartExecutionId !== undefined
			? `webhook-waiting/${restartExecutionId}${webhookPath ? `/${webhookPath}` : ''}`
			: `${session.mode === 'manual' ? 'webhook-test' : 'webhook'}/${NodeHelpers.getNodeWebhookPath(workflow.id, node, webhookPath)}`;
	const httpRequest = fakeRequest(request, requestPath);
	const additionalData = buildAdditionalData(session, workflow, hooks, {
		httpRequest: httpRequest as unknown as IWorkflowExecuteAdditionalData['httpRequest'],
		httpResponse: response as unknown as IWorkflowExecuteAdditionalData['httpResponse'],
		restartExecutionId,
	});
	const webhookData: IWebhookData = {
		httpMethod: (request.method ?? 'POST') as IHttpRequestMethods,
		node: node.name,
		path: webhookPath,
		webhookDescription,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
		isTest: session.mode === 'manual',
	};
	const context = new WebhookContext(
		workflow,
		node,
		additionalData,
		session.mode,
		webhookData,
		[],
		runExecutionData,
	);
	const returned = await nodeType.webhook.call(context);
	const staticData = deepCopy(workflow.staticData as IDataObject);
	return {
		workflowData: returned.workflowData,
		noWebhookResponse: returned.noWebhookResponse,
		webhookResponse: returned.webhookResponse,
		response: response.recorded(),
		staticData,
		nodeStaticData: (staticData[`node:${node.name}`] as IDataObject | undefined) ?? {},
		credentialUpdates: session.credentialsHelper.updates,
	};
}

export interface ResumeWorkflowOptions {
	/** The callback request that arrives at `$execution.resumeUrl`. */
	request: WebhookRequest;
	/** Stop the resumed execution with this signal. */
	signal?: AbortSignal;
}

export interface ResumeResult {
	/** What the waiting node's webhook() returned and wrote to the response. */
	webhook: WebhookRunResult;
	/** The continued execution, or undefined when webhook() returned no workflowData (still waiting). */
	result?: WorkflowRunResult;
}

/**
 * Resumes an execution that stopped in putExecutionToWait, as n8n does when `$execution.resumeUrl`
 * is called: the waiting node's restart webhook (`restartWebhook: true`, matching method) runs
 * with the request, its workflowData becomes that node's output, and the execution continues.
 */
export async function resumeWorkflow(
	waiting: WorkflowRunResult,
	options: ResumeWorkflowOptions,
): Promise<ResumeResult> {
	const session = runSessions.get(waiting);
	if (session === undefined)
		throw new Error('resumeWorkflow needs a result returned by runWorkflow/startWorkflow');
	if (waiting.status !== 'waiting' || waiting.run.data.executionData === undefined) {
		throw new Error(`Execution ${waiting.executionId} is not waiting (status: ${waiting.status})`);
	}
	await ensureN8nRuntime();
	// n8n reloads the execution from its database; a copy keeps the earlier result unchanged.
	const runExecutionData = deepCopy(waiting.run.data);
	const workflow = buildWorkflow(session, waiting.staticData);
	const waitingNodeName = runExecutionData.resultData.lastNodeExecuted as string;
	const node = workflow.getNode(waitingNodeName) as INode;
	const method = options.request.method ?? 'POST';

	const webhook = await callWebhook(session, workflow, node, options.request, {
		isTheWebhook: (description) =>
			description.restartWebhook === true && description.httpMethod === method,
		runExecutionData,
		restartExecutionId: session.executionId,
	});
	if (webhook.workflowData === undefined) return { webhook };

	// What n8n's webhook helpers do before continuing: the waiting node's output is what the
	// webhook returned, forwarded on all its outputs (the engine then skips the node itself).
	const executionStack = runExecutionData.executionData?.nodeExecutionStack as IExecuteData[];
	executionStack[0].data.main = webhook.workflowData;
	executionStack[0].metadata = { ...executionStack[0].metadata, forwardAllOutputs: true };
	// The webhook may have changed static data; continue with it.
	const resumedWorkflow = buildWorkflow(session, webhook.staticData);

	const { hooks, nodeExecutionOrder } = createHooks(session, resumedWorkflow);
	const additionalData = buildAdditionalData(session, resumedWorkflow, hooks, {
		restartExecutionId: session.executionId,
	});
	const engine = new WorkflowExecute(additionalData, session.mode, runExecutionData);
	const execution = engine.processRunExecutionData(resumedWorkflow);
	const cancel = () => execution.cancel();
	options.signal?.addEventListener('abort', cancel, { once: true });
	try {
		const run = await execution;
		return { webhook, result: createResult(session, resumedWorkflow, run, nodeExecutionOrder) };
	} finally {
		options.signal?.removeEventListener('abort', cancel);
	}
}

function highestVersion(version: number | number[]): number {
	return Array.isArray(version) ? Math.max(...version) : version;
}

function lowerCaseHeaders(headers: Record<string, string | string[]> = {}) {
	return Object.fromEntries(
		Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
	);
}

/** The parts of an express Request that nodes read. */
function fakeRequest(request: WebhookRequest, defaultPath: string) {
	const headers: Record<string, string | string[]> = lowerCaseHeaders(request.headers);
	const body = request.body ?? {};
	if (headers['content-type'] === undefined && typeof body === 'object')
		headers['content-type'] = 'application/json';
	const query = request.query ?? {};
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(query)) {
		for (const entry of Array.isArray(value) ? value : [value]) search.append(key, entry);
	}
	const path = `/${request.path ?? defaultPath}`.replace(/^\/+/, '/');
	const url = search.size > 0 ? `${path}?${search.toString()}` : path;
	const rawBody =
		request.rawBody ?? Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
	const header = (name: string) => headers[name.toLowerCase()];
	return {
		method: request.method ?? 'POST',
		headers,
		body,
		query,
		params: request.params ?? {},
		path,
		url,
		originalUrl: url,
		rawBody,
		readRawBody: async () => {},
		get: header,
		header,
		ip: '127.0.0.1',
		protocol: 'http',
		hostname: '127.0.0.1',
		host: '127.0.0.1:5678',
		socket: { remoteAddress: '127.0.0.1' },
	};
}

/** Records what a node does with the express Response it gets from getResponseObject(). */
class FakeResponse {
	statusCode = 200;

	headersSent = false;

	private readonly headers: Record<string, string | string[]> = {};

	private body: unknown;

	private chunks: unknown[] = [];

	status(code: number) {
		this.statusCode = code;
		return this;
	}

	sendStatus(code: number) {
		this.statusCode = code;
		return this.end();
	}

	setHeader(name: string, value: string | string[]) {
		this.headers[name.toLowerCase()] = value;
		return this;
	}

	header(name: string | Record<string, string>, value?: string) {
		if (typeof name === 'object') {
			for (const [key, entry] of Object.entries(name)) this.setHeader(key, entry);
		} else if (value !== undefined) {
			this.setHeader(name, value);
		}
		return this;
	}

	set(name: string | Record<string, string>, value?: string) {
		return this.header(name, value);
	}

	getHeader(name: string) {
		return this.headers[name.toLowerCase()];
	}

	writeHead(code: number, headers: Record<string, string> = {}) {
		this.statusCode = code;
		return this.header(headers);
	}

	json(body: unknown) {
		this.setHeader('content-type', 'application/json');
		this.body = body;
		return this.finish();
	}

	send(body?: unknown) {
		this.body = body;
		return this.finish();
	}

	write(chunk: unknown) {
		this.chunks.push(chunk);
		return true;
	}

	end(body?: unknown) {
		if (body !== undefined) this.chunks.push(body);
		if (this.body === undefined && this.chunks.length > 0) {
			this.body = this.chunks.every((chunk) => typeof chunk === 'string')
				? this.chunks.join('')
				: Buffer.concat(this.chunks.map((chunk) => Buffer.from(chunk as string)));
		}
		return this.finish();
	}

	redirect(statusOrUrl: number | string, url?: string) {
		this.statusCode = typeof statusOrUrl === 'number' ? statusOrUrl : 302;
		this.setHeader('location', typeof statusOrUrl === 'string' ? statusOrUrl : (url ?? ''));
		return this.finish();
	}

	on() {
		return this;
	}

	once() {
		return this;
	}

	recorded(): RecordedResponse {
		return {
			status: this.statusCode,
			headers: { ...this.headers },
			body: this.body,
			ended: this.headersSent,
		};
	}

	private finish() {
		this.headersSent = true;
		return this;
	}
}
