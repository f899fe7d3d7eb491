import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { MitanError } from '../../../core/errors';
import { phoneProperty, rosterFor, subscriberJson } from '../common';

export const description: INodeProperties[] = [phoneProperty(['get'])];

export async function execute(this: IExecuteFunctions, i: number) {
	const phone = this.getNodeParameter('phone', i) as string;
	const s = await (await rosterFor(this)).getByPhone(phone);
	if (!s) throw new MitanError('SUBSCRIBER_NOT_FOUND', `no subscriber with phone ${phone}`, { field: 'phone' });
	return subscriberJson(s);
}
