import type { INodeProperties } from 'n8n-workflow';
import * as send from './operations/send';

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [{ name: 'Staff Alert', value: 'alert' }],
		default: 'alert',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['alert'] } },
		options: [
			{
				name: 'Send',
				value: 'send',
				action: 'Send a staff alert',
				description: 'One WhatsApp message to each staff number; one output item per number',
			},
		],
		default: 'send',
	},
	...send.description,
];
