import type { INodeProperties } from 'n8n-workflow';
import * as control from './operations/control';
import * as create from './operations/create';
import * as run from './operations/run';
import * as templates from './operations/templates';

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Cancel', value: 'cancel', action: 'Cancel a broadcast', description: 'Stop for good; citizens not yet sent are skipped' },
			{
				name: 'Create',
				value: 'create',
				action: 'Create a broadcast',
				description: "Snapshot the segment's citizens for the day's content (idempotent)",
			},
			{ name: 'Pause', value: 'pause', action: 'Pause a broadcast' },
			{
				name: 'Resume',
				value: 'resume',
				action: 'Resume a broadcast',
				description: 'Continue after a pause, a stop (e.g. token replaced) or a crash',
			},
			{ name: 'Start', value: 'start', action: 'Start a broadcast' },
			{ name: 'Status', value: 'status', action: 'Get broadcast progress', description: 'Sent, failed by class, remaining, rate, ETA' },
			{
				name: 'Submit Templates to Meta',
				value: 'submitTemplates',
				action: 'Submit the day s message as WhatsApp templates',
				description: "After approval: the content's text goes to Meta's template review (one per language)",
			},
		],
		default: 'create',
	},
	...create.description,
	...control.description,
	...run.description,
	...templates.description,
];
