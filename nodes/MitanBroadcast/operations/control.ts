import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { cancelBroadcast, pauseBroadcast } from '../../../core/broadcast';
import { getDb } from '../../shared/db';
import { broadcastIdParam, summary } from '../common';

export const description: INodeProperties[] = [
	{
		displayName: 'Broadcast ID',
		name: 'broadcastId',
		type: 'number',
		default: 0,
		required: true,
		description: 'ID returned by Create (e.g. {{ $json.broadcastId }})',
		displayOptions: { show: { operation: ['start', 'resume', 'pause', 'cancel', 'status'] } },
	},
];

const actorOf = (ctx: IExecuteFunctions) => `n8n:${ctx.getWorkflow().name ?? ctx.getWorkflow().id}`;

export async function pause(this: IExecuteFunctions, i: number) {
	const db = await getDb(this);
	const id = broadcastIdParam(this, i);
	await pauseBroadcast(db, id, actorOf(this));
	return summary(db, id);
}

export async function cancel(this: IExecuteFunctions, i: number) {
	const db = await getDb(this);
	const id = broadcastIdParam(this, i);
	await cancelBroadcast(db, id, actorOf(this));
	return summary(db, id);
}

export async function status(this: IExecuteFunctions, i: number) {
	const db = await getDb(this);
	return summary(db, broadcastIdParam(this, i));
}
