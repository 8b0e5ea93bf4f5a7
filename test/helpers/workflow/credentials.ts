/**
 * Credential plumbing for the harness: a registry of credential types and a credentials helper
 * that behaves like n8n's own (packages/cli CredentialsHelper) for what n8n-core calls:
 * hands out the test's credential data (with the type's defaults filled in), applies the type's
 * `authenticate` block (generic headers/qs/body/auth with `={{$credentials.x}}` expressions, or
 * a function), and runs `preAuthentication` for types with an expirable token.
 */
import { ICredentialsHelper, Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { LegnextVideoApi } from '../../../credentials/LegnextVideoApi.credentials';

/** Credential data per credential type name, e.g. `{ legnextVideoApi: { apiKey: 'k' } }`. */
export type CredentialsByType = Record<string, ICredentialDataDecryptedObject>;

/** The credential types the harness knows. This package's types are registered up front. */
export class CredentialTypeRegistry {
	private readonly types = new Map<string, ICredentialType>();

	constructor(initial: ICredentialType[] = []) {
		for (const type of initial) this.register(type);
	}

	register(...types: ICredentialType[]): this {
		for (const type of types) this.types.set(type.name, type);
		return this;
	}

	names(): string[] {
		return [...this.types.keys()];
	}

	has(name: string): boolean {
		return this.types.has(name);
	}

	getByName(name: string): ICredentialType {
		const type = this.types.get(name);
		if (!type) {
			throw new Error(
				`Credential type "${name}" is not registered in the test harness; pass it in credentialTypes or call credentialTypes.register(...)`,
			);
		}
		return type;
	}

	/** The chain of `extends` (e.g. oAuth2Api), which n8n-core uses to choose OAuth request paths. */
	getParentTypes(name: string): string[] {
		const parents = this.types.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	/** The type's properties, including those of the types it extends. */
	getProperties(name: string): INodeProperties[] {
		const type = this.getByName(name);
		const inherited = (type.extends ?? []).flatMap((parent) =>
			this.has(parent) ? this.getProperties(parent) : [],
		);
		return [...inherited, ...type.properties];
	}
}

/** Shared registry: `credentialTypes.register(new SomeApi())` makes a type available to every run. */
export const credentialTypes = new CredentialTypeRegistry([new LegnextVideoApi()]);

/** A write to stored credentials (e.g. a refreshed token from preAuthentication). */
export interface CredentialUpdate {
	type: string;
	data: ICredentialDataDecryptedObject;
}

export class TestCredentialsHelper extends ICredentialsHelper {
	/** Every credential update n8n-core asked for, in order. */
	readonly updates: CredentialUpdate[] = [];

	constructor(
		private readonly registry: CredentialTypeRegistry,
		private readonly credentials: CredentialsByType,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		return this.registry.getParentTypes(name);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		if (!this.registry.has(credentialType)) return true;
		const type = this.registry.getByName(credentialType);
		if (!type.restrictToSupportedNodes) return true;
		return (type.supportedNodes ?? []).some(
			(name) => nodeType === name || nodeType.endsWith(`.${name}`),
		);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.registry.getProperties(type);
	}

	/** The test's data for the type, with the type's property defaults for fields it left out. */
	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.credentials[type];
		if (data === undefined) {
			throw new Error(
				`The test gave no credentials of type "${type}"; pass them as credentials: { ${type}: {...} }`,
			);
		}
		const withDefaults: ICredentialDataDecryptedObject = {};
		for (const property of this.registry.getProperties(type)) {
			if (property.default !== undefined && property.type !== 'notice') {
				withDefaults[property.name] = property.default as ICredentialDataDecryptedObject[string];
			}
		}
		return { ...withDefaults, ...structuredClone(data) };
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentials> {
		// Only OAuth paths ask for the encrypted form; this package has no OAuth credentials.
		throw new Error(
			`getCredentials(${type}, ${nodeCredentials.name}) is not supported by the test harness`,
		);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const { authenticate } = this.registry.getByName(typeName);
		if (authenticate === undefined) return requestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);

		requestOptions.headers ??= {};
		if (authenticate.type !== 'generic') return requestOptions;
		const resolve = (value: string) =>
			resolveCredentialExpression(value, credentials, workflow, node) as string;
		const options = requestOptions as unknown as Record<string, Record<string, unknown>>;
		for (const [target, entries] of Object.entries(authenticate.properties)) {
			for (const [key, value] of Object.entries(entries as Record<string, string>)) {
				options[target] ??= {};
				options[target][resolve(key)] = resolve(value);
			}
		}
		return requestOptions;
	}

	/** As n8n: only types with a hidden `expirable` property (a token fetched from the key) refresh. */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.registry.getByName(typeName);
		const expirable = type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirable === undefined || type.preAuthentication === undefined) return undefined;
		if (
			credentials[expirable.name] !== '' &&
			credentials[expirable.name] !== undefined &&
			!credentialsExpired
		) {
			return undefined;
		}
		const refreshed = await type.preAuthentication.call(helpers, credentials);
		const updated = { ...credentials, ...refreshed } as ICredentialDataDecryptedObject;
		this.credentials[typeName] = updated;
		this.updates.push({ type: typeName, data: updated });
		return updated;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.registry.getByName(typeName);
		if (type.preAuthentication === undefined) return undefined;
		const refreshed = await type.preAuthentication.call(helpers, credentials);
		return { ...credentials, ...refreshed } as ICredentialDataDecryptedObject;
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.credentials[type] = data;
		this.updates.push({ type, data });
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		await this.updateCredentials(nodeCredentials, type, data);
	}
}

/**
 * Evaluates `={{ $credentials.x }}` style values the way n8n does: through the workflow's
 * expression engine with `$credentials` as an extra key. Plain strings come back unchanged.
 */
export function resolveCredentialExpression(
	value: unknown,
	credentials: ICredentialDataDecryptedObject,
	workflow?: Workflow,
	node?: INode,
): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	const context = workflow && node ? { workflow, node } : standaloneExpressionContext();
	return context.workflow.expression.getSimpleParameterValue(
		context.node,
		value,
		'internal',
		{ $credentials: credentials },
		undefined,
		value,
	);
}

function standaloneExpressionContext(): { workflow: Workflow; node: INode } {
	const node: INode = {
		id: 'credential-expression',
		name: 'Credential expression',
		type: 'test.credentialExpression',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const nodeTypes = {
		getByName: () => ({ description: { properties: [] } }),
		getByNameAndVersion: () => ({ description: { properties: [] } }),
		getKnownTypes: () => ({}),
	} as unknown as ConstructorParameters<typeof Workflow>[0]['nodeTypes'];
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return { workflow, node };
}
