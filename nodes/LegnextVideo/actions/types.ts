/** The contract between the router and the operations: what an operation plans, and what each run is handed. */

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { LegnextJob } from '../../legnext/job';

/** Handed to each running item by the router. */
export interface RunControl {
	/** Aborted when the execution is cancelled, or when another item failed and the node is about to stop. */
	signal: AbortSignal;
	/** Called once a job was accepted (and paid), so the node can name it if the run stops early. */
	submitted(jobId: string): void;
	/** Why pause mode is not possible in this run (more items than Max Concurrent Jobs, AI tool call), or `null`. */
	pauseUnavailable: string | null;
	/** The item's estimated credits (budget guard), shown as `creditsEstimated`; `null` for free operations. */
	creditsEstimated: number | null;
	/** How many items the node runs: with more than one, each job's resume URL names its item. */
	itemCount: number;
	/** Pause mode: the job was submitted with the resume URL; the router pauses once every item has run. */
	awaitCallback(job: LegnextJob, timeoutMs: number): void;
}

/** What an item's submit may cost: its prices (one, or every price when the variant is unknown). */
export interface ItemCost {
	prices: readonly number[];
	/** Extend: the source video job, whose cost tells the extension's (an extension is priced as its source). */
	sourceJobId?: string;
}

/**
 * What an operation's `plan` returns: the item's checked inputs, ready to run. Nothing is sent before it runs.
 * It gives one output item per job, or (Split Into Items) one per downloaded file.
 */
export type ItemRun = ((
	control: RunControl,
) => Promise<INodeExecutionData | INodeExecutionData[]>) & {
	/** Submit operations: what the item may cost, for the budget guard. */
	cost?: ItemCost;
};

export interface OperationModule {
	description: INodeProperties[];
	/** Reads and checks one item's parameters (no network), so bad input fails before any credit is spent. */
	plan(ctx: IExecuteFunctions, itemIndex: number): ItemRun;
}
