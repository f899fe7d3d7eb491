import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { MitanError } from '../../../core/errors';
import { complaintJson, readViewer, refProperty, serviceFor, viewerProperties } from '../common';

export const description: INodeProperties[] = [refProperty(['get']), ...viewerProperties(['get'])];

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const ref = String(this.getNodeParameter('ref', i));
	const c = await (await serviceFor(this)).get(ref, readViewer(this, i));
	// A restricted complaint is reported as absent: its existence is itself sensitive.
	if (!c) throw new MitanError('COMPLAINT_NOT_FOUND', `no complaint ${ref} visible to this role`, { field: 'ref' });
	return complaintJson(c);
}
