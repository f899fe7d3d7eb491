import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { exportSegmentCsv } from '../../../core/roster';
import { districtIdFor, getDb } from '../../shared/db';
import { readFilters, segmentFilters } from '../common';

export const description: INodeProperties[] = [
	segmentFilters(['export'], 'roster'),
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: 'roster.csv',
		displayOptions: { show: { resource: ['roster'], operation: ['export'] } },
	},
];

export async function execute(this: IExecuteFunctions, i: number) {
	let csv = '';
	let rows = -1;
	const db = await getDb(this);
	for await (const line of exportSegmentCsv(db, { ...readFilters(this, i), districtId: await districtIdFor(this, db) })) {
		csv += line;
		rows++;
	}
	const fileName = this.getNodeParameter('fileName', i, 'roster.csv') as string;
	const data = await this.helpers.prepareBinaryData(Buffer.from(csv, 'utf8'), fileName, 'text/csv');
	return [{ json: { rows, fileName }, binary: { data } }];
}
