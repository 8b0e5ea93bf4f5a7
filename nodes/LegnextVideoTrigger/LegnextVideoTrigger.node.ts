import {
	NodeConnectionTypes,
	type IBinaryKeyData,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { referenceOfCall, rejectCall, verifyCallback } from '../legnext/callback';
import { derivedTriggerToken } from '../legnext/callbackTokens';
import { CREDENTIAL_TYPE, readApiKey } from '../legnext/credential';
import { downloadProperties, readDownloadSettings } from '../legnext/downloadParameters';
import { isVideoTaskType, toJobItem, type LegnextJob } from '../legnext/job';
import { downloadForWebhook } from '../legnext/resultFiles';
import { TRIGGER_WEBHOOK_PATH } from '../legnext/triggerUrl';
import { InputChecker } from '../legnext/validation';

/** Seen job/status pairs kept for de-duplication; old ones drop out first. */
const MAX_REMEMBERED_DELIVERIES = 500;
/** Trigger nodes whose deliveries this process remembers. */
const MAX_REMEMBERED_TRIGGERS = 200;

export class LegnextVideoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Legnext Video Trigger',
		name: 'legnextVideoTrigger',
		icon: { light: 'file:../../icons/legnext.svg', dark: 'file:../../icons/legnext.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{$parameter["events"] === "both" ? "On completed or failed jobs" : "On " + $parameter["events"] + " jobs"}}',
		// n8n's node panel merges this node into the "Legnext Video" entry and shows this text on it in
		// every panel (editor-ui nodeCreator/composables/useActionsGeneration.ts), so it covers both nodes.
		description:
			'Create, extend and upscale AI videos and images with Legnext, and start workflows when Legnext jobs finish',
		defaults: { name: 'Legnext Video Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: 'noData',
				path: TRIGGER_WEBHOOK_PATH,
			},
			// The same hook with the token as the last path segment, the form the Legnext Video node sends: it
			// survives a sender that drops the query string. n8n 2.41 finds a path with a `:parameter` by the
			// webhook ID in the URL's first segment and needs the stored path unique, hence
			// `/webhook/<webhookId>/<webhookId>/<token>`. Hidden in the panel: the URL above is the one to paste.
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: 'noData',
				path: '={{$webhookId}}/:token',
				isFullPath: true,
				ndvHideUrl: true,
			},
		],
		properties: [
			{
				displayName:
					'Publish the workflow, then paste this node\u2019s Production URL as it is into the Callback URL of a Legnext Video node that uses the same credential: that node adds a token of its own, with or without a Secret Token. Other senders must add the Secret Token to the URL, as ?token=... at its end. A call without a valid token gets 401, starts nothing, and leaves a warning in the n8n log. The Test URL listens for two minutes only, shorter than a video job. n8n must be reachable from the internet (N8N_WEBHOOK_URL).',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Secret Token',
				name: 'token',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				placeholder: 'Only for senders other than the Legnext Video node',
				description:
					'For senders other than the Legnext Video node: their calls must carry this in the URL, as ?token=... or as the last path segment (/webhook/ID/ID/TOKEN, ID being this trigger\u2019s webhook ID); calls without a valid token get 401 and start nothing. Legnext Video nodes with the same credential need none of it: they add a token derived from the credential and this trigger, accepted whether or not this is set. Make one with e.g. "openssl rand -hex 16".',
			},
			{
				displayName: 'Confirm with Legnext API',
				name: 'confirmWithApi',
				type: 'boolean',
				default: true,
				description:
					'Whether to read each called-back job from the Legnext API (free) and fire only when the API confirms it. Callbacks are unsigned, so leave this on.',
			},
			{
				// "Trigger On": the name n8n's node panel looks for to list each choice as a trigger of its own.
				displayName: 'Trigger On',
				name: 'events',
				type: 'options',
				default: 'completed',
				options: [
					{
						name: 'Completed Jobs',
						value: 'completed',
						action: 'On a completed job',
						description: 'Start the workflow with each job that finishes successfully',
					},
					{
						name: 'Failed Jobs',
						value: 'failed',
						action: 'On a failed job',
						description:
							'Start the workflow with each job that fails, and the error Legnext reports',
					},
					{
						name: 'Completed or Failed Jobs',
						value: 'both',
						action: 'On a completed or failed job',
						description: 'Start the workflow with each job that ends, successfully or not',
					},
				],
				description: 'Which job outcomes start the workflow',
			},
			{
				displayName: 'Job Types',
				name: 'jobTypes',
				type: 'multiOptions',
				default: ['any'],
				options: [
					{ name: 'Any Job', value: 'any' },
					{ name: 'Create Video', value: 'video_diffusion' },
					{ name: 'Extend Video', value: 'extend_video' },
					{ name: 'Image Jobs', value: 'image' },
					{ name: 'Upscale Video', value: 'video_upscale' },
				],
				description: 'Which kinds of job start the workflow',
			},
			...downloadProperties(),
		],
	};

	// Nothing to register at Legnext: the URL is handed over with each job. These keep the de-duplication memory tidy.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				delete this.getWorkflowStaticData('node').deliveries;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const reference = referenceOfCall(this);
		const expectedTokens = await triggerTokens(this, reference);
		if (expectedTokens.length === 0) {
			return rejectCall(
				this,
				401,
				'No Secret Token is set and no Legnext credential to derive one from, so every call is refused',
			);
		}
		const verdict = await verifyCallback(this, {
			expectedTokens,
			confirmWithApi: this.getNodeParameter('confirmWithApi', true) as boolean,
		});
		if (!verdict.accepted) return rejectCall(this, verdict.status, verdict.reason);
		const { job } = verdict;

		if (!matchesFilters(this, job)) {
			this.getResponseObject().status(200).json({ ok: true, ignored: 'filtered out' });
			return { noWebhookResponse: true };
		}
		const delivery = deliveryOf(this, `${job.jobId}:${job.status}`);
		// A repeat that arrives while the first call is still downloading is a duplicate too.
		if (wasDelivered(this, delivery) || deliveriesInProgress.has(delivery.id)) {
			this.getResponseObject().status(200).json({ ok: true, ignored: 'duplicate' });
			return { noWebhookResponse: true };
		}

		deliveriesInProgress.add(delivery.id);
		try {
			let binary: IBinaryKeyData | undefined;
			try {
				const settings = readDownloadSettings(new InputChecker(this, 0));
				binary = await downloadForWebhook(this, job, settings, 0);
			} catch (error) {
				// Nothing started and nothing recorded: Legnext's repeat of this call is handled as new.
				const reason = error instanceof Error ? error.message : String(error);
				return rejectCall(this, 503, `Workflow not started: ${reason}`);
			}
			// Recorded only now that the workflow starts, so a failure above never turns the repeat into a "duplicate".
			recordDelivery(this, delivery);
			const json = toJobItem(job, { reference });
			return { workflowData: [[{ json, ...(binary ? { binary } : {}) }]] };
		} finally {
			deliveriesInProgress.delete(delivery.id);
		}
	}
}

/**
 * The tokens a call may carry: the Secret Token, for other senders, and one derived from the credential and
 * this trigger's webhook ID, which the Legnext Video node adds to the trigger's URL by itself. So a pasted
 * Production URL works whether or not a Secret Token is set.
 */
async function triggerTokens(ctx: IWebhookFunctions, reference: string | null): Promise<string[]> {
	// An expression that resolves to nothing or to an object is no token (not the text "undefined").
	const tokenValue = ctx.getNodeParameter('token', '') as unknown;
	// A call with a reference must carry the token derived for it: the Secret Token does not cover a reference.
	const tokens =
		typeof tokenValue === 'string' && tokenValue !== '' && reference === null ? [tokenValue] : [];
	// No credential: no derived token.
	const apiKey = await readApiKey(ctx).then(
		(key) => key,
		() => '',
	);
	const webhookId = ctx.getNode().webhookId ?? '';
	if (apiKey !== '' && webhookId !== '') {
		tokens.push(derivedTriggerToken(apiKey, webhookId.toLowerCase(), reference ?? ''));
	}
	return tokens;
}

function matchesFilters(ctx: IWebhookFunctions, job: LegnextJob): boolean {
	const events = ctx.getNodeParameter('events', 'completed') as string;
	if (events !== 'both' && events !== job.status) return false;
	const jobTypes = ctx.getNodeParameter('jobTypes', ['any']) as string[];
	if (jobTypes.length === 0 || jobTypes.includes('any')) return true;
	if (jobTypes.includes(job.taskType)) return true;
	return jobTypes.includes('image') && !isVideoTaskType(job.taskType);
}

/**
 * Deliveries this process has seen, per trigger node. n8n 2.41 does not save static data that a
 * trigger's webhook() changed once the workflow runs, so the static data alone forgets; this memory is
 * the first layer (per process: in queue mode each webhook process remembers its own deliveries).
 */
const deliveriesByTrigger = new Map<string, string[]>();

/** Deliveries whose call is being handled right now (downloading), by scope and key. */
const deliveriesInProgress = new Set<string>();

interface Delivery {
	/** The trigger node: `<workflow id>:<node id>`. */
	scope: string;
	/** `<job id>:<status>`. */
	key: string;
	id: string;
}

function deliveryOf(ctx: IWebhookFunctions, key: string): Delivery {
	const scope = `${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`;
	return { scope, key, id: `${scope}|${key}` };
}

/** Whether this trigger fired for the delivery before (in this process or in its static data). */
function wasDelivered(ctx: IWebhookFunctions, delivery: Delivery): boolean {
	const stored = ctx.getWorkflowStaticData('node').deliveries;
	if (Array.isArray(stored) && (stored as unknown[]).includes(delivery.key)) return true;
	return deliveriesByTrigger.get(delivery.scope)?.includes(delivery.key) ?? false;
}

function recordDelivery(ctx: IWebhookFunctions, { scope, key }: Delivery): void {
	const staticData = ctx.getWorkflowStaticData('node');
	const stored = Array.isArray(staticData.deliveries) ? (staticData.deliveries as string[]) : [];
	const inMemory = deliveriesByTrigger.get(scope) ?? [];
	staticData.deliveries = [...stored, key].slice(-MAX_REMEMBERED_DELIVERIES);
	deliveriesByTrigger.delete(scope); // re-insert: the map's oldest scopes are dropped first
	deliveriesByTrigger.set(scope, [...inMemory, key].slice(-MAX_REMEMBERED_DELIVERIES));
	if (deliveriesByTrigger.size > MAX_REMEMBERED_TRIGGERS) {
		deliveriesByTrigger.delete(deliveriesByTrigger.keys().next().value as string);
	}
}
