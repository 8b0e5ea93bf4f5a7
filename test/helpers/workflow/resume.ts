/** Continuing a waiting execution from a `WorkflowRunResult`, through its node's restart webhook. */
import { WorkflowExecute } from 'n8n-core';
import { deepCopy, type IExecuteData, type INode } from 'n8n-workflow';

import type { WebhookRequest } from './express-fakes';
import { ensureN8nRuntime } from './n8n-runtime';
import { createResult, sessionOf, type WorkflowRunResult } from './run';
import { buildAdditionalData, buildWorkflow, createHooks } from './session';
import { callWebhook, type WebhookRunResult } from './webhook';

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
	const session = sessionOf(waiting);
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
