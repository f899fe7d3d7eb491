import type { Db, Queryable } from '../db';
import { maskPhone } from '../phone';
import { RosterService } from '../roster';
import { forgetQuestions } from './repository';

/**
 * SEAM (issue 17 §3 → issue 18's erasure): a citizen's own "DELETE MY DATA", confirmed with a
 * button, ends here and only here. Today it calls the roster's erasure on main
 * (RosterService.erase → roster/repository.erase), which erases a citizen on the roster; the
 * complete erasure (every table, citizens not on the roster, BSUIDs, n8n's execution data) is
 * being rewritten as one function in core/roster. At merge, point this call at it: nothing else
 * in the conversation erases anything.
 */
export async function eraseCitizenOnRequest(
	db: Db,
	districtId: number,
	phone: string,
): Promise<{ erased: boolean; subscriberId?: number }> {
	const r = await new RosterService(db, districtId).erase(phone, {
		actor: `citizen:${maskPhone(phone)}`,
		source: 'whatsapp DELETE MY DATA',
	});
	await forgetQuestions(db, districtId, phone);
	return r;
}

/**
 * SEAM (issue 18's suppression list of erased citizens, core/roster `isSuppressed`): not on main
 * yet, so nobody is suppressed. A citizen's own JOIN + "yes" is fresh consent either way; the
 * answer is recorded with the subscription (audit detail `afterErasure`) so the suppression work
 * can lift its entry there.
 */
export async function isSuppressedNumber(_db: Queryable, _districtId: number, _phone: string): Promise<boolean> {
	return false;
}
