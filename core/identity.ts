/**
 * The one owner of "who is this citizen": a citizen has a phone number, a business-scoped user
 * id (BSUID, Meta since April 2026), or both. Meta omits the number of a citizen with a username
 * who has not written in 30 days, so every signal (a message, a STOP, a status, a preference) is
 * resolved here from whatever it carries, and a signal carrying both identifiers links them:
 * - the phone's row learns the BSUID, or the BSUID's row learns the phone;
 * - when each identifier already has its own row (a citizen registered by phone and, separately,
 *   by BSUID), the two are merged into the phone's row (the roster's consent record), never left
 *   as two citizens: complaints, messages and the opt-out follow; the other row keeps its
 *   deliveries' history and ends with no identifier (status 'erased', reason 'merged into N').
 * Nobody is created here: a subscriber needs a consent record (core/roster). Erasure (issue 17)
 * finds the citizen with resolveCitizen too.
 */
import { createHash } from 'crypto';
import { audit } from './audit';
import type { Db, Queryable } from './db';
import { e164FromWaId, isUserId, maskPhone, maskUserId } from './phone';

export interface CitizenKey {
	/** E.164, when known. */
	phone?: string | null;
	/** wa_id digits (Meta's `from` / `recipient_id`); turned into the roster's E.164. */
	waId?: string | null;
	/** BSUID (contacts[].user_id, from_user_id, recipient_user_id). */
	userId?: string | null;
	/** contacts[].profile.username: display only. */
	username?: string | null;
}

export interface Citizen {
	id: number;
	status: string;
	phone: string | null;
	waUserId: string | null;
}

/** E.164 of a key: the phone, else the wa_id as the roster writes it (null when not an Indian mobile). */
export function phoneOfKey(key: CitizenKey): string | null {
	return key.phone ?? (key.waId ? e164FromWaId(key.waId) : null);
}

/** The identifier that finds a citizen's open complaint: sha256 of the phone when known, else of the BSUID. */
export function citizenHash(key: { phone?: string | null; userId?: string | null } | string): string | null {
	const id = typeof key === 'string' ? key : (key.phone ?? key.userId ?? null);
	return id ? createHash('sha256').update(id).digest('hex') : null;
}

/** Where a WhatsApp message to this citizen goes: the number, else the BSUID (the request builder picks `to` / `recipient`). */
export function sendAddress(c: { phone?: string | null; waUserId?: string | null }): string | null {
	return c.phone || c.waUserId || null;
}

/** For logs and the audit: the number masked, else the BSUID masked. */
export function maskCitizen(c: { phone?: string | null; userId?: string | null }): string {
	return c.phone ? maskPhone(c.phone) : maskUserId(c.userId);
}

const COLS = 'id, status, phone, wa_user_id';
const toCitizen = (r: Record<string, unknown>): Citizen => ({
	id: Number(r.id),
	status: String(r.status),
	phone: (r.phone as string | null) ?? null,
	waUserId: (r.wa_user_id as string | null) ?? null,
});

async function findOne(db: Queryable, districtId: number, column: 'phone' | 'wa_user_id', value: string): Promise<Citizen | undefined> {
	const [r] = await db.query(`SELECT ${COLS} FROM subscribers WHERE district_id = $1 AND ${column} = $2 FOR UPDATE`, [districtId, value]);
	return r ? toCitizen(r) : undefined;
}

/**
 * The citizen a signal is from, locked (FOR UPDATE) so two signals for one citizen apply in turn;
 * undefined when neither identifier is on the roster. With both identifiers, links them (see the
 * file comment). `by` names who links in the audit log.
 */
export async function resolveCitizen(
	tx: Queryable,
	districtId: number,
	key: CitizenKey,
	by = 'system:gateway',
): Promise<Citizen | undefined> {
	const phone = phoneOfKey(key);
	const userId = isUserId(key.userId) ? (key.userId as string) : null;
	const byPhone = phone ? await findOne(tx, districtId, 'phone', phone) : undefined;
	const byUser = userId ? await findOne(tx, districtId, 'wa_user_id', userId) : undefined;
	// Complaints opened under the BSUID alone now belong to the phone's hash, roster or not.
	if (phone && userId) await rehashComplaints(tx, userId, phone, byPhone?.id ?? byUser?.id ?? null);
	if (byPhone && byUser && byPhone.id !== byUser.id) return merge(tx, districtId, byPhone, byUser, by);
	const found = byPhone ?? byUser;
	if (!found || found.status === 'erased') return found;
	if (userId && found.waUserId !== userId) {
		// The phone's row learns the BSUID (or a newer one: Meta issues a new id with a new number).
		await tx.query('UPDATE subscribers SET wa_user_id = $2, wa_username = coalesce($3, wa_username), updated_at = now() WHERE id = $1', [
			found.id,
			userId,
			key.username ?? null,
		]);
		await linkAudit(tx, districtId, found.id, by, { userId: maskUserId(userId), previous: maskUserId(found.waUserId) });
		found.waUserId = userId;
	}
	if (phone && !found.phone) {
		await tx.query('UPDATE subscribers SET phone = $2, updated_at = now() WHERE id = $1', [found.id, phone]);
		await linkAudit(tx, districtId, found.id, by, { phone: maskPhone(phone), userId: maskUserId(found.waUserId) });
		found.phone = phone;
	}
	return found;
}

async function linkAudit(tx: Queryable, districtId: number, id: number, by: string, details: Record<string, unknown>): Promise<void> {
	await audit(tx, { districtId, actor: by, action: 'subscriber.identity_linked', entity: 'subscriber', entityId: id, details });
}

/** Complaints opened under the BSUID alone now belong to the phone's hash (one open complaint per citizen). */
async function rehashComplaints(tx: Queryable, userId: string | null, phone: string | null, subscriberId: number | null): Promise<void> {
	const from = citizenHash({ userId });
	if (!from || !phone) return;
	await tx.query(
		'UPDATE complaints SET citizen_hash = $2, subscriber_id = coalesce(subscriber_id, $3), updated_at = now() WHERE citizen_hash = $1',
		[from, citizenHash({ phone }), subscriberId],
	);
}

/** Two rows, one person: the phone's row keeps everything; opting out on either side wins. */
async function merge(tx: Queryable, districtId: number, keep: Citizen, gone: Citizen, by: string): Promise<Citizen> {
	const userId = gone.waUserId as string;
	await tx.query('UPDATE complaints SET subscriber_id = $1 WHERE subscriber_id = $2', [keep.id, gone.id]);
	await tx.query('UPDATE inbound_messages SET subscriber_id = $1 WHERE subscriber_id = $2', [keep.id, gone.id]);
	const [g] = await tx.query<{ wa_username: string | null }>('SELECT wa_username FROM subscribers WHERE id = $1', [gone.id]);
	await tx.query(
		`UPDATE subscribers SET wa_user_id = NULL, wa_username = NULL, status = 'erased', status_reason = $2,
            status_changed_at = now(), erased_at = now(), updated_at = now()
     WHERE id = $1`,
		[gone.id, `merged into ${keep.id}`],
	);
	const optOut = gone.status === 'opted_out' && keep.status === 'active';
	await tx.query(
		`UPDATE subscribers SET wa_user_id = $2, wa_username = coalesce(wa_username, $3), updated_at = now(),
            status = CASE WHEN $4 THEN 'opted_out' ELSE status END,
            status_reason = CASE WHEN $4 THEN $5 ELSE status_reason END,
            status_changed_at = CASE WHEN $4 THEN now() ELSE status_changed_at END
     WHERE id = $1`,
		[keep.id, userId, g?.wa_username ?? null, optOut, `opted out as ${maskUserId(userId)} (merged)`],
	);
	await audit(tx, {
		districtId,
		actor: by,
		action: 'subscriber.identity_merged',
		entity: 'subscriber',
		entityId: keep.id,
		details: { merged: gone.id, userId: maskUserId(userId), phone: maskPhone(keep.phone), optedOut: optOut },
	});
	return { ...keep, waUserId: userId, status: optOut ? 'opted_out' : keep.status };
}

const PAIRS = `jsonb_to_recordset($2::jsonb) AS i(phone text, user_id text, masked_user_id text, masked_phone text, from_hash text, to_hash text)`;

/** Links and audits every simple pair of a batch at once; masked values and hashes come from the owners (phone.ts, citizenHash). */
const BULK_LINK = `
WITH i AS (SELECT DISTINCT ON (user_id) * FROM (SELECT DISTINCT ON (phone) * FROM ${PAIRS} ORDER BY phone) p ORDER BY user_id),
upd AS (
  UPDATE subscribers s SET wa_user_id = i.user_id, updated_at = now()
  FROM i
  WHERE s.district_id = $1 AND s.phone = i.phone AND s.wa_user_id IS NULL AND s.status <> 'erased'
    AND NOT EXISTS (SELECT 1 FROM subscribers t WHERE t.district_id = $1 AND t.wa_user_id = i.user_id)
  RETURNING s.id, i.masked_user_id, i.masked_phone, i.from_hash, i.to_hash),
aud AS (
  INSERT INTO audit_log (district_id, actor, action, entity, entity_id, details)
  SELECT $1, 'system:gateway', 'subscriber.identity_linked', 'subscriber', upd.id::text,
         jsonb_build_object('userId', upd.masked_user_id, 'phone', upd.masked_phone, 'source', 'status webhook')
  FROM upd),
cmp AS (
  UPDATE complaints c SET citizen_hash = upd.to_hash, subscriber_id = coalesce(c.subscriber_id, upd.id), updated_at = now()
  FROM upd WHERE c.citizen_hash = upd.from_hash)
SELECT count(*)::int AS n FROM upd`;

/** What is left of a batch after the bulk link: already linked, a case for resolveCitizen, or nobody on the roster. */
const SORT_PAIRS = `
SELECT i.phone, i.user_id,
       CASE WHEN EXISTS (SELECT 1 FROM subscribers s WHERE s.district_id = $1 AND s.phone = i.phone AND s.wa_user_id = i.user_id) THEN 'linked'
            WHEN EXISTS (SELECT 1 FROM subscribers s WHERE s.district_id = $1 AND (s.phone = i.phone OR s.wa_user_id = i.user_id)) THEN 'todo'
            ELSE 'unknown' END AS state
FROM ${PAIRS} ORDER BY i.phone`;

/**
 * Phone ↔ BSUID pairs seen together (a status webhook carrying recipient_id and
 * recipient_user_id, Meta's own record of the pair): links the ones the roster does not have yet.
 * One query sorts the batch; only pairs that need a change are resolved. `seen` (the caller's
 * memory of pairs already linked) skips the database for them: after the first broadcast nearly
 * every status names a linked pair.
 */
export async function linkFromStatuses(
	db: Db,
	statuses: { districtId: number; recipient: string | null; recipientUserId?: string | null }[],
	seen?: Set<string>,
): Promise<number> {
	const byDistrict = new Map<number, Map<string, { phone: string; user_id: string }>>();
	for (const s of statuses) {
		const phone = s.recipient ? e164FromWaId(s.recipient) : null;
		if (!phone || !s.recipientUserId || !isUserId(s.recipientUserId)) continue;
		const k = `${s.districtId}|${phone}|${s.recipientUserId}`;
		if (seen?.has(k)) continue;
		const m = byDistrict.get(s.districtId) ?? new Map<string, { phone: string; user_id: string }>();
		m.set(k, { phone, user_id: s.recipientUserId });
		byDistrict.set(s.districtId, m);
	}
	let n = 0;
	for (const [districtId, pairs] of byDistrict) {
		const input = [...pairs.values()].map((p) => ({
			...p,
			masked_user_id: maskUserId(p.user_id),
			masked_phone: maskPhone(p.phone),
			from_hash: citizenHash({ userId: p.user_id }),
			to_hash: citizenHash({ phone: p.phone }),
		}));
		const rows = await db.transaction(async (tx) => {
			// The common case in one statement: a number on the roster without a BSUID, the BSUID nobody's.
			const [bulk] = await tx.query<{ n: number }>(BULK_LINK, [districtId, JSON.stringify(input)]);
			n += Number(bulk.n);
			const sorted = await tx.query<{ phone: string; user_id: string; state: 'linked' | 'todo' | 'unknown' }>(SORT_PAIRS, [
				districtId,
				JSON.stringify(input),
			]);
			for (const r of sorted) if (r.state === 'todo') await resolveCitizen(tx, districtId, { phone: r.phone, userId: r.user_id });
			return sorted;
		});
		for (const r of rows) {
			if (r.state === 'todo') n++;
			// Unknown pairs are not remembered: the citizen may join the roster later.
			if (r.state !== 'unknown' && seen) seen.add(`${districtId}|${r.phone}|${r.user_id}`);
		}
	}
	if (seen && seen.size > 200_000) seen.clear(); // bounded memory; a miss costs one query
	return n;
}

/**
 * Meta's `user_changed_user_id`: the citizen's BSUID changed. The row holding the previous id
 * takes the new one (or, when the new id is already someone's row, the two are resolved as one
 * citizen). Returns how many rows changed.
 */
export async function applyUserIdChanges(
	db: Db,
	changes: { districtId: number; previousUserId: string; userId: string; waId: string | null }[],
): Promise<number> {
	let n = 0;
	for (const c of changes) {
		n += await db.transaction(async (tx) => {
			const old = await findOne(tx, c.districtId, 'wa_user_id', c.previousUserId);
			const taken = await findOne(tx, c.districtId, 'wa_user_id', c.userId);
			if (!old || taken) {
				// Both ids are on the roster: one citizen. Link through the number when Meta gave it.
				if (c.waId) await resolveCitizen(tx, c.districtId, { waId: c.waId, userId: c.userId });
				return 0;
			}
			await tx.query('UPDATE subscribers SET wa_user_id = $2, updated_at = now() WHERE id = $1', [old.id, c.userId]);
			await linkAudit(tx, c.districtId, old.id, 'system:gateway', { userId: maskUserId(c.userId), previous: maskUserId(c.previousUserId) });
			// Open complaints were found by the old BSUID's hash when the citizen had no number.
			if (!old.phone) {
				await tx.query('UPDATE complaints SET citizen_hash = $2 WHERE citizen_hash = $1', [
					citizenHash({ userId: c.previousUserId }),
					citizenHash({ userId: c.userId }),
				]);
			}
			if (c.waId) await resolveCitizen(tx, c.districtId, { waId: c.waId, userId: c.userId });
			return 1;
		});
	}
	return n;
}
