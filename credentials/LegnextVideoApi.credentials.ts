/** The Legnext Video API credential: API key and Base URL, sent as the x-api-key header, tested with a free balance read. */

import type {
	IAuthenticateGeneric,
	IAuthenticateRuleResponseSuccessBody,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

const API_KEY_REFUSED =
	'Legnext did not accept the API key: check the API key (copy it again from the Legnext dashboard)';
const BASE_URL_HINT = 'Use https://api.legnext.ai (the form https://api.legnext.ai/api works too).';

/** A credential-test rule: the test fails with `message` when the answer's field `key` equals `value`. */
function bodyRule(
	key: string,
	value: unknown,
	message: string,
): IAuthenticateRuleResponseSuccessBody {
	return { type: 'responseSuccessBody', properties: { key, value, message } };
}

// Type and display name differ from the vendor package's (`legnextApi`, "Legnext API"), so both packages
// install side by side and the credential picker tells them apart. The type name is what stored credentials
// refer to: never rename it.
export class LegnextVideoApi implements ICredentialType {
	name = 'legnextVideoApi';

	displayName = 'Legnext Video API';

	icon: Icon = {
		light: 'file:../icons/legnext.svg',
		dark: 'file:../icons/legnext.dark.svg',
	};

	documentationUrl =
		'https://github.com/legnext-n8n/n8n-nodes-legnext-video?tab=readme-ov-file#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'Your Legnext API key, from the Legnext dashboard. Sent as the x-api-key header.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.legnext.ai',
			description:
				'Change only for a gateway in front of Legnext or for the local Legnext simulator',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-api-key': '={{$credentials.apiKey}}',
			},
		},
	};

	// Reading the balance proves the key works and costs no credits. Any status is taken as an answer, so the rules
	// below (n8n applies the first whose body field matches) tell a wrong key from a Base URL that is not a Legnext
	// API. The Base URL is cut like the nodes cut it: no trailing slashes, no trailing `/api` (the docs' form).
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{String($credentials.baseUrl || "https://api.legnext.ai").trim().replace(/\\/+$/, "").replace(/\\/api$/i, "")}}',
			url: '/api/account/balance',
			method: 'GET',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			bodyRule('code', 401, API_KEY_REFUSED),
			bodyRule(
				'code',
				404,
				`This Base URL is not a Legnext API: nothing answers at /api/account/balance. ${BASE_URL_HINT}`,
			),
			...[500, 502, 503, 504].map((code) =>
				bodyRule(
					'code',
					code,
					`The server at this Base URL had an error (code ${code}). Try again later. ${BASE_URL_HINT}`,
				),
			),
			// Legnext's balance always carries this field; an HTML page, an error page or another service does not.
			bodyRule(
				'data.available_credits',
				undefined,
				`This Base URL is not a Legnext API (or it is down): its answer is not Legnext's balance but an HTML page, an error page or another service. ${BASE_URL_HINT}`,
			),
		],
	};
}
