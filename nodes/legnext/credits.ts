/**
 * What Legnext charges per operation, in credits (fast mode; turbo doubles; $1 = 1000 credits).
 * Source: Legnext's pricing page, as written down in the project's API contract. Every message that
 * names a cost reads this one table.
 */

export type PricedOperation =
	| 'video:create'
	| 'video:extend'
	| 'video:upscale'
	| 'image:imagine'
	| 'image:variation'
	| 'image:upscale'
	| 'image:reroll'
	| 'image:pan'
	| 'image:outpaint'
	| 'image:blend'
	| 'image:describe'
	| 'image:shorten';

/**
 * Prices by variant where the price depends on one: video quality `[480p, 720p]` (extend is priced as its
 * source video), image upscale type `[subtle, creative]`. Reroll is priced as imagine (unconfirmed).
 */
export const CREDIT_COSTS: Readonly<Record<PricedOperation, readonly number[]>> = {
	'video:create': [480, 1536],
	'video:extend': [480, 1536],
	'video:upscale': [480],
	'image:imagine': [80],
	'image:variation': [120],
	'image:upscale': [120, 160],
	'image:reroll': [80],
	'image:pan': [80],
	'image:outpaint': [80],
	'image:blend': [80],
	'image:describe': [20],
	'image:shorten': [20],
};

/**
 * The credits a call needs: the price of `variant` (quality, upscale type) when it is known, else every
 * price the operation may have (an extend costs what its source video cost, which the node does not know).
 */
export function creditsFor(operation: PricedOperation, variant?: number): number[] {
	const prices = CREDIT_COSTS[operation];
	if (variant === undefined) return [...prices];
	return [prices[Math.min(Math.max(variant, 0), prices.length - 1)]];
}

/** "480 credits", "480 or 1536 credits". */
export function describeCredits(credits: readonly number[]): string {
	return `${credits.join(' or ')} credits`;
}
