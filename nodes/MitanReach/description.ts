import type { INodeProperties } from 'n8n-workflow';
import * as pullInsights from './operations/pullInsights';
import * as refresh from './operations/refresh';
import * as report from './operations/report';

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Pull Social Insights',
				value: 'pullInsights',
				action: 'Pull social insights',
				description: 'Fetch views and reach of recent Facebook, Instagram and X posts, then refresh the social rollup',
			},
			{
				name: 'Refresh Rollups',
				value: 'refresh',
				action: 'Refresh the daily rollups',
				description: 'Recompute the days that changed (or everything)',
			},
			{
				name: 'Report',
				value: 'report',
				action: 'Report a day a week or a month',
				description: 'Reach and complaints with the previous period, one item per figure, Hindi and English labels',
			},
		],
		default: 'refresh',
	},
	...refresh.description,
	...pullInsights.description,
	...report.description,
];
