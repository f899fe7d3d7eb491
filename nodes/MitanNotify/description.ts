import type { INodeProperties } from 'n8n-workflow';
import * as send from './operations/send';
import * as staff from './operations/staff';
import * as templates from './operations/templates';

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Staff Alert', value: 'alert' },
			{ name: 'Staff Number', value: 'staff' },
			{ name: 'Staff Template', value: 'staffTemplates' },
		],
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
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['staffTemplates'] } },
		options: [
			{
				name: 'Submit',
				value: 'submit',
				action: 'Submit the staff templates to meta',
				description: 'Create the shipped approval-request and staff-alert templates (Hindi, English) not yet on the WABA',
			},
			{
				name: 'Get Status',
				value: 'status',
				action: 'Get the staff templates status',
				description: "Where each staff template stands in Meta's review",
			},
		],
		default: 'status',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['staff'] } },
		options: [
			{
				name: 'Get by Role',
				value: 'getByRole',
				action: 'Get the staff numbers by role',
				description: 'Cyber cell, duty officer, leadership and approver numbers from the staff registry, for the alerts after it',
			},
		],
		default: 'getByRole',
	},
	...send.description,
	...staff.description,
	...templates.description,
];
