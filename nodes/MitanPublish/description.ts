import type { INodeProperties } from 'n8n-workflow';
import * as metrics from './operations/metrics';
import * as publish from './operations/publish';

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [{ name: 'Social Post', value: 'post' }],
		default: 'post',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['post'] } },
		options: [
			{
				name: 'Publish',
				value: 'publish',
				action: 'Publish content to social networks',
				description: 'Post once per content and channel; one output item per channel',
			},
			{
				name: 'Pull Metrics',
				value: 'metrics',
				action: 'Pull insights for recent posts',
				description: 'Fetch views, reach and engagement of recent posts and store them',
			},
		],
		default: 'publish',
	},
	...publish.description,
	...metrics.description,
];
