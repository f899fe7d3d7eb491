import type { INodeProperties } from 'n8n-workflow';
import * as classifyOp from './operations/classify';
import * as create from './operations/create';
import * as get from './operations/get';
import * as list from './operations/list';
import * as setCategory from './operations/setCategory';
import * as updateStatus from './operations/updateStatus';

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Classify Text',
				value: 'classify',
				action: 'Classify a message without saving it',
				description: 'Category, confidence, money loss and amount',
			},
			{
				name: 'Create From Message',
				value: 'create',
				action: 'Register a complaint from a citizen message',
				description: 'Reference number, category, reply in the citizen’s language; a follow-up joins the open complaint',
			},
			{ name: 'Get', value: 'get', action: 'Get a complaint by reference number' },
			{ name: 'List', value: 'list', action: 'List complaints' },
			{
				name: 'Set Category',
				value: 'setCategory',
				action: 'Correct a complaint category',
				description: 'Manual override of the classifier',
			},
			{
				name: 'Update Status',
				value: 'updateStatus',
				action: 'Move a complaint forward',
				description: 'acknowledged → forwarded → closed',
			},
		],
		default: 'create',
	},
	...create.description,
	...classifyOp.description,
	...updateStatus.description,
	...setCategory.description,
	...get.description,
	...list.description,
];
