import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { SegmentDimension } from '../../../core/roster';
import { readFilters, rosterFor, segmentFilters } from '../common';

export const description: INodeProperties[] = [
	{
		displayName: 'Group By',
		name: 'dimension',
		type: 'options',
		default: 'police_station',
		options: [
			{ name: 'Block', value: 'block' },
			{ name: 'Language', value: 'language' },
			{ name: 'Police Station', value: 'police_station' },
			{ name: 'Status', value: 'status' },
			{ name: 'Tag', value: 'tag' },
		],
		displayOptions: { show: { resource: ['roster'], operation: ['count'] } },
	},
	segmentFilters(['count'], 'roster'),
];

export async function execute(this: IExecuteFunctions, i: number) {
	const dim = this.getNodeParameter('dimension', i) as SegmentDimension;
	const rows = await (await rosterFor(this)).countBy(dim, readFilters(this, i));
	return rows.map((r) => ({ [dim]: r.key, count: r.count }));
}
