/** The Legnext credential as the nodes read it: its type name, and how often n8n is asked for it. */

import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

export const CREDENTIAL_TYPE = 'legnextVideoApi';

/**
 * n8n loads and decrypts a credential on every read, and in a webhook n8n 2.x also starts an expression isolate
 * for it, cold: 75-105 ms a read on an idle 2-core machine, 0.4 s when a batch's six callbacks come together. So one
 * webhook call reads it once, for its token and all its requests, and the callbacks of one waiting run that come
 * within seconds of each other share one read. Nothing is kept across runs (a changed credential is read anew), and
 * a failed read is not kept: each caller reports it.
 */
const credentialOfWebhookCall = new WeakMap<object, Promise<ICredentialDataDecryptedObject>>();

/** How long a waiting run's credential read serves its other callbacks after it finished. */
const SHARED_READ_MS = 10_000;

interface SharedRead {
	read: Promise<ICredentialDataDecryptedObject>;
	finishedAt?: number;
}

/** Credential reads of waiting runs, by execution, node and credential. */
const readsOfExecution = new Map<string, SharedRead>();

function executionRead(ctx: IWebhookFunctions): Promise<ICredentialDataDecryptedObject> {
	const executionId = ctx.getExecutionId();
	// The Trigger's calls come before their run exists: each reads its own.
	if (!executionId) return ctx.getCredentials(CREDENTIAL_TYPE);
	const node = ctx.getNode();
	const key = [executionId, node.name, node.credentials?.[CREDENTIAL_TYPE]?.id ?? ''].join('\n');
	const now = Date.now();
	for (const [other, entry] of readsOfExecution) {
		if (entry.finishedAt !== undefined && now - entry.finishedAt >= SHARED_READ_MS) {
			readsOfExecution.delete(other);
		}
	}
	const shared = readsOfExecution.get(key);
	if (shared) return shared.read;
	const entry: SharedRead = { read: ctx.getCredentials(CREDENTIAL_TYPE) };
	readsOfExecution.set(key, entry);
	entry.read.then(
		() => (entry.finishedAt = Date.now()),
		() => readsOfExecution.delete(key),
	);
	return entry.read;
}

export async function credentialData(
	ctx: IExecuteFunctions | IWebhookFunctions,
): Promise<ICredentialDataDecryptedObject> {
	// Only a webhook call has a request; a node run may last minutes, so it reads the credential each time.
	if (!('getRequestObject' in ctx)) return await ctx.getCredentials(CREDENTIAL_TYPE);
	let read = credentialOfWebhookCall.get(ctx);
	if (read === undefined) {
		read = executionRead(ctx);
		credentialOfWebhookCall.set(ctx, read);
		read.catch(() => credentialOfWebhookCall.delete(ctx));
	}
	return await read;
}

/** The API key alone, for the tokens derived from it (callback URLs); never sent anywhere. */
export async function readApiKey(ctx: IExecuteFunctions | IWebhookFunctions): Promise<string> {
	const credentials = await credentialData(ctx);
	return String(credentials.apiKey ?? '');
}
