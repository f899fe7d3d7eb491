import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { categoryOptions, complaintJson, readViewer, serviceFor, viewerProperties } from '../common';

const show = { operation: ['list'] };

export const description: INodeProperties[] = [
	...viewerProperties(['list']),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				default: 'new',
				options: [
					{ name: 'New', value: 'new' },
					{ name: 'Acknowledged', value: 'acknowledged' },
					{ name: 'Forwarded', value: 'forwarded' },
					{ name: 'Closed', value: 'closed' },
				],
			},
			{ displayName: 'Category', name: 'category', type: 'options', default: 'online_financial_fraud', options: categoryOptions },
			{ displayName: 'Police Station', name: 'policeStation', type: 'string', default: '' },
			{ displayName: 'From', name: 'from', type: 'dateTime', default: '' },
			{ displayName: 'To', name: 'to', type: 'dateTime', default: '' },
		],
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1000 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const f = this.getNodeParameter('filters', i, {}) as IDataObject;
	const rows = await (
		await serviceFor(this)
	).list(
		{
			status: (f.status as string) || undefined,
			category: (f.category as string) || undefined,
			policeStation: (f.policeStation as string) || undefined,
			from: f.from ? new Date(String(f.from)) : undefined,
			to: f.to ? new Date(String(f.to)) : undefined,
			limit: Number(this.getNodeParameter('limit', i, 50)),
		},
		readViewer(this, i),
	);
	return rows.map(complaintJson);
}
