/**
 * The one owner of a citizen's erasure (DPDP "right to erasure"). Every caller goes through
 * eraseCitizen: the Roster node and RosterService.erase, the CLI, and the citizen's own
 * "DELETE MY DATA" over WhatsApp. The citizen is found by any identifier they had (phone, wa_id,
 * BSUID), including messages they wrote before being on the roster; everything that names them is
 * cleared or rewritten, the counts stay (category, day, money loss, police station, language),
 * their identifiers go on the suppression list, and the tables are vacuumed afterwards.
 */
import { audit } from '../audit';
import { citizenHash } from '../complaints/service';
import type { Db, Queryable } from '../db';
import { MitanError } from '../errors';
import { eraseDeadLettersNaming, eraseDeadLettersOf } from '../inbound/dead-letters';
import { maskPhone, phoneFromWaId } from '../phone';
import type { Actor } from '../roster/service';
import { erasureActor } from './actor';
import { ATTACHMENT_CLEARED, INBOUND_MESSAGE_CLEARED, NUMBER_IN_TEXT, statusEventCleared } from './anonymise';
import { eraseN8nExecutions, type N8nApiSettings, type N8nExecutionsReport } from './n8n-executions';
import { normaliseIds, suppress, type CitizenIds, type NormalisedIds } from './suppression';
import { vacuumAfterErasure, type ErasureTable, type VacuumMode, type VacuumReport } from './vacuum';

export interface ErasureRequest extends CitizenIds {
	districtId: number;
}

export interface ErasureReceipt {
	/** Something named the citizen and is gone now. */
	erased: boolean;
	/** Roster rows erased (kept, anonymised, for the counts). */
	subscriberIds: number[];
	/** Rows changed (or deleted: dead letters) per table. */
	counts: Partial<Record<ErasureTable, number>>;
	/** Identifiers newly on the suppression list. */
	suppressed: number;
	vacuum?: VacuumReport;
	/** n8n's kept executions naming the citizen, deleted through its public API (or why not checked). */
	n8nExecutions?: N8nExecutionsReport;
}

export interface ErasureOptions {
	vacuum?: VacuumMode;
	/** n8n's public API (resolveConfig().n8nApi); absent: the receipt says n8n's executions were not checked. */
	n8n?: N8nApiSettings;
}

/**
 * Erases in its own transaction, then n8n's kept executions naming the citizen (over HTTP, so
 * after the commit), then vacuums (default: VACUUM FULL and the WAL, see vacuum.ts).
 */
export async function eraseCitizen(db: Db, req: ErasureRequest, by: Actor, opts: ErasureOptions = {}): Promise<ErasureReceipt> {
	const { receipt, ids } = await db.transaction((tx) => eraseWithIds(tx, req, by));
	receipt.n8nExecutions = await eraseN8nExecutions(db, opts.n8n, ids, { districtId: req.districtId, actor: by.actor });
	if (receipt.erased) receipt.vacuum = await vacuumAfterErasure(db, Object.keys(receipt.counts), opts.vacuum ?? 'full');
	return receipt;
}

/**
 * The erasure itself, inside the caller's transaction (a flow that erases as one step of more).
 * The caller must then call vacuumAfterErasure(db, Object.keys(receipt.counts)) once it commits.
 */
export async function eraseCitizenIn(tx: Queryable, req: ErasureRequest, by: Actor): Promise<ErasureReceipt> {
	return (await eraseWithIds(tx, req, by)).receipt;
}

/** The erasure, and every identifier it found the citizen by (for n8n's executions, after the commit). */
async function eraseWithIds(tx: Queryable, req: ErasureRequest, by: Actor): Promise<{ receipt: ErasureReceipt; ids: NormalisedIds }> {
	const given = normaliseIds(req);
	if (given.phones.length + given.userIds.length === 0)
		throw new MitanError('ERASURE_NO_IDENTIFIER', 'give the phone, WhatsApp id or user id of the citizen to erase', { field: 'phone' });
	const d = req.districtId;
	// Lets this transaction take the links out of the audit log (migration 120); nothing else.
	await tx.query(`SELECT set_config('mitan.erasure', 'on', true)`);

	const subs = await tx.query<{ id: number; phone: string | null; wa_id: string | null; wa_user_id: string | null }>(
		`SELECT id, phone, wa_id, wa_user_id FROM subscribers
     WHERE district_id = $1 AND (phone = ANY($2::text[]) OR wa_id = ANY($3::text[]) OR wa_user_id = ANY($4::text[]))
     ORDER BY id FOR UPDATE`,
		[d, given.phones, given.phones.map(digitsOf), given.userIds],
	);
	const ids = widen(given, subs);
	const subscriberIds = subs.map((s) => Number(s.id));
	const digits = ids.phones.map(digitsOf);
	const counts: Partial<Record<ErasureTable, number>> = {};
	const count = (t: ErasureTable, n: number) => {
		if (n > 0) counts[t] = (counts[t] ?? 0) + n;
	};

	// Messages: by roster row, by number or user id (also those written before joining), and the
	// user_preferences rows whose dedupe key was built from the number.
	const keyPatterns = [...digits, ...ids.userIds].map((x) => `user_preferences:${x.replace(/[\\%_]/g, '\\$&')}:%`);
	const messageIds = (
		await tx.query<{ id: number }>(
			`SELECT id FROM inbound_messages WHERE district_id = $1 AND (
         subscriber_id = ANY($2::bigint[]) OR from_phone = ANY($3::text[]) OR from_user_id = ANY($4::text[])
         OR payload->'message'->>'from' = ANY($5::text[]) OR wamid LIKE ANY($6::text[]))`,
			[d, subscriberIds, ids.phones, ids.userIds, digits, keyPatterns],
		)
	).map((r) => Number(r.id));

	const complaints = await tx.query<{ id: number; ref: string }>(
		`SELECT id, ref FROM complaints WHERE district_id = $1 AND (
       subscriber_id = ANY($2::bigint[]) OR inbound_message_id = ANY($3::bigint[]) OR citizen_hash = ANY($4::text[])
       OR id IN (SELECT complaint_id FROM complaint_messages WHERE inbound_message_id = ANY($3::bigint[])))`,
		[d, subscriberIds, messageIds, ids.phones.map(citizenHash)],
	);
	const complaintIds = complaints.map((c) => Number(c.id));

	count(
		'complaint_messages',
		(
			await tx.query(
				`UPDATE complaint_messages SET body = NULL
         WHERE (complaint_id = ANY($1::bigint[]) OR inbound_message_id = ANY($2::bigint[])) AND body IS NOT NULL RETURNING id`,
				[complaintIds, messageIds],
			)
		).length,
	);
	// The complaint stays for the counts (category, day, money loss, station); what it said and who said it go.
	count(
		'complaints',
		(
			await tx.query(
				`UPDATE complaints SET summary = NULL, matched_keywords = NULL, citizen_hash = NULL, status_note = NULL,
                reply_wamid = NULL, subscriber_id = NULL, updated_at = now()
         WHERE id = ANY($1::bigint[]) RETURNING id`,
				[complaintIds],
			)
		).length,
	);
	// The desk's notes and replies are officers' text, which may quote or name the citizen; the
	// entries stay (who acted, when) and their text goes. A reply's wamid is the number in base64.
	count(
		'complaint_notes',
		(
			await tx.query(
				`UPDATE complaint_notes SET body = '[erased]' WHERE complaint_id = ANY($1::bigint[]) AND body <> '[erased]' RETURNING id`,
				[complaintIds],
			)
		).length,
	);
	count(
		'complaint_replies',
		(
			await tx.query(
				`UPDATE complaint_replies SET body = NULL, wamid = CASE WHEN wamid IS NULL THEN NULL ELSE 'erased:' || id END
         WHERE complaint_id = ANY($1::bigint[]) AND (body IS NOT NULL OR wamid NOT LIKE 'erased:%') RETURNING id`,
				[complaintIds],
			)
		).length,
	);
	count(
		'inbound_attachments',
		(
			await tx.query(
				`UPDATE inbound_attachments SET ${ATTACHMENT_CLEARED}
         WHERE inbound_message_id = ANY($1::bigint[]) RETURNING id`,
				[messageIds],
			)
		).length,
	);
	// A wamid is the number in base64 (and user_preferences keys hold it plainly): each becomes "erased:<id>".
	count(
		'inbound_messages',
		(
			await tx.query(
				`UPDATE inbound_messages SET ${INBOUND_MESSAGE_CLEARED}, wamid = 'erased:' || id
         WHERE id = ANY($1::bigint[]) RETURNING id`,
				[messageIds],
			)
		).length,
	);

	// Statuses of their deliveries, and any naming them (recipient, user id, the number in the error title).
	const statusRows = await tx.query(
		`UPDATE status_events SET ${statusEventCleared('$5')}, wamid = 'erased:' || id
     WHERE district_id = $1 AND (
       delivery_id IN (SELECT id FROM deliveries WHERE subscriber_id = ANY($2::bigint[]))
       OR wamid IN (SELECT wamid FROM deliveries WHERE subscriber_id = ANY($2::bigint[]) AND wamid IS NOT NULL)
       OR recipient = ANY($3::text[]) OR recipient_user_id = ANY($4::text[])
       OR EXISTS (SELECT 1 FROM unnest($6::text[]) AS n(l10) WHERE position(n.l10 IN regexp_replace(status_events.error_title, '[^0-9]', '', 'g')) > 0))
     RETURNING id`,
		[d, subscriberIds, [...digits, ...ids.phones], ids.userIds, NUMBER_IN_TEXT, digits.map((x) => x.slice(-10))],
	);
	count('status_events', statusRows.length);
	count(
		'deliveries',
		(
			await tx.query(
				`UPDATE deliveries SET wamid = 'erased:' || id WHERE subscriber_id = ANY($1::bigint[]) AND wamid IS NOT NULL RETURNING id`,
				[subscriberIds],
			)
		).length,
	);

	// A question the conversation asked her and she has not answered (join, delete my data).
	count(
		'conversation_pending',
		(
			await tx.query(
				'DELETE FROM conversation_pending WHERE district_id = $1 AND (phone = ANY($2::text[]) OR phone = ANY($3::text[])) RETURNING 1',
				[d, ids.phones, digits],
			)
		).length,
	);
	for (const p of ids.phones) count('inbound_dead_letters', await eraseDeadLettersOf(tx, p));
	for (const u of ids.userIds) count('inbound_dead_letters', await eraseDeadLettersNaming(tx, u));

	// The audit events stay; what ties them to the citizen goes (migration 120 allows exactly that).
	const masks = ids.phones.map(maskPhone);
	count(
		'audit_log',
		(
			await tx.query(
				`UPDATE audit_log SET
           entity_id = CASE WHEN entity IN ('subscriber', 'phone') THEN NULL ELSE entity_id END,
           actor = CASE WHEN actor LIKE 'citizen:%' THEN 'citizen:erased' ELSE actor END,
           details = (details - 'phone' - 'name' - 'waId' - 'waUserId') || '{"erased": true}'::jsonb
         WHERE (entity = 'subscriber' AND entity_id = ANY($1::text[]))
            OR (entity = 'complaint' AND entity_id = ANY($2::text[]))
            OR (entity = 'phone' AND entity_id = ANY($3::text[]))
            OR actor = ANY($4::text[])
         RETURNING id`,
				[subscriberIds.map(String), complaints.map((c) => c.ref), masks, masks.map((m) => `citizen:${m}`)],
			)
		).length,
	);

	count(
		'subscribers',
		(
			await tx.query(
				`UPDATE subscribers SET phone = NULL, wa_id = NULL, wa_user_id = NULL, wa_username = NULL, name = NULL, village = NULL,
                block = NULL, tags = '{}', consent_evidence = NULL, status = 'erased', status_reason = 'erasure request',
                status_changed_at = now(), erased_at = now(), updated_at = now()
         WHERE id = ANY($1::bigint[]) AND status <> 'erased' RETURNING id`,
				[subscriberIds],
			)
		).length,
	);

	const suppressed = await suppress(tx, d, ids);
	const erased = Object.keys(counts).length > 0;
	await audit(tx, {
		districtId: d,
		actor: erasureActor(by.actor),
		ip: by.ip,
		action: 'citizen.erase',
		entity: 'erasure',
		details: { subscribers: subscriberIds.length, counts, suppressed, source: by.source },
	});
	return { receipt: { erased, subscriberIds, counts, suppressed }, ids };
}

function digitsOf(e164: string): string {
	return e164.replace(/^\+/, '');
}

/** Everything the roster knew them by, added to what the request gave. */
function widen(given: NormalisedIds, subs: { phone: string | null; wa_id: string | null; wa_user_id: string | null }[]): NormalisedIds {
	const phones = new Set(given.phones);
	const userIds = new Set(given.userIds);
	for (const s of subs) {
		if (s.phone) phones.add(s.phone);
		if (s.wa_id) phones.add(phoneFromWaId(s.wa_id));
		if (s.wa_user_id) userIds.add(s.wa_user_id);
	}
	return { phones: [...phones], userIds: [...userIds] };
}
