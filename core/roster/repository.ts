import type { Queryable, Row } from '../db';
import type { SegmentDimension, SegmentFilter, Subscriber, SubscriberStatus } from './types';
import { MitanError } from '../errors';

/** All roster SQL lives here. Rows cross this boundary as camelCase Subscriber objects. */

export interface UpsertRow {
	phone: string;
	name: string | null;
	language: string | null;
	police_station: string | null;
	block: string | null;
	village: string | null;
	tags: string[];
	consent_source: string | null;
	consent_at: string | null;
	consent_evidence: string | null;
	wa_id: string | null;
	/** The notice the citizens were shown (ImportOptions.noticeVersion); NULL when the import does not say. */
	consent_notice_version?: string | null;
}

export interface UpsertOutcome {
	inserted: number;
	updated: number;
	unchanged: number;
}

/**
 * Inserts new numbers and fills in changed fields of known ones, in one statement per batch.
 * Empty cells never erase stored values, tags are merged, consent is kept from the first time,
 * and status is never touched here: an import must not resubscribe someone who said STOP.
 */
export async function upsertBatch(db: Queryable, districtId: number, rows: UpsertRow[]): Promise<UpsertOutcome> {
	if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
	// One statement: update the known numbers whose fields really change, insert the new ones.
	// Data-modifying CTEs all see the same snapshot, so a number is either updated or inserted.
	// `known` looks each number up in the (district_id, phone) index, one probe per row: during a
	// large import the table's statistics still say "almost empty", and a plain join let the planner
	// scan the district's whole roster for every batch (quadratic: 1,000,000 rows took 95 s, bench/import.ts).
	const [r] = await db.query<{ inserted: number; updated: number }>(
		`WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
         phone text, name text, language text, police_station text, block text, village text,
         tags text[], consent_source text, consent_at timestamptz, consent_evidence text, wa_id text, consent_notice_version text)
     ),
     known AS (
       SELECT k.* FROM input i CROSS JOIN LATERAL (
         SELECT s.id, s.phone, s.name, s.language, s.police_station, s.block, s.village, s.tags, s.wa_id
         FROM subscribers s WHERE s.district_id = $2 AND s.phone = i.phone LIMIT 1) k
     ),
     merged AS (
       SELECT s.id, coalesce(i.name, s.name) AS name, coalesce(i.language, s.language) AS language,
              coalesce(i.police_station, s.police_station) AS police_station,
              coalesce(i.block, s.block) AS block, coalesce(i.village, s.village) AS village,
              ARRAY(SELECT DISTINCT t FROM unnest(s.tags || coalesce(i.tags, '{}')) AS t ORDER BY t) AS tags,
              coalesce(i.wa_id, s.wa_id) AS wa_id,
              (s.name, s.language, s.police_station, s.block, s.village, s.tags, s.wa_id) AS before
       FROM input i JOIN known s ON s.phone = i.phone
     ),
     upd AS (
       UPDATE subscribers s SET name = m.name, language = m.language, police_station = m.police_station,
              block = m.block, village = m.village, tags = m.tags, wa_id = m.wa_id, updated_at = now()
       FROM merged m
       WHERE s.id = m.id
         AND (m.name, m.language, m.police_station, m.block, m.village, m.tags, m.wa_id) IS DISTINCT FROM m.before
       RETURNING s.id
     ),
     ins AS (
       INSERT INTO subscribers (district_id, phone, name, language, police_station, block, village, tags,
                                consent_source, consent_at, consent_evidence, wa_id, consent_at_source, consent_notice_version, consent_language)
       SELECT $2, i.phone, i.name, coalesce(i.language, 'hi'), i.police_station, i.block, i.village,
              coalesce(i.tags, '{}'), i.consent_source, coalesce(i.consent_at, now()), i.consent_evidence, i.wa_id,
              CASE WHEN i.consent_at IS NULL THEN 'import' ELSE 'file' END, i.consent_notice_version, coalesce(i.language, 'hi')
       FROM input i
       WHERE NOT EXISTS (SELECT 1 FROM known s WHERE s.phone = i.phone)
       ON CONFLICT (district_id, phone) DO NOTHING
       RETURNING id
     )
     SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM upd)::int AS updated`,
		[JSON.stringify(rows), districtId],
	);
	const inserted = Number(r.inserted);
	const updated = Number(r.updated);
	return { inserted, updated, unchanged: rows.length - inserted - updated };
}

const SELECT_COLS = `id, district_id, phone, wa_id, wa_user_id, wa_username, name, language, police_station, block, village, tags, status,
  status_reason, consent_source, consent_at, consent_evidence, created_at, updated_at`;

export function toSubscriber(r: Row): Subscriber {
	return {
		id: Number(r.id),
		districtId: Number(r.district_id),
		phone: (r.phone as string) ?? null,
		waId: (r.wa_id as string) ?? null,
		waUserId: (r.wa_user_id as string) ?? null,
		waUsername: (r.wa_username as string) ?? null,
		name: (r.name as string) ?? null,
		language: r.language as Subscriber['language'],
		policeStation: (r.police_station as string) ?? null,
		block: (r.block as string) ?? null,
		village: (r.village as string) ?? null,
		tags: (r.tags as string[]) ?? [],
		status: r.status as SubscriberStatus,
		statusReason: (r.status_reason as string) ?? null,
		consentSource: (r.consent_source as string) ?? null,
		consentAt: r.consent_at ? new Date(r.consent_at as string) : null,
		consentEvidence: (r.consent_evidence as string) ?? null,
		createdAt: new Date(r.created_at as string),
		updatedAt: new Date(r.updated_at as string),
	};
}

export async function findByPhone(db: Queryable, districtId: number, phone: string): Promise<Subscriber | undefined> {
	const [r] = await db.query(`SELECT ${SELECT_COLS} FROM subscribers WHERE district_id = $1 AND phone = $2`, [districtId, phone]);
	return r ? toSubscriber(r) : undefined;
}

export async function findByUserId(db: Queryable, districtId: number, userId: string): Promise<Subscriber | undefined> {
	const [r] = await db.query(`SELECT ${SELECT_COLS} FROM subscribers WHERE district_id = $1 AND wa_user_id = $2`, [districtId, userId]);
	return r ? toSubscriber(r) : undefined;
}

/** A citizen known by BSUID only: inserted with its consent, or its given fields filled in (status untouched). */
export async function upsertByUserId(
	db: Queryable,
	districtId: number,
	row: Omit<UpsertRow, 'phone' | 'wa_id'> & { wa_user_id: string; wa_username: string | null },
): Promise<'inserted' | 'updated' | 'unchanged'> {
	const [r] = await db.query<{ inserted: boolean; changed: boolean }>(
		`WITH before AS (SELECT id, (name, language, police_station, block, village, wa_username) AS v FROM subscribers
                     WHERE district_id = $1 AND wa_user_id = $2 FOR UPDATE),
     upd AS (
       UPDATE subscribers s SET name = coalesce($3, s.name), language = coalesce($4, s.language),
              police_station = coalesce($5, s.police_station), block = coalesce($6, s.block), village = coalesce($7, s.village),
              wa_username = coalesce($8, s.wa_username), updated_at = now()
       FROM before b WHERE s.id = b.id
       RETURNING (s.name, s.language, s.police_station, s.block, s.village, s.wa_username) IS DISTINCT FROM b.v AS changed),
     ins AS (
       INSERT INTO subscribers (district_id, wa_user_id, wa_username, name, language, police_station, block, village, tags,
                                consent_source, consent_at, consent_evidence)
       SELECT $1, $2, $8, $3, coalesce($4, 'hi'), $5, $6, $7, $9::text[], $10, coalesce($11::timestamptz, now()), $12
       WHERE NOT EXISTS (SELECT 1 FROM before)
       RETURNING id)
     SELECT EXISTS (SELECT 1 FROM ins) AS inserted, coalesce((SELECT changed FROM upd), false) AS changed`,
		[
			districtId,
			row.wa_user_id,
			row.name,
			row.language,
			row.police_station,
			row.block,
			row.village,
			row.wa_username,
			row.tags,
			row.consent_source,
			row.consent_at,
			row.consent_evidence,
		],
	);
	return r.inserted ? 'inserted' : r.changed ? 'updated' : 'unchanged';
}

export async function findById(db: Queryable, id: number): Promise<Subscriber | undefined> {
	const [r] = await db.query(`SELECT ${SELECT_COLS} FROM subscribers WHERE id = $1`, [id]);
	return r ? toSubscriber(r) : undefined;
}

/** Builds the WHERE clause of a segment; params are appended to `params`. */
export function segmentWhere(f: SegmentFilter, params: unknown[]): string {
	const parts: string[] = [];
	const add = (sql: string, v: unknown) => {
		params.push(v);
		parts.push(sql.replace('?', `$${params.length}`));
	};
	// Every segment is one district's; which one is the caller's to say (core/districts.ts).
	if (f.districtId === undefined)
		throw new MitanError('DISTRICT_NOT_FOUND', 'segment: no district given (districtId)', { field: 'districtId' });
	add('district_id = ?', f.districtId);
	if (f.status !== undefined) add('status = ANY(?::text[])', Array.isArray(f.status) ? f.status : [f.status]);
	if (f.policeStation) add('police_station = ?', f.policeStation);
	if (f.block) add('block = ?', f.block);
	if (f.village) add('village = ?', f.village);
	if (f.language) add('language = ?', f.language);
	if (f.tag) add('? = ANY(tags)', f.tag);
	return parts.join(' AND ');
}

export async function search(
	db: Queryable,
	f: SegmentFilter & { nameContains?: string },
	afterId: number,
	limit: number,
): Promise<Subscriber[]> {
	const params: unknown[] = [];
	let where = segmentWhere(f, params);
	if (f.nameContains) {
		params.push(`%${f.nameContains.replace(/[%_\\]/g, (c) => '\\' + c)}%`);
		where += ` AND name ILIKE $${params.length}`;
	}
	params.push(afterId, limit);
	const rows = await db.query(
		`SELECT ${SELECT_COLS} FROM subscribers WHERE ${where} AND id > $${params.length - 1} ORDER BY id LIMIT $${params.length}`,
		params,
	);
	return rows.map(toSubscriber);
}

export async function countBy(db: Queryable, dim: SegmentDimension, f: SegmentFilter): Promise<{ key: string; count: number }[]> {
	const params: unknown[] = [];
	const where = segmentWhere(f, params);
	const keyExpr = dim === 'tag' ? "unnest(CASE WHEN tags = '{}' THEN ARRAY[''] ELSE tags END)" : dim;
	const rows = await db.query<{ key: string | null; count: number }>(
		`SELECT coalesce(k, '') AS key, count(*)::int AS count
     FROM (SELECT ${keyExpr} AS k FROM subscribers WHERE ${where}) x GROUP BY 1 ORDER BY 2 DESC, 1`,
		params,
	);
	return rows.map((r) => ({ key: r.key ?? '', count: Number(r.count) }));
}

export async function setStatus(
	db: Queryable,
	id: number,
	status: SubscriberStatus,
	reason: string | null,
	onlyFrom: SubscriberStatus[],
): Promise<Subscriber | undefined> {
	const [r] = await db.query(
		`UPDATE subscribers SET status = $2, status_reason = $3, status_changed_at = now(), updated_at = now()
     WHERE id = $1 AND status = ANY($4::text[]) RETURNING ${SELECT_COLS}`,
		[id, status, reason, onlyFrom],
	);
	return r ? toSubscriber(r) : undefined;
}

/** The opted-out numbers among E.164 `phones` (an import batch reports them: their status stays). */
export async function optedOutAmong(db: Queryable, districtId: number, phones: string[]): Promise<string[]> {
	const rows = await db.query<{ phone: string }>(
		`SELECT phone FROM subscribers WHERE district_id = $1 AND phone = ANY($2::text[]) AND status = 'opted_out' ORDER BY phone`,
		[districtId, phones],
	);
	return rows.map((r) => r.phone);
}

export async function* streamSegment(db: Queryable, f: SegmentFilter, pageSize = 2000): AsyncGenerator<Subscriber> {
	let after = 0;
	for (;;) {
		const page = await search(db, f, after, pageSize);
		for (const s of page) yield s;
		if (page.length < pageSize) return;
		after = page[page.length - 1].id;
	}
}
