import { MitanError } from '../errors';

/**
 * The three template webhooks (channels.md §9.4), as typed events: `message_template_status_update`
 * (event APPROVED, REJECTED with its reason, PAUSED, DISABLED, FLAGGED, REINSTATED …),
 * `message_template_quality_update` (new_quality_score) and `template_category_update`
 * (new_category). Like every other part of the envelope (payload.ts), a malformed one rejects the
 * POST naming the field; they name the template by id, name and language, not by phone number.
 */
export const TEMPLATE_FIELDS = ['message_template_status_update', 'message_template_quality_update', 'template_category_update'] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

export interface TemplateEvent {
	field: TemplateField;
	/** Meta's template id (digits; Meta sends a number). */
	metaId: string | null;
	name: string | null;
	language: string | null;
	/** Status event (APPROVED, REJECTED …) for status updates. */
	event: string | null;
	/** Meta's reason, with other_info's title / description when given. */
	reason: string | null;
	/** New quality score for quality updates. */
	quality: string | null;
	/** New category for category updates. */
	category: string | null;
	/** The entry's time (ISO), for ordering and the dedupe key. */
	occurredAt: string | null;
	/** Stable key of this change: Meta's repeats collapse on it. */
	dedupeKey: string;
	raw: Record<string, unknown>;
}

const bad = (field: string, problem: string) => new MitanError('WEBHOOK_MALFORMED', `webhook body: ${field} ${problem}`, { field });

export function isTemplateField(f: string): f is TemplateField {
	return (TEMPLATE_FIELDS as readonly string[]).includes(f);
}

function optText(v: unknown, field: string, max = 512): string | null {
	if (v === undefined || v === null || v === '') return null;
	if (typeof v !== 'string') throw bad(field, 'must be a string');
	return v.slice(0, max);
}

export function parseTemplateChange(field: TemplateField, value: unknown, at: string, occurredAt: string | null): TemplateEvent {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(at, 'must be an object');
	const v = value as Record<string, unknown>;
	const rawId = v.message_template_id;
	if (rawId !== undefined && rawId !== null && !/^\d{1,30}$/.test(String(rawId))) throw bad(`${at}.message_template_id`, 'must be digits');
	const metaId = rawId === undefined || rawId === null ? null : String(rawId);
	const name = optText(v.message_template_name, `${at}.message_template_name`);
	const language = optText(v.message_template_language, `${at}.message_template_language`, 20);
	if (!metaId && !name) throw bad(at, 'names no template (message_template_id or message_template_name)');
	let event: string | null = null;
	let reason: string | null = null;
	let quality: string | null = null;
	let category: string | null = null;
	if (field === 'message_template_status_update') {
		event = optText(v.event, `${at}.event`, 40);
		if (!event) throw bad(`${at}.event`, 'must be a non-empty string');
		const r = optText(v.reason, `${at}.reason`, 200);
		const info = (v.other_info ?? {}) as Record<string, unknown>;
		const extra = [optText(info.title, `${at}.other_info.title`, 200), optText(info.description, `${at}.other_info.description`, 500)]
			.filter(Boolean)
			.join(': ');
		reason = [r && r !== 'NONE' ? r : null, extra || null].filter(Boolean).join(' — ') || null;
	} else if (field === 'message_template_quality_update') {
		quality = optText(v.new_quality_score, `${at}.new_quality_score`, 20);
		if (!quality) throw bad(`${at}.new_quality_score`, 'must be a non-empty string');
	} else {
		category = optText(v.new_category, `${at}.new_category`, 40) ?? optText(v.correct_category, `${at}.correct_category`, 40);
		if (!category) throw bad(`${at}.new_category`, 'must be a non-empty string');
	}
	const what = event ?? quality ?? category;
	const dedupeKey = [field, metaId ?? `${name}/${language}`, what, occurredAt ?? 'no-time'].join('|');
	return { field, metaId, name, language, event, reason, quality, category, occurredAt, dedupeKey, raw: v };
}
