import type { INodeProperties } from 'n8n-workflow';
import * as create from './operations/create';
import * as get from './operations/get';
import * as list from './operations/list';
import * as submit from './operations/submit';
import * as update from './operations/update';

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Create', value: 'create', action: 'Create a draft', description: 'Write a new draft (Hindi and English, date, channels)' },
			{ name: 'Get', value: 'get', action: 'Get content by ID' },
			{ name: 'List', value: 'list', action: 'List content by date and state' },
			{
				name: 'Submit for Approval',
				value: 'submit',
				action: 'Submit a draft for approval',
				description: 'Check a draft for approval and pass it to a Mitan Approval node',
			},
			{ name: 'Update', value: 'update', action: 'Update a draft', description: 'Replace a draft; an approved text goes back to draft' },
		],
		default: 'create',
	},
	...create.description,
	...update.description,
	...get.description,
	...list.description,
	...submit.description,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'District ID',
				name: 'districtId',
				type: 'number',
				default: 0,
				description: "The district the content belongs to. 0: the Mitan Database credential's District Code (else the first district).",
			},
		],
	},
];
