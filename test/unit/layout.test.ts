/**
 * The shape of the shipped code: no import circle in nodes/ and credentials/, no shipped file over
 * 300 lines, and the names that must agree written once.
 */
import { readSourceFiles } from '../helpers/source-tree';

const MAX_LINES = 300;

interface SourceFile {
	path: string;
	text: string;
}

/** The relative modules a file imports or re-exports, as written (`import type` included: a circle is a circle). */
function importSpecifiers(text: string): string[] {
	const specifiers: string[] = [];
	const statement = /^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'|^\s*import\s+'([^']+)'/gm;
	for (const match of text.matchAll(statement)) {
		const specifier = match[1] ?? match[2];
		if (specifier.startsWith('.')) specifiers.push(specifier);
	}
	return specifiers;
}

/** The file an import names: `x` is `x.ts` or `x/index.ts`; JSON and other non-TS files are left out. */
function resolveImport(from: string, specifier: string, paths: Set<string>): string | null {
	const parts = from.split('/').slice(0, -1);
	for (const part of specifier.split('/')) {
		if (part === '..') parts.pop();
		else if (part !== '.') parts.push(part);
	}
	const base = parts.join('/');
	return [`${base}.ts`, `${base}/index.ts`].find((candidate) => paths.has(candidate)) ?? null;
}

/** The import graph: each file and the shipped files it imports. */
function importGraph(files: SourceFile[]): Map<string, string[]> {
	const paths = new Set(files.map((file) => file.path));
	return new Map(
		files.map((file) => [
			file.path,
			importSpecifiers(file.text)
				.map((specifier) => resolveImport(file.path, specifier, paths))
				.filter((target): target is string => target !== null),
		]),
	);
}

/** Every import circle, each once, as the path that closes it (`a -> b -> a`). */
function findCycles(graph: Map<string, string[]>): string[][] {
	const cycles: string[][] = [];
	const seen = new Set<string>();
	const finished = new Set<string>();
	const stack: string[] = [];
	const visit = (node: string) => {
		seen.add(node);
		stack.push(node);
		for (const next of graph.get(node) ?? []) {
			if (!seen.has(next)) visit(next);
			else if (!finished.has(next)) cycles.push([...stack.slice(stack.indexOf(next)), next]);
		}
		stack.pop();
		finished.add(node);
	};
	for (const node of graph.keys()) if (!seen.has(node)) visit(node);
	return cycles;
}

const shipped = readSourceFiles(['nodes', 'credentials']) as SourceFile[];

describe('the checks themselves', () => {
	it('find a circle, through `import type` and re-exports too', () => {
		const files = [
			{ path: 'nodes/a.ts', text: "import { b } from './b';\n" },
			{ path: 'nodes/b.ts', text: "import type {\n\tC,\n} from './sub';\n" },
			{ path: 'nodes/sub/index.ts', text: "export { a } from '../a';\n" },
			{ path: 'nodes/d.ts', text: "import { a } from './a';\nimport 'n8n-workflow';\n" },
		];
		expect(findCycles(importGraph(files))).toEqual([
			['nodes/a.ts', 'nodes/b.ts', 'nodes/sub/index.ts', 'nodes/a.ts'],
		]);
	});

	it('find no circle where imports only go one way', () => {
		const files = [
			{ path: 'nodes/a.ts', text: "import { b } from './b';\nimport { c } from './c';\n" },
			{ path: 'nodes/b.ts', text: "import { c } from './c';\n" },
			{ path: 'nodes/c.ts', text: "import type { INode } from 'n8n-workflow';\n" },
		];
		expect(findCycles(importGraph(files))).toEqual([]);
	});

	it('read the shipped sources', () => {
		const paths = shipped.map((file) => file.path);
		expect(paths).toContain('nodes/LegnextVideo/LegnextVideo.node.ts');
		expect(paths).toContain('credentials/LegnextVideoApi.credentials.ts');
		// The graph has edges: a parser that found no imports would pass the circle check for nothing.
		const edges = [...importGraph(shipped).values()].flat();
		expect(edges.length).toBeGreaterThan(shipped.length);
	});
});

describe('layout of nodes/ and credentials/', () => {
	it('has no import circle', () => {
		const cycles = findCycles(importGraph(shipped)).map((cycle) => cycle.join(' -> '));
		expect(cycles).toEqual([]);
	});

	it(`has no file over ${MAX_LINES} lines`, () => {
		const long = shipped
			.map((file) => ({ path: file.path, lines: file.text.split('\n').length - 1 }))
			.filter((file) => file.lines > MAX_LINES)
			.map((file) => `${file.path}: ${file.lines} lines`);
		expect(long).toEqual([]);
	});

	it('names the credential type once in nodes/: every node imports CREDENTIAL_TYPE', () => {
		const literal = /['"]legnextVideoApi['"]/g;
		const uses = shipped
			.filter((file) => file.path.startsWith('nodes/'))
			.flatMap((file) => (file.text.match(literal) ?? []).map(() => file.path));
		expect(uses).toEqual(['nodes/legnext/credential.ts']);
	});
});
