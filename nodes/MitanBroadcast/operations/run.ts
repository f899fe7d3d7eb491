/** Start and Resume: mark the broadcast running, then send in this execution or in the background. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { resumeBroadcast, runSender, startBroadcast } from '../../../core/broadcast';
import { DEFAULT_IN_DOUBT_QUIET_SECONDS } from '../../../core/config';
import { MitanError } from '../../../core/errors';
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
		description:
			'Whether to send again now to citizens whose message may or may not have left when a sender died, without waiting for the quiet window (risks a duplicate)',
		displayOptions: { show: { operation: ['resume'] } },
	},
	{
		displayName: 'Quiet Window for Citizens in Doubt (Minutes)',
		name: 'inDoubtQuietMinutes',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1440 },
		default: DEFAULT_IN_DOUBT_QUIET_SECONDS / 60,
		description:
			'A citizen in doubt (the sender died with the message in the air) whose message gets no status from WhatsApp for this long is sent it once more, the same day only',
		displayOptions: { show: { operation: ['start', 'resume'] } },
	},
];

function quietMs(ctx: IExecuteFunctions, i: number): number {
	const m = ctx.getNodeParameter('inDoubtQuietMinutes', i, DEFAULT_IN_DOUBT_QUIET_SECONDS / 60) as number;
	if (typeof m !== 'number' || !Number.isFinite(m) || m < 0 || m > 1440)
		throw new MitanError('BROADCAST_INPUT_INVALID', `inDoubtQuietMinutes must be 0..1440 minutes (got ${JSON.stringify(m)})`, {
			field: 'inDoubtQuietMinutes',
		});
	return Math.round(m * 60_000);
}

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
			const res = await runSender(db, client, id, { inDoubtQuietMs: quietMs(ctx, i) });
			extra.outcome = res.outcome;
		} finally {
			client.close();
		}
	} else {
		extra.background = runInBackground(db, client, id, { inDoubtQuietMs: quietMs(ctx, i) }) ? 'started' : 'already running in this process';
	}
	return summary(db, id, extra);
}

export async function start(this: IExecuteFunctions, i: number) {
	return run(this, i, 'start');
}

export async function resume(this: IExecuteFunctions, i: number) {
	return run(this, i, 'resume');
}
