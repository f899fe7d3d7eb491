import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { CONTENT_STATES } from '../../../core/content/types';
import { authoringFor, contentJson } from '../common';

const show = { show: { operation: ['list'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'From',
		name: 'from',
		type: 'string',
		default: '',
		placeholder: '2026-12-02',
		description: "First day (YYYY-MM-DD); empty = today in the district's zone",
		displayOptions: show,
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		default: '',
		placeholder: '2026-12-15',
		description: 'Last day (YYYY-MM-DD); empty = 13 days after From (two weeks)',
		displayOptions: show,
	},
	{
		displayName: 'State',
		name: 'state',
		type: 'options',
		options: [
			{ name: 'Any', value: '' },
			...CONTENT_STATES.map((s) => ({ name: s.replace('_', ' ').replace(/^./, (x) => x.toUpperCase()), value: s })),
		],
		default: '',
		displayOptions: show,
	},
];

/** One item per content of the days asked; none gives no items. */
export async function execute(this: IExecuteFunctions, i: number) {
	const opt = (name: string) => (this.getNodeParameter(name, i, '') as string).trim() || undefined;
	const list = await (await authoringFor(this, i)).list({ from: opt('from'), to: opt('to'), state: opt('state') });
	return list.map(contentJson);
}
