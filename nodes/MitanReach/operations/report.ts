import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { buildReport, type ReportPeriod } from '../../../core/metrics';
import { districtIdFor, getDb } from '../../shared/db';

const show = { operation: ['report'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Period',
		name: 'period',
		type: 'options',
		default: 'day',
		options: [
			{ name: 'Day', value: 'day' },
			{ name: 'Week (Monday to Sunday)', value: 'week' },
			{ name: 'Month', value: 'month' },
		],
		displayOptions: { show },
	},
	{
		displayName: 'Date',
		name: 'date',
		type: 'string',
		default: "={{ $now.minus({ days: 1 }).toFormat('yyyy-MM-dd') }}",
		description: "Any day inside the period (YYYY-MM-DD); default yesterday in the workflow's timezone",
		displayOptions: { show },
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'items',
		options: [
			{ name: 'One Item per Figure', value: 'items' },
			{ name: 'One Item with Everything', value: 'single' },
		],
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject | IDataObject[]> {
	const db = await getDb(this);
	const r = await buildReport(db, {
		districtId: await districtIdFor(this, db),
		period: this.getNodeParameter('period', i) as ReportPeriod,
		date: String(this.getNodeParameter('date', i)).trim(),
	});
	const head = { period: r.period, from: r.from, to: r.to, previousFrom: r.previousFrom, previousTo: r.previousTo };
	if (this.getNodeParameter('output', i) === 'single') return { ...head, items: r.items as unknown as IDataObject[] };
	return r.items.map((it) => ({ ...head, ...it }));
}
