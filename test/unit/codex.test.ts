// The codex files (<Node>.node.json) beside each node: n8n's node loader reads their categories, alias
// and documentation links, and the editor's node panel decides with the categories what its search shows.
import type { INodeType } from 'n8n-workflow';

import manifest from '../../package.json';
import videoCodex from '../../nodes/LegnextVideo/LegnextVideo.node.json';
import { LegnextVideo } from '../../nodes/LegnextVideo/LegnextVideo.node';
import triggerCodex from '../../nodes/LegnextVideoTrigger/LegnextVideoTrigger.node.json';
import { LegnextVideoTrigger } from '../../nodes/LegnextVideoTrigger/LegnextVideoTrigger.node';

interface Codex {
	node: string;
	categories?: string[];
	subcategories?: Record<string, string[]>;
	resources: { primaryDocumentation: Array<{ url: string }> };
}

const NODES: Array<{ built: string; nodeType: INodeType; codex: Codex }> = [
	{
		built: 'dist/nodes/LegnextVideo/LegnextVideo.node.js',
		nodeType: new LegnextVideo(),
		codex: videoCodex,
	},
	{
		built: 'dist/nodes/LegnextVideoTrigger/LegnextVideoTrigger.node.js',
		nodeType: new LegnextVideoTrigger(),
		codex: triggerCodex,
	},
];

describe('codex files', () => {
	it('every node that package.json lists has one (gulp copies nodes/**/*.json into dist/)', () => {
		expect([...manifest.n8n.nodes].sort()).toEqual(NODES.map((node) => node.built).sort());
	});

	it.each(NODES)('$built: the codex names its node type', ({ nodeType, codex }) => {
		expect(codex.node).toBe(`${manifest.name}.${nodeType.description.name}`);
	});

	// n8n 2.41's node panel search drops AI-category nodes that are not AI root nodes (editor-ui
	// nodeCreator/composables/useViewStacks.ts, filterOutAiNodes) unless the canvas already holds AI
	// nodes: with "AI" here, typing "Legnext" found nothing. The AI tool variant is put under AI by n8n.
	it.each(NODES)('$built: its categories are ones the node search keeps', ({ codex }) => {
		expect(codex.categories?.length).toBeGreaterThan(0);
		const aiRootNode = codex.subcategories?.AI?.includes('Root Nodes') === true;
		if (!aiRootNode) expect(codex.categories).not.toContain('AI');
	});

	it.each(NODES)('$built: documentation points at the README', ({ codex }) => {
		const [primary] = codex.resources.primaryDocumentation;
		expect(primary.url.startsWith(`${manifest.homepage.replace(/#readme$/, '')}#`)).toBe(true);
	});
});
