import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { actorFor, complaintJson, refProperty, serviceFor } from '../common';

const show = { operation: ['updateStatus'] };

export const description: INodeProperties[] = [
	refProperty(['updateStatus']),
	{
		displayName: 'New Status',
		name: 'status',
		type: 'options',
		default: 'forwarded',
		options: [
			{ name: 'Acknowledged', value: 'acknowledged' },
			{ name: 'Forwarded', value: 'forwarded' },
			{ name: 'Closed', value: 'closed' },
		],
		displayOptions: { show },
	},
	{
		displayName: 'Forwarded To',
		name: 'forwardedTo',
		type: 'string',
		default: '',
		placeholder: 'Kawardha police station',
		displayOptions: { show: { ...show, status: ['forwarded'] } },
	},
	{ displayName: 'Note', name: 'note', type: 'string', default: '', displayOptions: { show } },
];

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const svc = await serviceFor(this);
	const c = await svc.setStatus(String(this.getNodeParameter('ref', i)), String(this.getNodeParameter('status', i)), actorFor(this), {
		note: (this.getNodeParameter('note', i, '') as string) || undefined,
		forwardedTo: (this.getNodeParameter('forwardedTo', i, '') as string) || undefined,
	});
	return complaintJson({ ...c, summary: c.sensitive ? null : c.summary, citizenPhone: null });
}
