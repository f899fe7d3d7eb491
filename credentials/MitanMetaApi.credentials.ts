import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';
import { GRAPH_API_VERSION, GRAPH_BASE_URL } from '../core/channels/api';

/**
 * The police Facebook page and its linked Instagram professional account (Facebook login).
 * One page access token serves both. Base URL: Meta's Graph, or the project's sandbox for
 * training and tests. The test reads the page's name with the token.
 */
export class MitanMetaApi implements ICredentialType {
	name = 'mitanMetaApi';

	displayName = 'Mitan Meta (Facebook Page + Instagram)';

	icon = 'file:mitan.svg' as const;

	documentationUrl = 'https://github.com/police-mitan/n8n-nodes-police-mitan#facebook-and-instagram';

	properties: INodeProperties[] = [
		{
			displayName: 'Facebook Page ID',
			name: 'pageId',
			type: 'string',
			default: '',
			placeholder: '300000000000001',
			description: 'Numeric ID of the police Facebook page',
		},
		{
			displayName: 'Page Access Token',
			name: 'pageToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Page token with pages_manage_posts, pages_read_engagement and (for Instagram) instagram_basic, instagram_content_publish, instagram_manage_insights; a system-user token does not expire',
		},
		{
			displayName: 'Instagram User ID',
			name: 'igUserId',
			type: 'string',
			default: '',
			placeholder: '400000000000001',
			description: 'ID of the Instagram professional account linked to the page (leave empty if Instagram is not used)',
		},
		{
			displayName: 'Graph API Version',
			name: 'graphVersion',
			type: 'string',
			default: GRAPH_API_VERSION,
			description: 'Pinned Graph API version, e.g. v27.0',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: GRAPH_BASE_URL,
			description: 'Meta Graph host, or the Police Mitan sandbox URL (e.g. http://127.0.0.1:3900) for training',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.pageToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}/{{$credentials.graphVersion}}',
			url: '=/{{$credentials.pageId}}',
			qs: { fields: 'name' },
		},
	};
}
