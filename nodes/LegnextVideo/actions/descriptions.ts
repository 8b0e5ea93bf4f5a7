/** The parameters several operations share: Callback URL, Reference, waiting, downloads and options. */

import type { INodeProperties } from 'n8n-workflow';

import { downloadProperties } from '../../legnext/downloadParameters';

export const DEFAULT_TIMEOUT_MINUTES = 20;
export const DEFAULT_MAX_CONCURRENT_JOBS = 6;
export const DEFAULT_MAX_POLL_INTERVAL_SECONDS = 30;

const callbackUrlProperty: INodeProperties = {
	displayName: 'Callback URL',
	name: 'callbackUrl',
	type: 'string',
	default: '',
	placeholder: 'https://your-n8n.example.com/webhook/...',
	description:
		'Optional URL Legnext POSTs the finished job to, e.g. the Production URL of a Legnext Video Trigger node. Leave empty for none.',
};

const referenceProperty: INodeProperties = {
	displayName: 'Reference',
	name: 'reference',
	type: 'string',
	default: '',
	placeholder: 'e.g. {{ $json.rowId }}',
	description:
		'Optional text up to 256 characters (a sheet row ID, a post ID) that comes out of this node and, with a Legnext Video Trigger URL as Callback URL, out of the trigger as "reference". It travels in the callback URL, covered by its token.',
};

/** Submit operations only: Get Job has no job to hand a callback to. */
const waitStrategyProperty: INodeProperties = {
	displayName: 'Wait Strategy',
	name: 'waitStrategy',
	type: 'options',
	default: 'poll',
	options: [
		{
			name: 'Poll',
			value: 'poll',
			description:
				'Keep the execution running and read the job status now and then until it is finished',
		},
		{
			name: 'Pause Until Callback',
			value: 'pause',
			description:
				'Save the execution and stop it (no worker held, no requests) until Legnext calls back. Needs n8n reachable from the internet.',
		},
	],
	displayOptions: { show: { waitForCompletion: [true] } },
};

/** What the chosen Wait Strategy does, shown under it; the panel's text changes with the choice. */
const waitStrategyNotices: INodeProperties[] = [
	{
		displayName:
			'Poll: this execution keeps running while the job renders (video 3-6 minutes). The node reads the job now and then (a second apart at first, then up to every Max Poll Interval; reads are free) and outputs the finished job. Works for any number of items, as an AI tool, and with n8n not reachable from the internet. At the Timeout the node fails with the job ID.',
		name: 'pollNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { waitForCompletion: [true], waitStrategy: ['poll'] } },
	},
	{
		displayName:
			'Pause: the execution is saved and stops here (no worker held, no reads, it survives an n8n restart). Legnext calls this n8n back when the job finishes; the call is checked with the API and the run continues from this node. Needs n8n reachable from the internet (N8N_WEBHOOK_URL). Works for up to Max Concurrent Jobs items (each job calls back, the run continues once all have finished), outside AI tool use: otherwise the node polls and says why in "waitNote". At the Timeout the run continues with callbackReceived: false and the job ID.',
		name: 'pauseNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { waitForCompletion: [true], waitStrategy: ['pause'] } },
	},
	{
		displayName:
			'Clear the Callback URL above: in pause mode the node gives Legnext its own resume URL, and the node refuses to run while both are set.',
		name: 'pauseCallbackConflictNotice',
		type: 'notice',
		default: '',
		displayOptions: {
			show: {
				waitForCompletion: [true],
				waitStrategy: ['pause'],
				callbackUrl: [{ _cnd: { exists: true } }],
			},
		},
	},
];

// Two variants because the lint wants a literal boolean default.
const waitForCompletionOn: INodeProperties = {
	displayName: 'Wait for Completion',
	name: 'waitForCompletion',
	type: 'boolean',
	default: true,
	description:
		'Whether to wait until the job is finished (video jobs take 3-6 minutes, image jobs about a minute) and return its results. Off returns the submitted job at once; read it later with Get Job.',
};

const waitForCompletionOff: INodeProperties = { ...waitForCompletionOn, default: false };

/** Jobs with text results (describe, shorten) have no files: pinned to "none", also for pause mode's resume. */
const noDownloadProperty: INodeProperties = {
	displayName: 'Download Result Files',
	name: 'download',
	type: 'hidden',
	default: 'none',
};

/**
 * Wait toggle plus download choices; submit operations wait by default, Get Job does not.
 * `files`: `results` (videos, or an upscaled image), `gridImages` (image jobs with a 2x2 grid), `none` (text results).
 */
type ResultFiles = 'results' | 'gridImages' | 'none';

export function waitProperties(
	waitByDefault: boolean,
	files: ResultFiles = 'results',
): INodeProperties[] {
	return [
		waitByDefault ? waitForCompletionOn : waitForCompletionOff,
		...(files === 'none'
			? [noDownloadProperty]
			: downloadProperties({ waitForCompletion: [true] }, files)),
	];
}

export const waitOptionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Keep Balance Above',
			name: 'keepBalanceAbove',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0 },
			description:
				'Credits to keep in your Legnext balance. Before the first submit the node reads the balance (free) and refuses the items whose estimated cost would take it below this. 0 = no floor.',
			// Get Job is free.
			displayOptions: { hide: { '/resource': ['job'] } },
		},
		{
			displayName: 'Max Concurrent Jobs',
			name: 'maxConcurrentJobs',
			type: 'number',
			default: DEFAULT_MAX_CONCURRENT_JOBS,
			typeOptions: { minValue: 1, maxValue: 100 },
			description:
				'How many items are submitted and awaited at once. Legnext runs 6 jobs at a time on standard accounts.',
		},
		{
			displayName: 'Max Credits per Execution',
			name: 'maxCreditsPerExecution',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0 },
			description:
				"Most credits this node may spend in one execution (all its items and runs), by Legnext's credit table (e.g. 480 per 480p video). Items that would go past it are refused before anything is sent. 0 = no limit.",
			// Get Job is free.
			displayOptions: { hide: { '/resource': ['job'] } },
		},
		{
			displayName: 'Max Poll Interval (Seconds)',
			name: 'maxPollIntervalSeconds',
			type: 'number',
			default: DEFAULT_MAX_POLL_INTERVAL_SECONDS,
			typeOptions: { minValue: 0.1, numberPrecision: 1 },
			description:
				'Longest gap between two status reads while waiting. Reads start a second apart and grow to this.',
			// Pause mode sends no reads.
			displayOptions: { hide: { '/waitStrategy': ['pause'] } },
		},
		{
			displayName: 'Split Into Items',
			name: 'splitIntoItems',
			type: 'boolean',
			default: false,
			description:
				'Whether to output one item per downloaded file (binary in the field named above, with its URL, its number and the job ID), ready for an upload node without Split Out. Off: one item per job.',
		},
		{
			displayName: 'Timeout (Minutes)',
			name: 'timeoutMinutes',
			type: 'number',
			default: DEFAULT_TIMEOUT_MINUTES,
			typeOptions: { minValue: 0.05, numberPrecision: 2 },
			description:
				'How long to wait for the job; hours are fine. Poll: the node then fails with the job ID. Pause: the run then continues with callbackReceived: false and the job ID. Either way the job may still finish: read it later with Get Job.',
		},
	],
};

/** The parameters every submit operation ends with: callback URL, waiting, downloads and options. */
export function submitProperties(files: ResultFiles = 'results'): INodeProperties[] {
	return [
		callbackUrlProperty,
		referenceProperty,
		...waitProperties(true, files),
		waitStrategyProperty,
		...waitStrategyNotices,
		waitOptionsProperty,
	];
}
