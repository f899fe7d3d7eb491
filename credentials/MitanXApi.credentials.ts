import type { ICredentialType, INodeProperties } from 'n8n-workflow';
import { X_API_BASE_URL } from '../core/channels/api';

/**
 * The police X account: OAuth 1.0a user context (API key / secret + access token / secret), or
 * an OAuth 2.0 user access token. An OAuth 1.0a signature cannot be written declaratively, so the
 * Mitan Publish node tests this credential (mitanXConnectionTest: GET /2/users/me).
 */
export class MitanXApi implements ICredentialType {
	name = 'mitanXApi';

	displayName = 'Mitan X';

	icon = 'file:mitan.svg' as const;

	documentationUrl = 'https://github.com/police-mitan/n8n-nodes-police-mitan#x';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			options: [
				{ name: 'OAuth 1.0a User Context', value: 'oauth1' },
				{ name: 'OAuth 2.0 User Token', value: 'oauth2' },
			],
			default: 'oauth1',
		},
		{
			displayName: 'API Key (Consumer Key)',
			name: 'consumerKey',
			type: 'string',
			default: '',
			displayOptions: { show: { authType: ['oauth1'] } },
		},
		{
			displayName: 'API Key Secret (Consumer Secret)',
			name: 'consumerSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['oauth1'] } },
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['oauth1'] } },
		},
		{
			displayName: 'Access Token Secret',
			name: 'accessTokenSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['oauth1'] } },
		},
		{
			displayName: 'OAuth 2.0 Access Token',
			name: 'oauth2Token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'User-context token with tweet.read, tweet.write and users.read scopes (it lives 2 hours unless refreshed)',
			displayOptions: { show: { authType: ['oauth2'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: X_API_BASE_URL,
			description: 'X API host, or the Police Mitan sandbox URL for training',
		},
	];
}
