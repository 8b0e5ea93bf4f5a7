/**
 * Runs a credential type's `test` request the way n8n's "Test" button does: a temporary
 * declarative node whose requestDefaults are the test request, executed by n8n-core's
 * RoutingNode with the credential (so `={{$credentials.baseUrl}}` and `authenticate` apply),
 * then the type's `rules` in order as n8n's CredentialsTester applies them (`responseCode`
 * on a failed request, `responseSuccessBody` on the returned item: the first match is the answer).
 */
import {
	NodeConnectionTypes,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type INodeType,
} from 'n8n-workflow';

import { MANUAL_TRIGGER_TYPE } from './builtin-nodes';
import { credentialTypes } from './credentials';
import { runWorkflow } from './run';

export interface CredentialTestOutcome {
	/** n8n's two answers: 'OK' (green "Connection tested successfully") or 'Error'. */
	status: 'OK' | 'Error';
	message: string;
	/** The response body of the test request when it succeeded. */
	response?: unknown;
}

const CREDENTIAL_TEST_NODE_TYPE = 'test.credentialTest';

export interface TestCredentialsOptions {
	/** Credential type name, e.g. 'legnextVideoApi'. */
	type: string;
	data: ICredentialDataDecryptedObject;
	/** A type not in the shared `credentialTypes` registry. */
	credentialType?: ICredentialType;
}

export async function testCredentials(
	options: TestCredentialsOptions,
): Promise<CredentialTestOutcome> {
	const credentialType = options.credentialType ?? credentialTypes.getByName(options.type);
	const testRequest = credentialType.test?.request;
	if (testRequest === undefined)
		throw new Error(`Credential type "${options.type}" has no test request`);

	const credentialTestNode: INodeType = {
		description: {
			displayName: `${credentialType.displayName} test`,
			name: 'credentialTest',
			group: ['transform'],
			version: 1,
			description: 'Runs a credential test request',
			defaults: { name: 'Credential test' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: options.type, required: true }],
			requestDefaults: testRequest,
			properties: [],
		},
	};
	const result = await runWorkflow({
		workflow: {
			nodes: [
				{ name: 'Start', type: MANUAL_TRIGGER_TYPE },
				{ name: 'Credential test', type: CREDENTIAL_TEST_NODE_TYPE },
			],
			connections: {
				Start: { main: [[{ node: 'Credential test', type: NodeConnectionTypes.Main, index: 0 }]] },
			},
		},
		nodeTypes: { [CREDENTIAL_TEST_NODE_TYPE]: credentialTestNode },
		credentials: { [options.type]: options.data },
		credentialTypes: options.credentialType ? [options.credentialType] : [],
		mode: 'internal',
	});
	const rules = credentialType.test?.rules ?? [];
	if (result.error) {
		const httpCode = Number((result.error as { httpCode?: unknown }).httpCode);
		for (const rule of rules) {
			if (rule.type === 'responseCode' && rule.properties.value === httpCode) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
		return { status: 'Error', message: result.error.message };
	}
	const response = result.outputOf('Credential test')[0]?.json;
	for (const rule of rules) {
		if (
			rule.type === 'responseSuccessBody' &&
			fieldAt(response, rule.properties.key) === rule.properties.value
		) {
			return { status: 'Error', message: rule.properties.message, response };
		}
	}
	return { status: 'OK', message: 'Connection successful!', response };
}

/** lodash's `get` for a dotted key, as n8n reads a rule's field; a string body has no fields. */
function fieldAt(value: unknown, key: string): unknown {
	return key
		.split('.')
		.reduce<unknown>(
			(current, part) =>
				current !== null && typeof current === 'object'
					? (current as Record<string, unknown>)[part]
					: undefined,
			value,
		);
}
