import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { settleConcurrently } from '../../legnext/concurrency';
import type { LegnextJob } from '../../legnext/job';
import { pauseUntilCallbacks } from '../../legnext/pause';
import * as account from './account';
import {
	applyBudget,
	estimateCredits,
	isGuarding,
	readAvailableCredits,
	readBudget,
	recordSpend,
	spentInExecution,
} from './budget';
import { pauseUnavailableReason, readMaxConcurrentJobs } from './settings';
import * as image from './image';
import * as job from './job';
import { isToolCall, toToolResult } from './aiTool';
import type { ItemRun, OperationModule } from './types';
import * as video from './video';

const resources: Record<string, Record<string, OperationModule>> = {
	video: video.operations,
	image: image.operations,
	job: job.operations,
	account: account.operations,
};

interface SubmittedJob {
	itemIndex: number;
	jobId: string;
}

/**
 * Checks every item first (a bad item fails before any credit is spent), then runs the items
 * concurrently, bounded by "Max Concurrent Jobs", and returns them in input order.
 * Without "Continue On Fail", the first failure stops items not yet started and names the jobs
 * already submitted, so nothing paid for is lost.
 */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const module = resources[resource]?.[operation];
	if (!module) {
		throw new NodeOperationError(
			this.getNode(),
			`Unknown operation "${operation}" of resource "${resource}"`,
		);
	}
	const continueOnFail = this.continueOnFail();

	const planned = items.map((_, itemIndex) => planItem(this, module, itemIndex));
	const invalid = planned.find((run): run is Error => run instanceof Error);
	if (invalid && !continueOnFail) throw invalid;

	const stop = new AbortController();
	const cancelSignal = this.getExecutionCancelSignal();
	if (cancelSignal?.aborted) stop.abort();
	cancelSignal?.addEventListener('abort', () => stop.abort(), { once: true });

	// The budget guard decides, before any submit, which items may run.
	const budget = readBudget(this);
	const estimates = await estimateItems(this, planned, isGuarding(budget), stop.signal);
	const refusals = isGuarding(budget)
		? applyBudget(
				this,
				budget,
				estimates,
				spentInExecution(this),
				budget.balanceFloor === null ? null : await readAvailableCredits(this, stop.signal),
			)
		: [];
	const runs = planned.map((run, itemIndex) => refusals[itemIndex] ?? run);
	const refused = refusals.find((refusal) => refusal !== null);
	if (refused && !continueOnFail) throw refused;
	const submitted: SubmittedJob[] = [];
	const maxConcurrentJobs = readMaxConcurrentJobs(this);
	const pauseUnavailable = pauseUnavailableReason(this, items.length, maxConcurrentJobs);
	const awaited = new Map<number, LegnextJob>();
	let pauseTimeoutMs = 0;
	let firstFailure: { itemIndex: number; error: unknown } | undefined;
	const secondsTaken: number[] = [];

	const settled = await settleConcurrently(runs, maxConcurrentJobs, async (run, itemIndex) => {
		if (run instanceof Error) throw run;
		if (stop.signal.aborted) {
			throw new NodeOperationError(this.getNode(), 'Not started: the run was stopped', {
				itemIndex,
			});
		}
		const creditsEstimated = estimates[itemIndex];
		const started = Date.now();
		const outcome = await run({
			signal: stop.signal,
			submitted: (jobId) => {
				submitted.push({ itemIndex, jobId });
				if (creditsEstimated !== null) recordSpend(this, jobId, creditsEstimated);
			},
			pauseUnavailable,
			creditsEstimated,
			itemCount: items.length,
			awaitCallback: (job, timeoutMs) => {
				awaited.set(itemIndex, job);
				pauseTimeoutMs = Math.max(pauseTimeoutMs, timeoutMs);
			},
		}).then(
			(value) => ({ ok: true as const, value }),
			(error: unknown) => ({ ok: false as const, error }),
		);
		secondsTaken[itemIndex] = (Date.now() - started) / 1000;
		if (outcome.ok) return outcome.value;
		if (!continueOnFail && !firstFailure) {
			firstFailure = { itemIndex, error: outcome.error };
			stop.abort();
		}
		throw outcome.error;
	});

	if (firstFailure) throw withSubmittedJobs(firstFailure.error, firstFailure.itemIndex, submitted);
	// An item gives one output item, or one per file with Split Into Items; each pairs with its input.
	const output = settled.flatMap((result, itemIndex) =>
		result.status === 'fulfilled'
			? [result.value].flat().map((out) => ({ ...out, pairedItem: { item: itemIndex } }))
			: [{ json: errorJson(result.reason), pairedItem: { item: itemIndex } }],
	);
	// Pause mode: one wait for every job, once all are submitted (never in a tool call).
	if (awaited.size > 0) return await pauseUntilCallbacks(this, output, awaited, pauseTimeoutMs);
	// An AI agent's tool call gets compact JSON without binary data.
	if (!isToolCall(this)) return output;
	return output.map((item) =>
		toToolResult(item, secondsTaken[(item.pairedItem as { item: number }).item] ?? 0),
	);
}

/** Each item's estimated credits (`null` for free operations and items that failed their checks). */
async function estimateItems(
	ctx: IExecuteFunctions,
	runs: Array<ItemRun | Error>,
	readSources: boolean,
	signal: AbortSignal,
): Promise<Array<number | null>> {
	const bySource = new Map<string, Promise<number>>();
	return await Promise.all(
		runs.map(async (run, itemIndex) => {
			if (run instanceof Error || run.cost === undefined) return null;
			const { cost } = run;
			// Items extending the same job read it once.
			const key = cost.sourceJobId ?? `item:${itemIndex}`;
			if (!bySource.has(key)) {
				bySource.set(key, estimateCredits(ctx, cost, itemIndex, signal, readSources));
			}
			return await (bySource.get(key) as Promise<number>);
		}),
	);
}

function planItem(
	ctx: IExecuteFunctions,
	module: OperationModule,
	itemIndex: number,
): ItemRun | Error {
	try {
		return module.plan(ctx, itemIndex);
	} catch (error) {
		return error instanceof Error
			? error
			: new NodeOperationError(ctx.getNode(), String(error), { itemIndex });
	}
}

/** Adds to the error the jobs other items had already submitted: they keep running and can be read with Get Job. */
function withSubmittedJobs(error: unknown, failedItem: number, submitted: SubmittedJob[]): unknown {
	const others = submitted.filter((s) => s.itemIndex !== failedItem);
	if (others.length === 0 || !(error instanceof Error)) return error;
	const list = others.map((s) => `item ${s.itemIndex}: ${s.jobId}`).join(', ');
	const described = error as Error & { description?: string | null };
	described.description = [
		described.description,
		`Jobs already submitted by other items keep running at Legnext; read them with Get Job (${list}). Turn on "Continue On Fail" to keep the other items' results.`,
	]
		.filter(Boolean)
		.join(' ');
	return error;
}

function errorJson(error: unknown): IDataObject {
	const e = error as { message?: unknown; description?: unknown; httpCode?: unknown };
	const json: IDataObject = { error: typeof e?.message === 'string' ? e.message : String(error) };
	if (typeof e?.description === 'string' && e.description !== '') json.description = e.description;
	if (typeof e?.httpCode === 'string') json.httpCode = e.httpCode;
	return json;
}
