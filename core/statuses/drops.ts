import { rosterEffectOf } from '../channels/whatsapp/errors';
import type { Db, Queryable } from '../db';
import { e164FromWaId } from '../phone';
import { applyRosterChange } from '../roster/effects';
import type { DropSignal } from './repository';

/**
 * Failures that change the roster, applied in the batch's transaction. Which Meta code does what
 * is core/channels/whatsapp/errors.ts's (rosterEffectOf); the change itself, with its reason and
 * actor, is core/roster/effects.ts's. A failure for a number we do not know (e.g. a complaint
 * reply) changes nothing.
 */
export async function applyDrops(db: Db, tx: Queryable, drops: DropSignal[]): Promise<number> {
	let changed = 0;
	for (const d of drops) {
		const effect = rosterEffectOf(d.code);
		if (!effect) continue;
		const target = { districtId: d.district_id, subscriberId: d.subscriber_id, phone: d.recipient ? e164FromWaId(d.recipient) : null };
		if (await applyRosterChange(db, tx, target, effect, { kind: 'meta_code', code: d.code, flow: 'status_webhook' })) changed++;
	}
	return changed;
}
