/**
 * The tokens in callback URLs: made with the API key (only its holder can make one), joined with an item's
 * Reference into one path segment, split again and compared in constant time.
 */

import { createHmac, timingSafeEqual } from 'crypto';

/** A URL token only the API key's holder can make: an HMAC of `<purpose>:<id>` keyed by the key. */
export function keyedToken(apiKey: string, purpose: string, id: string): string {
	return createHmac('sha256', apiKey).update(`${purpose}:${id}`).digest('hex').slice(0, 32);
}

/**
 * The Trigger's token when its Secret Token is left empty, derived from its webhook ID.
 * A Legnext Video node with the same credential can compute it, a forger cannot.
 */
export function derivedTriggerToken(apiKey: string, webhookId: string, reference = ''): string {
	// A reference is covered by the token: a caller who changes it has no matching token.
	return reference === ''
		? keyedToken(apiKey, 'legnext-trigger', webhookId)
		: keyedToken(apiKey, 'legnext-trigger-reference', `${webhookId}\n${reference}`);
}

const REFERENCE_SEPARATOR = '~';
export const MAX_REFERENCE_LENGTH = 256;

/** Joins a token and a reference into one path segment: `<token>~<reference, base64url>`. */
export function tokenSegment(token: string, reference: string): string {
	if (reference === '') return token;
	return `${token}${REFERENCE_SEPARATOR}${Buffer.from(reference, 'utf8').toString('base64url')}`;
}

/**
 * A path token segment split into its token and its reference (`null` when it carries none or one that does not
 * decode). The reference rides in the path beside the token, so it survives a sender that drops the query string.
 */
export function splitTokenSegment(segment: string): { token: string; reference: string | null } {
	const at = segment.indexOf(REFERENCE_SEPARATOR);
	if (at < 0) return { token: segment, reference: null };
	const encoded = segment.slice(at + 1);
	const reference = Buffer.from(encoded, 'base64url').toString('utf8');
	const valid =
		/^[A-Za-z0-9_-]+$/.test(encoded) &&
		Buffer.from(reference, 'utf8').toString('base64url') === encoded &&
		reference.length <= MAX_REFERENCE_LENGTH;
	return { token: segment.slice(0, at), reference: valid ? reference : null };
}

export function tokensMatch(given: unknown, expected: string): boolean {
	if (typeof given !== 'string') return false;
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}
