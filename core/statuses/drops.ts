import type { Db, Queryable } from '../db';
import { MitanError } from '../errors';
import { e164FromWaId } from '../phone';
import { RosterService } from '../roster';
import type { DropSignal } from './repository';

const BY = { actor: 'system:gateway', source: 'whatsapp status webhook' };

/**
 * Failures that change the roster, applied in the batch's transaction through the roster's
 * own rules (and its audit): 131026 → the number is invalid (not on WhatsApp / cannot receive),
 * 131050 → the citizen stopped marketing messages in WhatsApp: an opt-out.
 * A failure for a number we do not know (e.g. a complaint reply) changes nothing.
 */
export async function applyDrops(db: Db, tx: Queryable, drops: DropSignal[]): Promise<number> {
	let changed = 0;
	for (const d of drops) {
		const roster = new RosterService(db, d.district_id);
		let subscriberId = d.subscriber_id;
		let phone = d.recipient ? e164FromWaId(d.recipient) : null;
		if (subscriberId === null && phone) {
			const [s] = await tx.query<{ id: number }>('SELECT id FROM subscribers WHERE district_id = $1 AND phone = $2', [
				d.district_id,
				phone,
			]);
			subscriberId = s?.id ?? null;
		}
		if (subscriberId === null) continue;
		if (d.code === 131026) {
			await roster.markInvalid(subscriberId, 'meta 131026', BY, tx);
			changed++;
			continue;
		}
		if (!phone) {
			const [s] = await tx.query<{ phone: string | null }>('SELECT phone FROM subscribers WHERE id = $1', [subscriberId]);
			phone = s?.phone ?? null;
		}
		if (!phone) continue; // erased meanwhile
		try {
			await roster.optOut(phone, 'meta 131050', BY, tx);
			changed++;
		} catch (e) {
			// Gone or erased since: nothing left to opt out. Anything else is a real error.
			if (!(e instanceof MitanError && e.action === 'fix_input')) throw e;
		}
	}
	return changed;
}
