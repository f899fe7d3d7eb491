/**
 * The suppression list: erased citizens, by keyed hash of every identifier they had (phone and
 * BSUID; a wa_id is a phone). No import, upsert or join adds a suppressed identifier again; only
 * the citizen's own new consent lifts it (liftSuppression), which WhatsApp's JOIN flow and a
 * staff member holding a new signed form both go through.
 */
import { createHmac } from 'crypto';
import { audit } from '../audit';
import type { Queryable } from '../db';
import { MitanError } from '../errors';
import { normalisePhone, phoneFromWaId } from '../phone';
import type { Actor } from '../roster/service';
import { checkedKey, identifierHash } from './key';

/** The ways a citizen is known: any one of them is enough. */
export interface CitizenIds {
	/** As typed or stored: normalised to E.164. */
	phone?: string | null;
	/** WhatsApp id: digits, country code first. */
	waId?: string | null;
	/** Business-scoped user id (BSUID, subscribers.wa_user_id). */
	waUserId?: string | null;
}

export interface NormalisedIds {
	phones: string[];
	userIds: string[];
}

const WA_ID = /^\d{8,15}$/;
const MAX_USER_ID = 200;

/** The identifiers as the store keeps them; a bad one is refused with its field. */
export function normaliseIds(ids: CitizenIds): NormalisedIds {
	const phones = new Set<string>();
	const userIds = new Set<string>();
	if (ids.phone !== undefined && ids.phone !== null && String(ids.phone).trim() !== '') {
		const p = normalisePhone(ids.phone);
		if (!p.ok) throw new MitanError('PHONE_INVALID', `phone "${ids.phone}": ${p.message}`, { field: 'phone', reason: p.reason });
		phones.add(p.e164);
	}
	if (ids.waId !== undefined && ids.waId !== null && String(ids.waId).trim() !== '') {
		const w = String(ids.waId).trim().replace(/^\+/, '');
		if (!WA_ID.test(w)) throw new MitanError('PHONE_INVALID', `waId "${ids.waId}": a WhatsApp id is 8 to 15 digits`, { field: 'waId' });
		phones.add(phoneFromWaId(w));
	}
	if (ids.waUserId !== undefined && ids.waUserId !== null && String(ids.waUserId).trim() !== '') {
		const u = String(ids.waUserId).trim();
		if (u.length > MAX_USER_ID || /\s/.test(u))
			throw new MitanError('ERASURE_NO_IDENTIFIER', `waUserId "${u.slice(0, 40)}…": not a WhatsApp user id`, { field: 'waUserId' });
		userIds.add(u);
	}
	return { phones: [...phones], userIds: [...userIds] };
}

function hashes(key: string, ids: NormalisedIds): { hash: string; kind: 'phone' | 'bsuid' }[] {
	return [
		...ids.phones.map((p) => ({ hash: identifierHash(key, 'phone', p), kind: 'phone' as const })),
		...ids.userIds.map((u) => ({ hash: identifierHash(key, 'bsuid', u), kind: 'bsuid' as const })),
	];
}

/** Adds the identifiers to the district's list (erasure calls it in its transaction). */
export async function suppress(q: Queryable, districtId: number, ids: NormalisedIds): Promise<number> {
	const list = hashes(await checkedKey(q), ids);
	if (list.length === 0) return 0;
	const rows = await q.query(
		`INSERT INTO suppressed_identifiers (district_id, id_hash, kind, reason)
     SELECT $1, h, k, 'erased' FROM unnest($2::text[], $3::text[]) AS x(h, k)
     ON CONFLICT (district_id, id_hash) DO NOTHING RETURNING id_hash`,
		[districtId, list.map((x) => x.hash), list.map((x) => x.kind)],
	);
	return rows.length;
}

async function anySuppressed(q: Queryable, districtId: number): Promise<boolean> {
	const [r] = await q.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM suppressed_identifiers WHERE district_id = $1) AS any', [
		districtId,
	]);
	return r.any === true;
}

/** True when any of the identifiers belongs to an erased citizen of the district. */
export async function isSuppressed(q: Queryable, districtId: number, ids: CitizenIds): Promise<boolean> {
	const n = normaliseIds(ids);
	if (!(await anySuppressed(q, districtId))) return false;
	const list = hashes(await checkedKey(q), n);
	if (list.length === 0) return false;
	const [r] = await q.query<{ any: boolean }>(
		'SELECT EXISTS (SELECT 1 FROM suppressed_identifiers WHERE district_id = $1 AND id_hash = ANY($2::text[])) AS any',
		[districtId, list.map((x) => x.hash)],
	);
	return r.any === true;
}

/** The suppressed numbers among E.164 `phones` (an import batch: one query). */
export async function suppressedPhones(q: Queryable, districtId: number, phones: string[]): Promise<Set<string>> {
	if (phones.length === 0 || !(await anySuppressed(q, districtId))) return new Set();
	const key = await checkedKey(q);
	const byHash = new Map(phones.map((p) => [identifierHash(key, 'phone', p), p]));
	const rows = await q.query<{ id_hash: string }>(
		'SELECT id_hash FROM suppressed_identifiers WHERE district_id = $1 AND id_hash = ANY($2::text[])',
		[districtId, [...byHash.keys()]],
	);
	return new Set(rows.map((r) => byHash.get(r.id_hash)!));
}

/** A new, explicit consent from the citizen: where it was given and what proves it. */
export interface NewConsent {
	/** e.g. "whatsapp JOIN", "signed form, Thana Kawardha". */
	source: string;
	/** e.g. the JOIN message's wamid and time, or the register page. Not audited (it may name the citizen). */
	evidence: string;
	at?: Date;
}

/**
 * Lifts the suppression of the identifiers on the citizen's own new consent; the caller then adds
 * them with that consent (RosterService.upsert). Audited without the identifiers. False when
 * none was suppressed.
 */
export async function liftSuppression(q: Queryable, districtId: number, ids: CitizenIds, consent: NewConsent, by: Actor): Promise<boolean> {
	const n = normaliseIds(ids);
	if (n.phones.length + n.userIds.length === 0)
		throw new MitanError('ERASURE_NO_IDENTIFIER', 'give the phone, WhatsApp id or user id whose suppression is lifted', { field: 'phone' });
	if (!consent.source?.trim() || !consent.evidence?.trim()) {
		throw new MitanError(
			'CONSENT_EVIDENCE_REQUIRED',
			'lifting a suppression needs the citizen’s new consent: its source and its evidence (e.g. their JOIN message)',
			{ field: consent.source?.trim() ? 'evidence' : 'source' },
		);
	}
	const list = hashes(await checkedKey(q), n);
	const rows = await q.query('DELETE FROM suppressed_identifiers WHERE district_id = $1 AND id_hash = ANY($2::text[]) RETURNING id_hash', [
		districtId,
		list.map((x) => x.hash),
	]);
	if (rows.length === 0) return false;
	await audit(q, {
		districtId,
		actor: by.actor,
		ip: by.ip,
		action: 'citizen.suppression_lifted',
		entity: 'suppression',
		details: { identifiers: rows.length, consentSource: consent.source.trim(), at: (consent.at ?? new Date()).toISOString() },
	});
	return true;
}

/** What a status needs for the check: the district it is for and the identifiers Meta put in it. */
interface StatusIdentity {
	districtId: number;
	wamid: string;
	recipient: string | null;
	recipientUserId?: string | null;
	errorTitle: string | null;
}

/**
 * Statuses Meta sends after an erasure (late ones, retries, the "your data is erased" reply's own
 * receipts) would store the erased number or BSUID again: for a suppressed identifier the status
 * is kept for the counts without them (and without Meta's title, which may quote the number), its
 * wamid (the number in base64) replaced by a keyed hash of it: the same status sent twice is
 * still one row, and the row names nobody.
 * One EXISTS per district per batch while nobody is suppressed; one indexed lookup otherwise.
 */
export async function withoutSuppressed<T extends StatusIdentity>(q: Queryable, events: T[]): Promise<T[]> {
	const districts = [...new Set(events.map((e) => e.districtId))];
	const out = events.slice();
	for (const d of districts) {
		if (!(await anySuppressed(q, d))) continue;
		let key: string;
		try {
			key = await checkedKey(q);
		} catch {
			// A gateway started without the data folder's key cannot tell: storing the status beats
			// refusing the delivery (Meta would retry it forever); the start checks the key anyway.
			return out;
		}
		const hashOf = (e: T): string[] => [
			...(e.recipient && /^\d{8,15}$/.test(e.recipient) ? [identifierHash(key, 'phone', phoneFromWaId(e.recipient))] : []),
			...(e.recipientUserId ? [identifierHash(key, 'bsuid', e.recipientUserId)] : []),
		];
		const mine = out.map((e, i) => ({ e, i })).filter((x) => x.e.districtId === d);
		const all = [...new Set(mine.flatMap((x) => hashOf(x.e)))];
		if (all.length === 0) continue;
		const rows = await q.query<{ id_hash: string }>(
			'SELECT id_hash FROM suppressed_identifiers WHERE district_id = $1 AND id_hash = ANY($2::text[])',
			[d, all],
		);
		if (rows.length === 0) continue;
		const hit = new Set(rows.map((r) => r.id_hash));
		for (const { e, i } of mine)
			if (hashOf(e).some((h) => hit.has(h)))
				out[i] = { ...e, wamid: erasedWamid(key, e.wamid), recipient: null, recipientUserId: null, errorTitle: null };
	}
	return out;
}

/** A wamid that named an erased citizen, as it is stored: "erased:" and a keyed hash, stable per wamid. */
function erasedWamid(key: string, wamid: string): string {
	return `erased:${createHmac('sha256', key).update(`wamid:${wamid}`).digest('hex').slice(0, 32)}`;
}
