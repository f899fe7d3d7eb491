import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { actorFor, phoneProperty, rosterFor, subscriberJson } from '../common';

export const description: INodeProperties[] = [
	phoneProperty(['optOut', 'optIn', 'erase']),
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'string',
		default: '',
		placeholder: 'Citizen asked at the thana',
		displayOptions: { show: { resource: ['subscriber'], operation: ['optOut', 'optIn'] } },
	},
];

export async function optOut(this: IExecuteFunctions, i: number) {
	const s = await (
		await rosterFor(this)
	).optOut(
		this.getNodeParameter('phone', i) as string,
		(this.getNodeParameter('reason', i, '') as string) || 'opt-out via n8n',
		actorFor(this),
	);
	return subscriberJson(s);
}

export async function optIn(this: IExecuteFunctions, i: number) {
	const s = await (
		await rosterFor(this)
	).optIn(
		this.getNodeParameter('phone', i) as string,
		(this.getNodeParameter('reason', i, '') as string) || 'opt-in via n8n',
		actorFor(this),
	);
	return subscriberJson(s);
}

/** DPDP erasure request. */
export async function erase(this: IExecuteFunctions, i: number) {
	return (await rosterFor(this)).erase(this.getNodeParameter('phone', i) as string, actorFor(this));
}
