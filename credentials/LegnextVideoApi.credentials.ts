import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

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

	// Reading the balance proves the key works and costs no credits.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/api/account/balance',
			method: 'GET',
		},
	};
}
