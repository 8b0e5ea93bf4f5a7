/** Callback URLs that point at a Legnext Video Trigger: its webhook path, and the token the Video node adds. */

import type { IExecuteFunctions } from 'n8n-workflow';

import { derivedTriggerToken, tokenSegment } from './callbackTokens';
import { readApiKey } from './credential';

/** The Trigger's webhook path: its Production URL ends in `/webhook/<webhookId>/callback`. */
export const TRIGGER_WEBHOOK_PATH = 'callback';

/** A Legnext Video Trigger's URL (production or test): `/webhook[-test]/<webhookId>/callback`. */
const TRIGGER_PATH = new RegExp(
	`/webhook(?:-test)?/([0-9a-f-]{36})/${TRIGGER_WEBHOOK_PATH}/?$`,
	'i',
);
/** The path's last segment, replaced by the token hook's `<webhookId>/<token>`. */
const TRIGGER_PATH_END = new RegExp(`/${TRIGGER_WEBHOOK_PATH}/?$`, 'i');

/**
 * Adds the derived token to a Callback URL that points at a Legnext Video Trigger and carries no token,
 * so users can paste the trigger's URL as it is. The token goes in the path, which survives a sender that
 * drops or rewrites the query string: `/webhook/<id>/callback` becomes `/webhook/<id>/<id>/<token>`, the
 * Trigger's path-token hook. Any other URL is returned unchanged.
 */
export async function withTriggerToken(
	ctx: IExecuteFunctions,
	callbackUrl: string,
	reference = '',
): Promise<string> {
	const url = new URL(callbackUrl);
	const match = TRIGGER_PATH.exec(url.pathname);
	if (!match || url.searchParams.has('token')) return callbackUrl;
	// The token opens that trigger: only this n8n's own webhook address may receive it.
	if (url.origin !== ownWebhookOrigin(ctx)) return callbackUrl;
	const webhookId = match[1].toLowerCase();
	const token = derivedTriggerToken(await readApiKey(ctx), webhookId, reference);
	const segment = tokenSegment(token, reference);
	url.pathname = url.pathname.replace(TRIGGER_PATH_END, `/${match[1]}/${segment}`);
	return url.toString();
}

/** This n8n's webhook origin (WEBHOOK_URL), read from the resume URL n8n builds on it. */
function ownWebhookOrigin(ctx: IExecuteFunctions): string | null {
	try {
		return new URL(String(ctx.getWorkflowDataProxy(0).$execution.resumeUrl)).origin;
	} catch {
		return null;
	}
}

/** For the output: why a trigger-looking Callback URL got no token (it is not on this n8n), or null. */
export function callbackUrlNote(ctx: IExecuteFunctions, callbackUrl: string): string | null {
	const url = new URL(callbackUrl);
	if (!TRIGGER_PATH.test(url.pathname) || url.searchParams.has('token')) return null;
	const ownOrigin = ownWebhookOrigin(ctx);
	if (url.origin === ownOrigin) return null;
	return `The Callback URL is not on this n8n's webhook address (${ownOrigin ?? 'unknown'}), so no trigger token was added to it: a Legnext Video Trigger there refuses the call unless the URL carries its Secret Token as ?token=.`;
}
