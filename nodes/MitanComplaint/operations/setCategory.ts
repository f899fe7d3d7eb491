import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { actorFor, categoryOptions, complaintJson, refProperty, serviceFor } from '../common';

export const description: INodeProperties[] = [
	refProperty(['setCategory']),
	{
		displayName: 'Category',
		name: 'category',
		type: 'options',
		default: 'online_financial_fraud',
		options: categoryOptions,
		displayOptions: { show: { operation: ['setCategory'] } },
	},
];

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const svc = await serviceFor(this);
	const c = await svc.overrideCategory(
		String(this.getNodeParameter('ref', i)),
		String(this.getNodeParameter('category', i)),
		actorFor(this),
	);
	return complaintJson({ ...c, citizenPhone: null });
}
