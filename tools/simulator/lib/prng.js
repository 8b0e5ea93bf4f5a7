// @ts-check
'use strict';

/**
 * Small seeded PRNG (mulberry32). Fault decisions use it so that the same seed and the same
 * sequence of requests give the same faults on every run.
 * @param {number} seed
 * @returns {() => number} a function returning floats in [0, 1)
 */
function createPrng(seed) {
	let state = seed >>> 0;
	return function next() {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

module.exports = { createPrng };
