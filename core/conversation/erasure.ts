import type { Db, Queryable } from '../db';
import { eraseCitizen, isSuppressed, liftSuppression, type ErasureReceipt, type N8nApiSettings } from '../erasure';
import { e164FromWaId, maskPhone } from '../phone';
import { forgetQuestions } from './repository';

/**
 * The conversation's two calls into the erasure (core/erasure owns it): a citizen's own "DELETE MY
 * DATA", confirmed with a button, and a JOIN from a number that was erased before. Nothing else in
 * the conversation erases or suppresses anything.
 */

/**
 * The citizen's identifiers as the erasure takes them, from the address the conversation answers:
 * a number (the roster's E.164 when it is an Indian mobile, and the WhatsApp id), or a BSUID when
 * Meta withheld the number.
 */
function idsOf(address: string): { phone?: string; waId?: string; waUserId?: string } {
	if (!address.startsWith('+')) return { waUserId: address };
	const waId = address.slice(1);
	const e164 = e164FromWaId(waId);
	return e164 ? { phone: e164, waId } : { waId };
}

/**
 * DELETE MY DATA, confirmed: every place the citizen is named (eraseCitizen: every identifier,
 * every table, the suppression list, n8n's kept executions, then the vacuum), and the
 * conversation's open question.
 */
export async function eraseCitizenOnRequest(db: Db, districtId: number, phone: string, n8n?: N8nApiSettings): Promise<ErasureReceipt> {
	await forgetQuestions(db, districtId, phone);
	return eraseCitizen(
		db,
		{ districtId, ...idsOf(phone) },
		{ actor: `citizen:${maskPhone(phone)}`, source: 'whatsapp DELETE MY DATA' },
		{ n8n },
	);
}

export async function isSuppressedNumber(q: Queryable, districtId: number, phone: string): Promise<boolean> {
	return isSuppressed(q, districtId, idsOf(phone));
}

/** A citizen who was erased answers "yes" to the notice: their own new consent lifts the suppression. */
export async function liftOnOwnConsent(q: Queryable, districtId: number, phone: string, evidence: string, at: Date): Promise<boolean> {
	return liftSuppression(q, districtId, idsOf(phone), { source: 'whatsapp JOIN', evidence, at }, { actor: `citizen:${maskPhone(phone)}` });
}
