/** Start and Resume: mark the broadcast running, then send in this execution or in the background. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { resumeBroadcast, runSender, startBroadcast } from '../../../core/broadcast';
import { getDb } from '../../shared/db';
import { runInBackground } from '../background';
import { whatsAppClient } from '../../shared/whatsapp';
import { broadcastIdParam, summary } from '../common';

export const description: INodeProperties[] = [
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		default: 'return',
		options: [
			{ name: 'Start and Return', value: 'return', description: 'Send in the background of this n8n process; check progress with Status' },
			{ name: 'Start and Wait', value: 'wait', description: 'Hold this execution until the broadcast completes, pauses or stops' },
		],
		displayOptions: { show: { operation: ['start', 'resume'] } },
	},
	{
		displayName: 'Resend to Citizens in Doubt',
		name: 'resendInDoubt',
		type: 'boolean',
		default: false,
		description: 'Whether to send again to citizens whose message may or may not have left when a sender died (risks a duplicate)',
		displayOptions: { show: { operation: ['resume'] } },
	},
];

async function run(ctx: IExecuteFunctions, i: number, verb: 'start' | 'resume') {
	const db = await getDb(ctx);
	const id = broadcastIdParam(ctx, i);
	const actor = `n8n:${ctx.getWorkflow().name ?? ctx.getWorkflow().id}`;
	const extra: Record<string, unknown> = {};
	if (verb === 'start') await startBroadcast(db, id, actor);
	else {
		const r = await resumeBroadcast(db, id, { resendInDoubt: ctx.getNodeParameter('resendInDoubt', i, false) as boolean, actor });
		extra.resentInDoubt = r.resent;
		extra.recovered = r.recovered;
	}
	const client = await whatsAppClient(ctx);
	const mode = ctx.getNodeParameter('mode', i, 'return') as string;
	if (mode === 'wait') {
		try {
			const res = await runSender(db, client, id);
			extra.outcome = res.outcome;
		} finally {
			client.close();
		}
	} else {
		extra.background = runInBackground(db, client, id) ? 'started' : 'already running in this process';
	}
	return summary(db, id, extra);
}

export async function start(this: IExecuteFunctions, i: number) {
	return run(this, i, 'start');
}

export async function resume(this: IExecuteFunctions, i: number) {
	return run(this, i, 'resume');
}
