import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { importRoster } from '../../../core/roster';
import { districtIdFor, getDb } from '../../shared/db';
import { actorFor } from '../common';

const show = { resource: ['roster'], operation: ['import'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: 'The binary field holding the CSV or .xlsx file',
		displayOptions: { show },
	},
	{
		displayName: 'Consent Source',
		name: 'consentSource',
		type: 'string',
		default: '',
		placeholder: 'Camp Kawardha 2026-11-20',
		description: 'Applies to rows without their own consent column',
		displayOptions: { show },
	},
	{
		displayName: 'Keep Good Rows',
		name: 'partial',
		type: 'boolean',
		default: false,
		description: 'Whether to import the good rows when some are rejected (otherwise the whole file or nothing)',
		displayOptions: { show },
	},
	{ displayName: 'Max File Size (MB)', name: 'maxMb', type: 'number', default: 10, displayOptions: { show } },
];

export async function execute(this: IExecuteFunctions, i: number) {
	const field = this.getNodeParameter('binaryPropertyName', i) as string;
	const bin = this.helpers.assertBinaryData(i, field);
	const buffer = await this.helpers.getBinaryDataBuffer(i, field);
	const db = await getDb(this);
	const r = await importRoster(db, {
		districtId: await districtIdFor(this, db),
		buffer,
		fileName: bin.fileName,
		consentSource: (this.getNodeParameter('consentSource', i, '') as string) || undefined,
		partial: this.getNodeParameter('partial', i, false) as boolean,
		maxBytes: (this.getNodeParameter('maxMb', i, 10) as number) * 1024 * 1024,
		actor: actorFor(this).actor,
	});
	return r as unknown as IDataObject;
}
