import type { IExecuteFunctions } from 'n8n-workflow';
import { broadcastStatus, findBroadcast } from '../../core/broadcast';
import type { Db } from '../../core/db';
import { MitanError } from '../../core/errors';

export function broadcastIdParam(ctx: IExecuteFunctions, i: number): number {
	const raw = ctx.getNodeParameter('broadcastId', i) as unknown;
	const id = typeof raw === 'string' ? Number(raw.trim()) : Number(raw);
	if (!Number.isInteger(id) || id < 1) {
		throw new MitanError(
			'BROADCAST_INPUT_INVALID',
			`Broadcast ID must be a positive whole number (parameter "broadcastId"), got ${JSON.stringify(raw)}`,
			{ field: 'broadcastId' },
		);
	}
	return id;
}

/** The one summary item per broadcast every operation returns. */
export async function summary(db: Db, id: number, extra: Record<string, unknown> = {}) {
	const b = await findBroadcast(db, id);
	const p = await broadcastStatus(db, id);
	return {
		...p,
		contentKey: b?.contentKey,
		date: b?.date,
		segment: b?.segment,
		rateLimitPerSecond: b?.rateLimitPerSecond,
		startedAt: b?.startedAt?.toISOString() ?? null,
		finishedAt: b?.finishedAt?.toISOString() ?? null,
		...extra,
	};
}
