/** Secrets that travel inside URLs (callback tokens, n8n's resume signature, a CDN's signed link), kept out of outputs and errors. */

/** Query parameters that carry a secret. */
const SECRET_QUERY = /([?&](?:token|signature|secret|x-api-key)=)[^&#\s"'<>]+/gi;
/**
 * A path segment that is a token: 32 or more hex digits (job and webhook IDs are UUIDs, with dashes).
 * The Trigger's path form ends in one: `/webhook/<id>/<id>/<token>`.
 */
const SECRET_PATH_SEGMENT = /\/[0-9a-f]{32,}(?=[/?#\s"']|$)/gi;

/** The text (an error message, an echoed callback URL) with every URL token replaced by `[redacted]`. */
export function redactUrlSecrets(text: string): string {
	return text.replace(SECRET_QUERY, '$1[redacted]').replace(SECRET_PATH_SEGMENT, '/[redacted]');
}

/** Field names that hold or may hold a secret: dropped from account data at any depth, masked by `npm run contract`. */
export const SECRET_FIELD_NAME = /key|token|secret|passw|credential|signature|auth|cookie|session/i;
