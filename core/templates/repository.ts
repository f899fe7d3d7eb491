/**
 * Every SQL statement about the awareness templates (migration 116): one row per content and
 * language, and the template webhooks stored once each.
 */
import type { Queryable, Row } from '../db';
import type { TemplateEvent } from '../gateway/template-events';

export interface AwarenessTemplateRow {
	id: number;
	districtId: number;
	contentId: number;
	language: 'hi' | 'en';
	name: string;
	payload: Record<string, unknown>;
	setHash: string;
	metaId: string | null;
	status: string;
	reason: string | null;
	quality: string | null;
	category: string;
	statusAt: Date | null;
	submittedAt: Date | null;
	updatedAt: Date;
}

const COLS = `id, district_id, content_id, language, name, payload, set_hash, meta_id, status, reason, quality, category,
  status_at, submitted_at, updated_at`;

function toRow(r: Row): AwarenessTemplateRow {
	return {
		id: Number(r.id),
		districtId: Number(r.district_id),
		contentId: Number(r.content_id),
		language: r.language as 'hi' | 'en',
		name: String(r.name),
		payload: r.payload as Record<string, unknown>,
		setHash: String(r.set_hash),
		metaId: (r.meta_id as string | null) ?? null,
		status: String(r.status),
		reason: (r.reason as string | null) ?? null,
		quality: (r.quality as string | null) ?? null,
		category: String(r.category),
		statusAt: (r.status_at as Date | null) ?? null,
		submittedAt: (r.submitted_at as Date | null) ?? null,
		updatedAt: r.updated_at as Date,
	};
}

export async function templatesOfContent(db: Queryable, contentId: number): Promise<AwarenessTemplateRow[]> {
	const rows = await db.query(`SELECT ${COLS} FROM wa_templates WHERE content_id = $1 ORDER BY language`, [contentId]);
	return rows.map(toRow);
}

export async function templatesOfContents(db: Queryable, contentIds: number[]): Promise<AwarenessTemplateRow[]> {
	if (contentIds.length === 0) return [];
	const rows = await db.query(`SELECT ${COLS} FROM wa_templates WHERE content_id = ANY($1::bigint[]) ORDER BY content_id, language`, [
		contentIds,
	]);
	return rows.map(toRow);
}

/**
 * The row of a content and language for this payload: a new payload (the approved text changed
 * and was approved again) replaces the old one and starts over at NOT_SUBMITTED.
 */
export async function upsertPlanned(
	db: Queryable,
	t: { districtId: number; contentId: number; language: string; name: string; payload: unknown; setHash: string },
): Promise<AwarenessTemplateRow> {
	const [r] = await db.query(
		`INSERT INTO wa_templates (district_id, content_id, language, name, payload, set_hash)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6)
     ON CONFLICT (content_id, language) DO UPDATE SET
       name = EXCLUDED.name, payload = EXCLUDED.payload, set_hash = EXCLUDED.set_hash, meta_id = NULL,
       status = 'NOT_SUBMITTED', reason = NULL, quality = NULL, status_at = NULL, quality_at = NULL, submitted_at = NULL,
       updated_at = now()
     WHERE wa_templates.set_hash <> EXCLUDED.set_hash
     RETURNING ${COLS}`,
		[t.districtId, t.contentId, t.language, t.name, JSON.stringify(t.payload), t.setHash],
	);
	if (r) return toRow(r);
	const [again] = await db.query(`SELECT ${COLS} FROM wa_templates WHERE content_id = $1 AND language = $2`, [t.contentId, t.language]);
	return toRow(again);
}

/** Meta's answer to the creation (or what a lookup by name found); webhook times order the statuses after it. */
export async function recordSubmitted(
	db: Queryable,
	id: number,
	a: { metaId: string; status: string; category: string | null; reason?: string | null },
): Promise<AwarenessTemplateRow> {
	const [r] = await db.query(
		`UPDATE wa_templates SET meta_id = $2, category = coalesce($4, category),
       -- A webhook can overtake the answer (review is asynchronous): what it said stands.
       status = CASE WHEN status_at IS NULL THEN $3 ELSE status END,
       reason = CASE WHEN status_at IS NULL THEN $5 ELSE reason END,
       submitted_at = coalesce(submitted_at, now()), updated_at = now()
     WHERE id = $1 RETURNING ${COLS}`,
		[id, a.metaId, a.status, a.category, a.reason ?? null],
	);
	return toRow(r);
}

/** Finds the row a webhook names: by Meta's id, else by name and language. */
export async function findForEvent(
	db: Queryable,
	e: { metaId: string | null; name: string | null; language: string | null },
): Promise<AwarenessTemplateRow | undefined> {
	const [r] = await db.query(
		`SELECT ${COLS} FROM wa_templates
     WHERE meta_id = $1 OR (name = $2 AND language = $3)
     ORDER BY (meta_id IS NOT DISTINCT FROM $1) DESC LIMIT 1`,
		[e.metaId, e.name, e.language],
	);
	return r ? toRow(r) : undefined;
}

/** Stores one webhook change, linked to our template row when known; false when it was stored before (Meta's repeat). */
export async function insertEvent(db: Queryable, e: TemplateEvent, templateId: number | null): Promise<boolean> {
	const rows = await db.query(
		`INSERT INTO wa_template_events (dedupe_key, field, meta_id, name, language, event, reason, quality, category, occurred_at, template_id, payload)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::timestamptz, $11, $12::jsonb)
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
		[
			e.dedupeKey,
			e.field,
			e.metaId,
			e.name,
			e.language,
			e.event,
			e.reason,
			e.quality,
			e.category,
			e.occurredAt,
			templateId,
			JSON.stringify(e.raw),
		],
	);
	return rows.length > 0;
}

/** A status from a webhook, unless a newer one was applied already. */
export async function applyStatus(
	db: Queryable,
	id: number,
	s: { status: string; reason: string | null; at: string | null },
): Promise<AwarenessTemplateRow | undefined> {
	const [r] = await db.query(
		`UPDATE wa_templates SET status = $2, reason = $3, status_at = coalesce($4::timestamptz, now()), updated_at = now()
     WHERE id = $1 AND (status_at IS NULL OR $4::timestamptz IS NULL OR status_at <= $4::timestamptz)
     RETURNING ${COLS}`,
		[id, s.status, s.reason, s.at],
	);
	return r ? toRow(r) : undefined;
}

export async function applyQuality(
	db: Queryable,
	id: number,
	quality: string,
	at: string | null,
): Promise<AwarenessTemplateRow | undefined> {
	const [r] = await db.query(
		`UPDATE wa_templates SET quality = $2, quality_at = coalesce($3::timestamptz, now()), updated_at = now()
     WHERE id = $1 AND (quality_at IS NULL OR $3::timestamptz IS NULL OR quality_at <= $3::timestamptz)
     RETURNING ${COLS}`,
		[id, quality, at],
	);
	return r ? toRow(r) : undefined;
}

/**
 * A category from a webhook, unless a newer category change of this template was stored already
 * (the events table keeps each one with Meta's time); the row as it is now, or undefined.
 */
export async function applyCategory(
	db: Queryable,
	id: number,
	c: { category: string; at: string | null },
): Promise<AwarenessTemplateRow | undefined> {
	const [r] = await db.query(
		`UPDATE wa_templates SET category = $2, updated_at = now()
     WHERE id = $1 AND ($3::timestamptz IS NULL OR NOT EXISTS (
       SELECT 1 FROM wa_template_events e
        WHERE e.template_id = $1 AND e.field = 'template_category_update' AND e.occurred_at > $3::timestamptz))
     RETURNING ${COLS}`,
		[id, c.category, c.at],
	);
	return r ? toRow(r) : undefined;
}

/**
 * The category a template now has, in every broadcast not yet finished that sends it: a paused or
 * stopped one that runs again is routed by Meta's latest word (core/broadcast/sender/requests.ts).
 */
export async function setCategoryInBroadcasts(db: Queryable, row: AwarenessTemplateRow): Promise<number[]> {
	const rows = await db.query<{ id: number }>(
		`UPDATE broadcasts b SET templates = (
         SELECT jsonb_object_agg(t.key, CASE WHEN t.value->>'name' = $1 AND coalesce(t.value->>'language', t.key) = $2
                                              THEN t.value || jsonb_build_object('category', $3::text) ELSE t.value END)
           FROM jsonb_each(b.templates) t),
       updated_at = now()
     WHERE b.status IN ('created', 'running', 'paused', 'stopped') AND b.district_id = $4
       AND EXISTS (SELECT 1 FROM jsonb_each(b.templates) t WHERE t.value->>'name' = $1 AND coalesce(t.value->>'language', t.key) = $2)
     RETURNING b.id`,
		[row.name, row.language, row.category, row.districtId],
	);
	return rows.map((r) => Number(r.id));
}
