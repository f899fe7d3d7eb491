/**
 * What Meta's template webhooks mean for the day's message (issue 15 item 6), applied in one
 * transaction with storing them (each change once: a repeat from Meta changes nothing):
 * - the template row takes the status / quality / category (never over a newer event);
 * - REJECTED: staff are told at once, with Meta's reason (the caller sends it after the commit);
 * - PAUSED, DISABLED or quality RED: every running broadcast sending that template pauses, with the
 *   reason (stop code template_paused); its rows stay pending, nobody is written off;
 * - REINSTATED, or quality back from RED: a broadcast paused for its templates runs again once
 *   every template it sends is sendable; the caller restarts its sender after the commit;
 * - FLAGGED (quality low, Meta may pause it later): stored and shown (the calendar); the template
 *   still sends, so nothing pauses and nobody is alerted;
 * - a new category (Meta recategorised the template, MARKETING ↔ UTILITY): stored, audited, and
 *   written into the broadcasts not yet finished that send it, since the send is routed by it (a
 *   MARKETING template may go through the Marketing Messages API, anything else through /messages).
 *   Pricing follows Meta's category by itself; nothing pauses.
 */
import { audit } from '../audit';
import type { Db, Queryable } from '../db';
import type { TemplateEvent } from '../gateway/template-events';
import * as repo from './repository';
import { remoteErrorCode } from '../error-codes';

export const TEMPLATE_PAUSED = 'template_paused';

/**
 * A sender may meet the pause before its webhook does: Meta answers 132015 (paused) or 132016
 * (disabled) and the sender stops the campaign with that code. The webhook then turns such a stop
 * into this pause, so reinstatement resumes it like any other.
 */
const TEMPLATE_STOP_CODES = [remoteErrorCode('whatsapp', 132015), remoteErrorCode('whatsapp', 132016)];

/** Meta's status events → the row's status; other events (LOCKED …) are stored, not applied. */
const STATUS_OF: Record<string, string> = {
	APPROVED: 'APPROVED',
	REJECTED: 'REJECTED',
	PENDING: 'PENDING',
	PAUSED: 'PAUSED',
	DISABLED: 'DISABLED',
	FLAGGED: 'FLAGGED',
	REINSTATED: 'APPROVED',
	IN_APPEAL: 'IN_APPEAL',
	PENDING_DELETION: 'PENDING_DELETION',
	DELETED: 'DELETED',
	ARCHIVED: 'ARCHIVED',
};
const QUALITIES = new Set(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']);

export interface TemplateOutcome {
	stored: number;
	replays: number;
	/** Staff alerts to send (Hindi and English), after the commit. */
	alerts: { districtId: number; text: string }[];
	paused: number[];
	resumed: number[];
}

/** Broadcasts (aliased b) that send the template name/language. */
const SENDS_TEMPLATE = `EXISTS (SELECT 1 FROM jsonb_each(b.templates) t
  WHERE t.value->>'name' = $1 AND coalesce(t.value->>'language', t.key) = $2)`;

/** Every known template a broadcast (b) sends is sendable: approved (or flagged) and not RED. */
const ALL_SENDABLE = `NOT EXISTS (SELECT 1 FROM jsonb_each(b.templates) t
  JOIN wa_templates w ON w.name = t.value->>'name' AND w.language = coalesce(t.value->>'language', t.key) AND w.district_id = b.district_id
  WHERE w.status NOT IN ('APPROVED', 'FLAGGED') OR w.quality = 'RED')`;

async function pauseSending(tx: Queryable, row: repo.AwarenessTemplateRow, why: string): Promise<number[]> {
	const reason = `Meta: template ${row.name} (${row.language}) ${why}; sending waits, nobody is written off / Meta ने टेम्पलेट रोका, भेजना रुका है`;
	const rows = await tx.query<{ id: number }>(
		`UPDATE broadcasts b SET status = 'paused', stop_code = '${TEMPLATE_PAUSED}', stop_reason = $3, updated_at = now()
     WHERE (b.status = 'running' OR (b.status = 'stopped' AND b.stop_code = ANY($5::text[])))
       AND b.district_id = $4 AND ${SENDS_TEMPLATE} RETURNING b.id`,
		[row.name, row.language, reason, row.districtId, TEMPLATE_STOP_CODES],
	);
	for (const r of rows)
		await audit(tx, {
			districtId: row.districtId,
			actor: 'system:meta',
			action: 'broadcast.pause',
			entity: 'broadcast',
			entityId: r.id,
			details: { template: row.name, language: row.language, why },
		});
	return rows.map((r) => Number(r.id));
}

async function resumeSending(tx: Queryable, row: repo.AwarenessTemplateRow): Promise<number[]> {
	const rows = await tx.query<{ id: number }>(
		`UPDATE broadcasts b SET status = 'running', stop_code = NULL, stop_reason = NULL, updated_at = now()
     WHERE b.status = 'paused' AND b.stop_code = '${TEMPLATE_PAUSED}' AND b.district_id = $3 AND ${SENDS_TEMPLATE} AND ${ALL_SENDABLE}
     RETURNING b.id`,
		[row.name, row.language, row.districtId],
	);
	for (const r of rows)
		await audit(tx, {
			districtId: row.districtId,
			actor: 'system:meta',
			action: 'broadcast.resume',
			entity: 'broadcast',
			entityId: r.id,
			details: { template: row.name, language: row.language, from: 'paused' },
		});
	return rows.map((r) => Number(r.id));
}

function rejectionAlert(row: repo.AwarenessTemplateRow, reason: string | null): string {
	const why = reason ?? 'no reason given';
	return (
		`⚠️ Meta ने आज के संदेश का टेम्पलेट अस्वीकार किया (${row.language}, सामग्री #${row.contentId}): ${why}. संदेश सुधारकर फिर स्वीकृति हेतु भेजें। / ` +
		`Meta rejected the template of content #${row.contentId} (${row.language}): ${why}. Fix the text and send it for approval again.`
	);
}

async function applyOne(tx: Queryable, e: TemplateEvent, out: TemplateOutcome): Promise<void> {
	const row = await repo.findForEvent(tx, e);
	const fresh = await repo.insertEvent(tx, e, row?.id ?? null);
	if (!fresh) {
		out.replays++;
		return;
	}
	out.stored++;
	// A template this installation did not create (a staff utility template): stored, nothing follows.
	if (!row) return;
	if (e.field === 'template_category_update') {
		const category = e.category!.toUpperCase();
		const now = await repo.applyCategory(tx, row.id, { category, at: e.occurredAt });
		if (!now || row.category === category) return;
		const broadcasts = await repo.setCategoryInBroadcasts(tx, now);
		await audit(tx, {
			districtId: row.districtId,
			actor: 'system:meta',
			action: 'template.category_changed',
			entity: 'content',
			entityId: row.contentId,
			details: { template: row.name, language: row.language, from: row.category, to: category, broadcasts },
		});
		return;
	}
	if (e.field === 'message_template_quality_update') {
		const q = e.quality!.toUpperCase();
		if (!QUALITIES.has(q)) return;
		const was = row.quality;
		const now = await repo.applyQuality(tx, row.id, q, e.occurredAt);
		if (!now) return;
		if (q === 'RED') out.paused.push(...(await pauseSending(tx, now, 'quality RED')));
		else if (was === 'RED') out.resumed.push(...(await resumeSending(tx, now)));
		return;
	}
	const status = STATUS_OF[e.event!.toUpperCase()];
	if (!status) return;
	const now = await repo.applyStatus(tx, row.id, { status, reason: status === 'APPROVED' ? null : e.reason, at: e.occurredAt });
	if (!now) return;
	if (status === 'REJECTED') {
		out.alerts.push({ districtId: row.districtId, text: rejectionAlert(now, e.reason) });
		await audit(tx, {
			districtId: row.districtId,
			actor: 'system:meta',
			action: 'template.rejected',
			entity: 'content',
			entityId: row.contentId,
			details: { template: row.name, language: row.language, reason: e.reason },
		});
	} else if (status === 'PAUSED' || status === 'DISABLED') {
		out.paused.push(...(await pauseSending(tx, now, `${status}${e.reason ? `: ${e.reason}` : ''}`)));
	} else if (status === 'APPROVED') {
		out.resumed.push(...(await resumeSending(tx, now)));
	}
}

export async function applyTemplateEvents(db: Db, events: TemplateEvent[]): Promise<TemplateOutcome> {
	const out: TemplateOutcome = { stored: 0, replays: 0, alerts: [], paused: [], resumed: [] };
	if (events.length === 0) return out;
	// Oldest first, so a burst in one POST applies in Meta's order.
	const ordered = [...events].sort((a, b) => (a.occurredAt ?? '').localeCompare(b.occurredAt ?? ''));
	await db.transaction(async (tx) => {
		for (const e of ordered) await applyOne(tx, e, out);
	});
	return out;
}
