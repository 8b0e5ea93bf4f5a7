'use strict';

/** Reads the contract fixtures (test/fixtures/contract/*.json); plain JS because node code may not touch the file system. */

const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const DIR = join(__dirname, '..', 'fixtures', 'contract');

/** @returns {string[]} fixture names without `.json` */
function fixtureNames() {
	return readdirSync(DIR)
		.filter((name) => name.endsWith('.json'))
		.map((name) => name.slice(0, -'.json'.length));
}

/** @param {string} name */
function readFixture(name) {
	return JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8'));
}

module.exports = { fixtureNames, readFixture };
