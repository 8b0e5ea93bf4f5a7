import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { derivedTriggerToken, rejectCall, verifyCallback } from '../shared/callback';
import { downloadProperties, downloadResults, readDownloadSettings } from '../shared/download';
import { isVideoTaskType, toJobItem, type LegnextJob } from '../shared/job';
import { readApiKey } from '../shared/transport';

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
		description: 'Starts the workflow when a Legnext job finishes (Legnext calls this node back)',
		defaults: { name: 'Legnext Video Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'legnextVideoApi',
				required: true,
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: 'noData',
				path: 'callback',
			},
		],
		properties: [
			{
				displayName:
					'Paste this node\u2019s Production URL as it is into the Callback URL of a Legnext Video node that uses the same credential: it adds the token itself. Other senders need ?token= and the Secret Token below. The workflow must be active, and n8n reachable from the internet.',
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
				placeholder: 'Leave empty to derive it from the credential',
				description:
					'Callbacks must carry this as ?token=... in the URL; calls without it get 401 and start nothing. Leave empty to use a token derived from the Legnext credential and this trigger, which the Legnext Video node adds by itself. Set one (e.g. "openssl rand -hex 16") for other senders.',
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
				displayName: 'Fire On',
				name: 'events',
				type: 'options',
				default: 'completed',
				options: [
					{ name: 'Completed Jobs', value: 'completed' },
					{ name: 'Failed Jobs', value: 'failed' },
					{ name: 'Completed or Failed Jobs', value: 'both' },
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
		const expectedToken = await triggerToken(this);
		if (expectedToken === null) {
			return rejectCall(
				this,
				401,
				'No Secret Token is set and no Legnext credential to derive one from, so every call is refused',
			);
		}
		const verdict = await verifyCallback(this, {
			expectedToken,
			confirmWithApi: this.getNodeParameter('confirmWithApi', true) as boolean,
		});
		if (!verdict.accepted) return rejectCall(this, verdict.status, verdict.reason);
		const { job } = verdict;

		if (!matchesFilters(this, job)) {
			this.getResponseObject().status(200).json({ ok: true, ignored: 'filtered out' });
			return { noWebhookResponse: true };
		}
		if (!rememberDelivery(this, `${job.jobId}:${job.status}`)) {
			this.getResponseObject().status(200).json({ ok: true, ignored: 'duplicate' });
			return { noWebhookResponse: true };
		}

		const settings = readDownloadSettings((name, fallback) =>
			this.getNodeParameter(name, fallback),
		);
		const binary =
			job.status === 'completed' && settings.mode !== 'none'
				? await downloadResults(this, job, settings, 0)
				: undefined;
		return { workflowData: [[{ json: toJobItem(job), ...(binary ? { binary } : {}) }]] };
	}
}

/**
 * The token calls must carry: the Secret Token, or when it is empty one derived from the credential and
 * this trigger's webhook ID (the Legnext Video node adds that one to the trigger's URL by itself).
 */
async function triggerToken(ctx: IWebhookFunctions): Promise<string | null> {
	// An expression that resolves to nothing or to an object is no token (not the text "undefined").
	const tokenValue = ctx.getNodeParameter('token', '') as unknown;
	const token = typeof tokenValue === 'string' ? tokenValue : '';
	if (token !== '') return token;
	// No credential: no derived token, so every call is refused.
	const apiKey = await readApiKey(ctx).then(
		(key) => key,
		() => '',
	);
	const webhookId = ctx.getNode().webhookId ?? '';
	return apiKey === '' || webhookId === ''
		? null
		: derivedTriggerToken(apiKey, webhookId.toLowerCase());
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

/** Records a delivery; false when this trigger saw it before (in this process or in its static data). */
function rememberDelivery(ctx: IWebhookFunctions, key: string): boolean {
	const scope = `${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`;
	const staticData = ctx.getWorkflowStaticData('node');
	const stored = Array.isArray(staticData.deliveries) ? (staticData.deliveries as string[]) : [];
	const inMemory = deliveriesByTrigger.get(scope) ?? [];
	if (stored.includes(key) || inMemory.includes(key)) return false;
	staticData.deliveries = [...stored, key].slice(-MAX_REMEMBERED_DELIVERIES);
	deliveriesByTrigger.delete(scope); // re-insert: the map's oldest scopes are dropped first
	deliveriesByTrigger.set(scope, [...inMemory, key].slice(-MAX_REMEMBERED_DELIVERIES));
	if (deliveriesByTrigger.size > MAX_REMEMBERED_TRIGGERS) {
		deliveriesByTrigger.delete(deliveriesByTrigger.keys().next().value as string);
	}
	return true;
}
