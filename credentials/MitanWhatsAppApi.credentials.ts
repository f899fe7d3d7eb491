import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';
import { GRAPH_API_VERSION, GRAPH_BASE_URL } from '../core/channels/api';

/**
 * A WhatsApp Business Cloud API number: token, phone number id, WABA, app secret (webhook
 * signatures), Graph version and base URL (point it at the Police Mitan sandbox for training).
 * The test reads the phone number, which proves the token and the id together.
 */
export class MitanWhatsAppApi implements ICredentialType {
	name = 'mitanWhatsAppApi';

	displayName = 'Mitan WhatsApp';

	icon = 'file:mitan.svg' as const;

	documentationUrl = 'https://github.com/police-mitan/n8n-nodes-police-mitan#whatsapp';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'System-user access token with whatsapp_business_messaging permission',
		},
		{
			displayName: 'Phone Number ID',
			name: 'phoneNumberId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '100000000000001',
			description: "The sending number's ID from WhatsApp Manager (not the phone number itself)",
		},
		{ displayName: 'WhatsApp Business Account ID', name: 'wabaId', type: 'string', default: '', placeholder: '200000000000001' },
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			default: '',
			placeholder: '600000000000001',
			description:
				"The Meta app's ID (App Dashboard): a template's header image is uploaded through its Resumable Upload API before Meta reviews the template. The sandbox's is 600000000000001",
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Meta app secret: verifies X-Hub-Signature-256 on webhooks',
		},
		{ displayName: 'Graph API Version', name: 'graphVersion', type: 'string', default: GRAPH_API_VERSION, placeholder: GRAPH_API_VERSION },
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: GRAPH_BASE_URL,
			description: 'Graph API base URL; the Police Mitan sandbox URL for training and tests',
		},
		{
			displayName: 'Use Marketing Messages API',
			name: 'marketingMessages',
			type: 'boolean',
			default: false,
			description:
				"Whether to send broadcasts (marketing templates) through Meta's Marketing Messages API, which delivers more; falls back to the normal endpoint while the business has not accepted its terms",
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '=/{{$credentials.graphVersion}}/{{$credentials.phoneNumberId}}',
			method: 'GET',
		},
	};
}
