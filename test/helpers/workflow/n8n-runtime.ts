/**
 * One-time set-up of the n8n-core services that the execution engine looks up in its
 * dependency-injection container (`Container.get(...)` from `@n8n/di`) while nodes run:
 * instance settings (execution ids, resume-URL signing), a logger, and the binary data store.
 *
 * Without this, n8n-core would build its own InstanceSettings, which writes an encryption key
 * to ~/.n8n/config, and a Logger that prints to the console.
 */
import { createHash, randomBytes } from 'crypto';
import { BinaryDataService, ErrorReporter, InstanceSettings } from 'n8n-core';
import { LoggerProxy } from 'n8n-workflow';
import type { Logger as WorkflowLogger } from 'n8n-workflow';

/** The three methods of `@n8n/di`'s Container that the harness needs. */
interface DiContainer {
	has(type: object): boolean;
	get<T>(type: abstract new (...args: never[]) => T): T;
	set<T>(type: abstract new (...args: never[]) => T, instance: T): void;
}

interface BackendCommonModule {
	Logger: abstract new (...args: never[]) => unknown;
}

/**
 * n8n-core resolves its services through its own copy of `@n8n/di` (npm nests it under
 * n8n-core when the hoisted copy has another version). A different copy would be a different,
 * empty container, so each candidate is checked: the right one knows n8n-core's services.
 * The module is loaded by path because `@n8n/di` is not a devDependency of this package.
 */
function loadN8nCoreModule<T extends object>(
	candidates: string[],
	isTheOneN8nCoreUses: (module: T) => boolean,
): T {
	const failures: string[] = [];
	for (const candidate of candidates) {
		try {
			const loaded = jest.requireActual<T & object>(candidate);
			if (isTheOneN8nCoreUses(loaded)) return loaded;
			failures.push(`${candidate}: not the copy n8n-core uses`);
		} catch (error) {
			failures.push(`${candidate}: ${(error as Error).message.split('\n')[0]}`);
		}
	}
	throw new Error(`Cannot find the module n8n-core uses. Tried:\n${failures.join('\n')}`);
}

let container: DiContainer | undefined;

/** n8n-core's DI container (one per jest test file: every test file has its own module registry). */
export function n8nContainer(): DiContainer {
	container ??= loadN8nCoreModule<{ Container: DiContainer }>(
		['../../../node_modules/n8n-core/node_modules/@n8n/di', '../../../node_modules/@n8n/di'],
		(module) => module.Container?.has(BinaryDataService) === true,
	).Container;
	return container;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
	level: LogLevel;
	message: string;
	meta?: object;
}

/**
 * Everything n8n-core and nodes (through LoggerProxy) log during a test file, kept in memory
 * instead of printed, so tests stay quiet and can still inspect warnings.
 */
export const harnessLog: LogEntry[] = [];

function createRecordingLogger(): WorkflowLogger & { scoped(): WorkflowLogger } {
	const record = (level: LogLevel) => (message: string, meta?: object) => {
		harnessLog.push({ level, message, meta });
	};
	const logger = {
		debug: record('debug'),
		info: record('info'),
		warn: record('warn'),
		error: record('error'),
		scoped: () => logger,
	};
	return logger;
}

/** A random but fixed secret for this test file: it signs `$execution.resumeUrl` and friends. */
const encryptionKey = randomBytes(24).toString('base64');

function createInstanceSettings(): InstanceSettings {
	// Built without its constructor, which reads and writes the settings file in ~/.n8n.
	const settings = Object.create(InstanceSettings.prototype) as InstanceSettings;
	return Object.assign(settings, {
		n8nFolder: '/nonexistent/n8n-test-harness',
		staticCacheDir: '/nonexistent/n8n-test-harness/cache',
		settings: { encryptionKey },
		instanceId: createHash('sha256').update(encryptionKey).digest('hex'),
		hmacSignatureSecret: createHash('sha256')
			.update(`hmac-signature:${encryptionKey}`)
			.digest('hex'),
		instanceType: 'main',
		instanceRole: 'leader',
		hostId: 'main-test-harness',
	});
}

export type BinaryDataMode =
	/** Bytes kept in the item itself (base64 in `binary.<name>.data`), as n8n's "default" mode. */
	| { mode: 'memory' }
	/** Bytes written under `storagePath` and referenced by `binary.<name>.id`, as regular n8n. */
	| { mode: 'filesystem'; storagePath: string };

let binaryDataService: BinaryDataService | undefined;
let currentBinaryDataMode: BinaryDataMode = { mode: 'memory' };

async function createBinaryDataService(mode: BinaryDataMode): Promise<BinaryDataService> {
	const logger = createRecordingLogger();
	const config = {
		mode: mode.mode === 'filesystem' ? 'filesystem' : 'default',
		availableModes: [mode.mode === 'filesystem' ? 'filesystem' : 'default'],
		localStoragePath:
			mode.mode === 'filesystem' ? mode.storagePath : '/nonexistent/n8n-test-harness',
		signingSecret: createHash('sha256').update(`url-signing:${encryptionKey}`).digest('hex'),
		dbMaxFileSize: 512,
	};
	const service = new BinaryDataService(
		config as unknown as ConstructorParameters<typeof BinaryDataService>[0],
		n8nContainer().get(ErrorReporter),
		logger as unknown as ConstructorParameters<typeof BinaryDataService>[2],
	);
	// init() creates the filesystem store; without it the service has no store and keeps bytes
	// inline, which is what n8n's "default" binary mode does.
	if (mode.mode === 'filesystem') await service.init();
	return service;
}

let ready: Promise<void> | undefined;

/** Registers the services once per test file; every runWorkflow/runWebhook awaits it. */
export async function ensureN8nRuntime(): Promise<void> {
	ready ??= (async () => {
		const di = n8nContainer();
		const logger = createRecordingLogger();
		const { Logger } = loadN8nCoreModule<BackendCommonModule>(
			[
				'../../../node_modules/n8n-core/node_modules/@n8n/backend-common',
				'../../../node_modules/@n8n/backend-common',
			],
			(module) => module.Logger !== undefined && di.has(module.Logger),
		);
		di.set(Logger, logger);
		LoggerProxy.init(logger);
		di.set(InstanceSettings, createInstanceSettings());
		binaryDataService = await createBinaryDataService(currentBinaryDataMode);
		di.set(BinaryDataService, binaryDataService);
	})();
	await ready;
}

/**
 * Switches where binary data goes for the rest of the test file (default: memory).
 * Filesystem mode needs a directory from the caller, e.g. one made in a jest globalSetup.
 */
export async function useBinaryDataMode(mode: BinaryDataMode): Promise<void> {
	await ensureN8nRuntime();
	currentBinaryDataMode = mode;
	binaryDataService = await createBinaryDataService(mode);
	n8nContainer().set(BinaryDataService, binaryDataService);
}

/** The BinaryDataService that n8n-core uses in this test file. */
export async function getBinaryDataService(): Promise<BinaryDataService> {
	await ensureN8nRuntime();
	return binaryDataService as BinaryDataService;
}
