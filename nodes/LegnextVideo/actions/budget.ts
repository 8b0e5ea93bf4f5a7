/**
 * The budget guard: each item's cost is estimated from the credit table before anything is sent, and items that
 * would take this node's spend in the execution past "Max Credits per Execution", or the balance below "Keep
 * Balance Above", are refused before any submit.
 */

import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { legnextRequest } from '../../legnext/client';
import { describeCredits } from '../../legnext/credits';
import { parseJob } from '../../legnext/job';
import { InputChecker } from '../../legnext/validation';
import { numberField, readAccountData } from './account/accountData';
import type { ItemCost } from './types';

interface Budget {
	/** Max Credits per Execution; `null` when unset (0). */
	maxCredits: number | null;
	/** Keep Balance Above; `null` when unset (0). */
	balanceFloor: number | null;
}

export function readBudget(ctx: IExecuteFunctions): Budget {
	const check = new InputChecker(ctx, 0);
	const maxCredits = check.number(
		'options.maxCreditsPerExecution',
		'Max Credits per Execution',
		0,
		1e9,
		0,
	);
	const balanceFloor = check.number('options.keepBalanceAbove', 'Keep Balance Above', 0, 1e9, 0);
	return {
		maxCredits: maxCredits > 0 ? maxCredits : null,
		balanceFloor: balanceFloor > 0 ? balanceFloor : null,
	};
}

export function isGuarding(budget: Budget): boolean {
	return budget.maxCredits !== null || budget.balanceFloor !== null;
}

/**
 * The credits an item is expected to take. With several possible prices the higher one is taken, so the guard
 * never lets through more than it should; for Extend (when `readSource`) the source job is read (free): a
 * source that was charged one of the table's video prices tells the extension's price.
 */
export async function estimateCredits(
	ctx: IExecuteFunctions,
	cost: ItemCost,
	itemIndex: number,
	signal: AbortSignal,
	readSource: boolean,
): Promise<number> {
	const highest = Math.max(...cost.prices);
	if (cost.sourceJobId === undefined || !readSource || cost.prices.length === 1) return highest;
	const read = await legnextRequest(ctx, {
		method: 'GET',
		path: `/api/v1/job/${cost.sourceJobId}`,
		itemIndex,
		signal,
	}).catch(() => null);
	// An unreadable source (the submit would fail on it too) is estimated at the higher price.
	if (read === null) return highest;
	const source = parseJob(read);
	// The job object names no quality; what the source was charged (or holds reserved) does.
	const charged = [source.creditsUsed, source.creditsFrozen].find((c) => cost.prices.includes(c));
	return charged ?? highest;
}

/** This node's spend per execution, across its runs (a loop), counted once per job; kept in process memory for a day. */
const KEEP_MS = 24 * 60 * 60_000;
const spends = new Map<string, { jobs: Map<string, number>; at: number }>();

function spendKey(ctx: IExecuteFunctions): string {
	return `${ctx.getExecutionId()}:${ctx.getNode().id}`;
}

export function spentInExecution(ctx: IExecuteFunctions): number {
	const entry = spends.get(spendKey(ctx));
	if (!entry || Date.now() - entry.at > KEEP_MS) return 0;
	return [...entry.jobs.values()].reduce((sum, credits) => sum + credits, 0);
}

/** Counts a submitted job's estimate; a job picked up again (Retry On Fail) is counted once. */
export function recordSpend(ctx: IExecuteFunctions, jobId: string, credits: number): void {
	const key = spendKey(ctx);
	const entry = spends.get(key) ?? { jobs: new Map<string, number>(), at: Date.now() };
	entry.jobs.set(jobId, credits);
	entry.at = Date.now();
	spends.set(key, entry);
	for (const [k, e] of spends) if (Date.now() - e.at > KEEP_MS) spends.delete(k);
}

/** The balance before the first submit: one free read. */
export async function readAvailableCredits(
	ctx: IExecuteFunctions,
	signal: AbortSignal,
): Promise<number> {
	const data = await readAccountData(ctx, '/api/account/balance', 0, signal);
	const available = numberField(data, 'available_credits', 'availableCredits', 'available_points');
	if (available === null) {
		throw new NodeOperationError(
			ctx.getNode(),
			'Keep Balance Above: the balance could not be read (Legnext gave no available_credits)',
			{ description: 'Nothing was submitted. Remove the option or check the Base URL.' },
		);
	}
	return available;
}

/**
 * Which items may run: walks the items in order and refuses each one whose estimate would take the spend past
 * the limit or the balance below the floor. Returns the refusal per item (or `null` for items that may run).
 */
export function applyBudget(
	ctx: IExecuteFunctions,
	budget: Budget,
	estimates: Array<number | null>,
	spentBefore: number,
	balance: number | null,
): Array<NodeOperationError | null> {
	let committed = 0;
	return estimates.map((estimate, itemIndex) => {
		if (estimate === null) return null;
		const spend = spentBefore + committed + estimate;
		const problems: string[] = [];
		if (budget.maxCredits !== null && spend > budget.maxCredits) {
			problems.push(
				`would take this node's spend in this execution to ${spend} credits, past Max Credits per Execution (${budget.maxCredits})`,
			);
		}
		if (budget.balanceFloor !== null && balance !== null) {
			const left = balance - committed - estimate;
			if (left < budget.balanceFloor) {
				problems.push(
					`would take the balance from ${balance - committed} to ${left} credits, below Keep Balance Above (${budget.balanceFloor})`,
				);
			}
		}
		if (problems.length === 0) {
			committed += estimate;
			return null;
		}
		return new NodeOperationError(
			ctx.getNode(),
			`Not submitted: the estimated ${describeCredits([estimate])} ${problems.join(' and ')} (item ${itemIndex})`,
			{
				itemIndex,
				description:
					"Estimates come from Legnext's credit table. Nothing was sent for this item. Raise the limit, or turn on Continue On Fail to run the items that fit.",
			},
		);
	});
}
