/**
 * A node's webhook() called as n8n's webhook server calls it, with a real n8n-core WebhookContext
 * and fake express request/response objects; resuming a waiting execution uses the same call.
 */
import { WebhookContext } from 'n8n-core';
import {
	deepCopy,
	NodeHelpers,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestMethods,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type IRunExecutionData,
	type IVersionedNodeType,
	type IWebhookData,
	type IWebhookDescription,
	type IWorkflowExecuteAdditionalData,
	type Workflow,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import type { CredentialsByType, CredentialUpdate } from './credentials';
import {
	fakeRequest,
	FakeResponse,
	type RecordedResponse,
	type WebhookRequest,
} from './express-fakes';
import { ensureN8nRuntime } from './n8n-runtime';
import {
	buildAdditionalData,
	buildWorkflow,
	createHooks,
	createSession,
	type RunSession,
	type WorkflowNodeJson,
} from './session';

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

/** Calls the node's webhook() that `isTheWebhook` picks, as a request to its path would. */
export async function callWebhook(
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

function highestVersion(version: number | number[]): number {
	return Array.isArray(version) ? Math.max(...version) : version;
}
