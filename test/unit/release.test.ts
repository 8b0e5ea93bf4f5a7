/**
 * What a reviewer of a community package checks first: the package metadata and files, the
 * credential's names, and the Trigger's subtitle as the editor evaluates it.
 */
import { Workflow, type INode, type INodeTypes } from 'n8n-workflow';

import { LegnextVideoApi } from '../../credentials/LegnextVideoApi.credentials';
import { TRIGGER_NODE_TYPE, nodeTypes } from '../helpers/legnext';
import { readRootFile, rootFileExists } from '../helpers/package-files';

const manifest = JSON.parse(readRootFile('package.json')) as {
	version: string;
	license: string;
	main?: string;
	files: string[];
};

describe('package files', () => {
	it('has an MIT LICENSE matching package.json', () => {
		expect(manifest.license).toBe('MIT');
		expect(readRootFile('LICENSE')).toMatch(/^MIT License\n/);
	});

	it('names no main file that the package does not ship', () => {
		// n8n loads the files listed under "n8n"; a dangling "main" only misleads tools and reviewers.
		if (manifest.main !== undefined) expect(rootFileExists(manifest.main)).toBe(true);
	});

	it('has a changelog entry for the version in package.json, and ships it', () => {
		const changelog = readRootFile('CHANGELOG.md');
		expect(changelog).toContain(`## [${manifest.version}] - `);
		expect(manifest.files).toContain('CHANGELOG.md');
	});
});

describe('credential names', () => {
	const credential = new LegnextVideoApi();

	it('keeps the type name stored credentials refer to', () => {
		expect(credential.name).toBe('legnextVideoApi');
	});

	it('is shown under a name other than the vendor package\u2019s "Legnext API"', () => {
		expect(credential.displayName).toBe('Legnext Video API');
	});
});

describe('Trigger subtitle', () => {
	const trigger = nodeTypes[TRIGGER_NODE_TYPE];
	const subtitle = trigger.description.subtitle as string;
	const fireOn = trigger.description.properties.find((property) => property.name === 'events');

	/** The subtitle as the editor shows it: evaluated against the node's parameters. */
	function subtitleFor(events: string): unknown {
		const node: INode = {
			id: 'trigger',
			name: 'Legnext Video Trigger',
			type: TRIGGER_NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { events },
		};
		const types: INodeTypes = {
			getByName: () => trigger,
			getByNameAndVersion: () => trigger,
			getKnownTypes: () => ({}),
		};
		const workflow = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: types,
		});
		return workflow.expression.getSimpleParameterValue(node, subtitle, 'internal', {});
	}

	it('reads as a phrase for every Fire On choice', () => {
		const choices = (fireOn?.options ?? []).map((option) => (option as { value: string }).value);
		expect(choices).toEqual(['completed', 'failed', 'both']);
		expect(choices.map(subtitleFor)).toEqual([
			'On completed jobs',
			'On failed jobs',
			'On completed or failed jobs',
		]);
	});
});
