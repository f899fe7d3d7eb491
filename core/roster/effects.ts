/**
 * The one place a WhatsApp signal changes a citizen's roster status, with one vocabulary for who
 * did it and why. Three flows end here: Meta refusing a recipient (the broadcast sender's answer
 * and the status webhook, core/channels/whatsapp/errors.ts says which codes), the STOP / START
 * keywords, and Meta's user_preferences ("Stop promotions" / resume). The change itself goes
 * through the roster service's own rules and audit.
 */
import type { Db, Queryable } from '../db';
import { MitanError } from '../errors';
import { maskPhone } from '../phone';
import * as repo from './repository';
import { RosterService, type Actor } from './service';

export type RosterChange = 'mark_invalid' | 'opt_out' | 'opt_in';

export type RosterCause =
	/** Meta refused the recipient with this code: in the broadcast's answer, or in a status webhook. */
	| { kind: 'meta_code'; code: number; flow: 'broadcast'; broadcastId: number }
	| { kind: 'meta_code'; code: number; flow: 'status_webhook' }
	/** The citizen sent STOP / START (typed, or a quick-reply button). */
	| { kind: 'keyword'; keyword: 'stop' | 'start'; citizenPhone: string; messageType: string }
	/* citizenPhone: the number, or the BSUID when Meta withheld it (maskPhone masks either). */
	/** The citizen used WhatsApp's own "Stop promotions" / resume. */
	| { kind: 'preference'; value: 'stop' | 'resume'; category?: string | null; citizenPhone: string };

/** Who changed the roster and why, as the audit log and subscribers.status_reason record it. */
export function describeCause(c: RosterCause): { reason: string; by: Actor } {
	switch (c.kind) {
		case 'meta_code':
			return c.flow === 'broadcast'
				? { reason: `meta ${c.code}`, by: { actor: 'system:broadcast', source: `broadcast:${c.broadcastId}` } }
				: { reason: `meta ${c.code}`, by: { actor: 'system:gateway', source: 'whatsapp status webhook' } };
		case 'keyword':
			return {
				reason: `keyword ${c.keyword.toUpperCase()}`,
				by: { actor: `citizen:${maskPhone(c.citizenPhone)}`, source: `whatsapp keyword ${c.messageType}` },
			};
		case 'preference':
			return {
				reason: `meta user_preferences ${c.value} (${c.category ?? 'marketing_messages'})`,
				by: { actor: `citizen:${maskPhone(c.citizenPhone)}`, source: 'whatsapp user_preferences' },
			};
	}
}

export interface RosterTarget {
	districtId: number;
	subscriberId?: number | null;
	/** E.164, when the signal carries the number. */
	phone?: string | null;
}

/**
 * Applies one change. The citizen is found by id or phone, whichever the signal has; one who is
 * not on the roster, was erased or is gone meanwhile changes nothing (false). Runs in `tx` when
 * given (the webhook's batch), else in its own transaction.
 */
export async function applyRosterChange(
	db: Db,
	tx: Queryable | undefined,
	target: RosterTarget,
	change: RosterChange,
	cause: RosterCause,
): Promise<boolean> {
	const q = tx ?? db;
	let subscriberId = target.subscriberId ?? null;
	const phone = target.phone ?? null;
	if (subscriberId === null && phone) subscriberId = (await repo.findByPhone(q, target.districtId, phone))?.id ?? null;
	if (subscriberId === null) return false;
	const roster = new RosterService(db, target.districtId);
	const { reason, by } = describeCause(cause);
	if (change === 'mark_invalid') {
		await roster.markInvalid(subscriberId, reason, by, tx);
		return true;
	}
	try {
		// By id: a citizen known by BSUID only has no phone (core/identity.ts).
		if (change === 'opt_out') await roster.optOut(subscriberId, reason, by, tx);
		else await roster.optIn(subscriberId, reason, by, tx);
		return true;
	} catch (e) {
		// Gone or erased since: nothing left to change. Anything else is a real error.
		if (e instanceof MitanError && e.action === 'fix_input') return false;
		throw e;
	}
}
