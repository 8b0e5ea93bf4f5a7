/**
 * Runs n8n workflows (workflow JSON: nodes + connections) in n8n-core's real `WorkflowExecute`,
 * as n8n's own node tests do: parameters and expressions resolve as in n8n, credentials pass
 * through a credentials helper that applies the credential type's `authenticate` block, binary
 * data goes through n8n-core's BinaryDataService, and executions can wait and be cancelled.
 *
 *   const result = await runWorkflow({ workflow, nodeTypes, credentials });
 *   result.outputOf('Legnext Video');
 *
 * HTTP is not faked here: use nock in the test (n8n-core sends requests with axios on Node's http).
 */
import { WorkflowExecute } from 'n8n-core';
import {
	deepCopy,
	type ExecutionError,
	type ExecutionStatus,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type IRun,
	type IRunData,
	type IWorkflowExecutionDataProcess,
	type Workflow,
} from 'n8n-workflow';

import { binaryBuffer } from './binary';
import type { CredentialUpdate } from './credentials';
import { ensureN8nRuntime } from './n8n-runtime';
import {
	buildAdditionalData,
	buildWorkflow,
	createHooks,
	createSession,
	type RunSession,
	type SessionOptions,
} from './session';

type TriggerToStartFrom = NonNullable<IWorkflowExecutionDataProcess['triggerToStartFrom']>;

export interface RunWorkflowOptions extends SessionOptions {
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

const runSessions = new WeakMap<WorkflowRunResult, RunSession>();

/** The session a result came from (to continue it), or undefined for results not made here. */
export function sessionOf(result: WorkflowRunResult): RunSession | undefined {
	return runSessions.get(result);
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

/** What the engine reported, with lookups by node; remembers the session for resuming. */
export function createResult(
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
		binaryBuffer: async (item, propertyName = 'data') => await binaryBuffer(item, propertyName),
	};
	runSessions.set(result, session);
	return result;
}
