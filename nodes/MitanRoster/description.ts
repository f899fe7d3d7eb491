import type { INodeProperties } from 'n8n-workflow';
import * as count from './operations/count';
import * as exportOp from './operations/export';
import * as get from './operations/get';
import * as importOp from './operations/import';
import * as search from './operations/search';
import * as status from './operations/status';
import * as upsert from './operations/upsert';

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Subscriber', value: 'subscriber' },
			{ name: 'Roster', value: 'roster' },
		],
		default: 'subscriber',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['subscriber'] } },
		options: [
			{
				name: 'Add or Update',
				value: 'upsert',
				action: 'Add or update a subscriber',
				description: 'Add a citizen or update their details',
			},
			{
				name: 'Erase',
				value: 'erase',
				action: 'Erase a subscriber',
				description: 'DPDP erasure: remove personal data, keep anonymised counts',
			},
			{ name: 'Get', value: 'get', action: 'Get a subscriber by phone' },
			{ name: 'Opt In', value: 'optIn', action: 'Opt a subscriber back in' },
			{ name: 'Opt Out', value: 'optOut', action: 'Opt a subscriber out' },
			{ name: 'Search', value: 'search', action: 'Search subscribers' },
		],
		default: 'upsert',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['roster'] } },
		options: [
			{ name: 'Count', value: 'count', action: 'Count subscribers by segment' },
			{ name: 'Export', value: 'export', action: 'Export a segment to CSV' },
			{ name: 'Import', value: 'import', action: 'Import a CSV or excel file' },
		],
		default: 'import',
	},
	...upsert.description,
	...get.description,
	...search.description,
	...status.description,
	...importOp.description,
	...exportOp.description,
	...count.description,
];
