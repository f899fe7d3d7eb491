import type { INodeProperties } from 'n8n-workflow';

/** The trigger's parameters: which citizens' messages start this workflow, and how many at once. */
export const MESSAGE_TYPES = [
	'text',
	'button',
	'interactive',
	'image',
	'audio',
	'video',
	'document',
	'location',
	'sticker',
	'reaction',
	'contacts',
];

export const properties: INodeProperties[] = [
	{
		displayName:
			'Starts one execution per citizen message received by the Police Mitan gateway (STOP / START keywords are handled by the gateway and never arrive here). Messages wait in the database while n8n is down; several n8n processes can run this trigger without ever getting the same message.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Message Types',
		name: 'messageTypes',
		type: 'multiOptions',
		options: MESSAGE_TYPES.map((t) => ({ name: t.charAt(0).toUpperCase() + t.slice(1), value: t })),
		default: [],
		description: 'Only these WhatsApp message types start this workflow. None selected: every type.',
	},
	{
		displayName: 'Police Stations',
		name: 'policeStations',
		type: 'string',
		default: '',
		placeholder: 'Kawardha, Bodla',
		description:
			'Only messages from citizens registered at these police stations (comma-separated, any case). Empty: every citizen, including numbers not on the roster.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Acknowledge',
				name: 'acknowledge',
				type: 'options',
				options: [
					{
						name: 'When the Execution Finishes',
						value: 'finished',
						description: 'A message whose execution is cut short (n8n stopped) is delivered again after the lease',
					},
					{
						name: 'When the Execution Starts',
						value: 'started',
						description: 'At most once: never repeated, lost if n8n stops mid-execution',
					},
				],
				default: 'finished',
			},
			{
				displayName: 'District ID',
				name: 'districtId',
				type: 'number',
				default: 0,
				description:
					"Only messages to this district's number. 0: the Mitan Database credential's District Code, or every district when it has none.",
			},
			{
				displayName: 'Lease (Minutes)',
				name: 'leaseMinutes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10,
				description: 'A message taken by a process that stopped before finishing is taken again after this long',
			},
			{
				displayName: 'Max Attempts',
				name: 'maxAttempts',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5,
				description: 'After this many leases ran out, the message is marked failed instead of tried again',
			},
			{
				displayName: 'Max Concurrent Executions',
				name: 'maxConcurrent',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5,
				description: 'Messages in hand at once in this n8n process',
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 30,
				description: 'New messages wake the trigger at once (LISTEN / NOTIFY); this is the fallback check',
			},
		],
	},
];
