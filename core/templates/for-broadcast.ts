/**
 * Which templates the day's broadcast of a content sends: the content's own awareness templates
 * once they were submitted to Meta (submit.ts), and only when every language is APPROVED (or
 * FLAGGED, which Meta still delivers) and not at quality RED. Anything else refuses the
 * broadcast naming each language's state and Meta's reason: nothing goes out on a template Meta
 * has not approved. Content never submitted has none (undefined): the caller's templates apply.
 */
import type { BroadcastTemplates } from '../broadcast/types';
import type { Queryable } from '../db';
import { MitanError } from '../errors';
import type { Language } from '../roster/types';
import { templatesOfContent, templatesOfContents, type AwarenessTemplateRow } from './repository';

export type { AwarenessTemplateRow };

/** The submitted templates of these contents, with Meta's last word on each (the daily workflow shows it). */
export function ownTemplatesOf(db: Queryable, contentIds: number[]): Promise<AwarenessTemplateRow[]> {
	return templatesOfContents(db, contentIds);
}

export function isSendable(t: Pick<AwarenessTemplateRow, 'status' | 'quality'>): boolean {
	return (t.status === 'APPROVED' || t.status === 'FLAGGED') && t.quality !== 'RED';
}

export async function approvedTemplatesOf(db: Queryable, contentId: number): Promise<BroadcastTemplates | undefined> {
	const rows = await templatesOfContent(db, contentId);
	if (rows.length === 0) return undefined;
	const notReady = rows.filter((r) => !isSendable(r));
	if (notReady.length > 0) {
		const list = notReady.map(
			(r) => `${r.language}: ${r.status}${r.quality === 'RED' ? ' (quality RED)' : ''}${r.reason ? ` — ${r.reason}` : ''}`,
		);
		throw new MitanError(
			'TEMPLATE_NOT_APPROVED',
			`content ${contentId}: its WhatsApp template is not approved by Meta (${list.join('; ')}): nothing is broadcast / Meta ने टेम्पलेट स्वीकृत नहीं किया, प्रसारण नहीं होगा`,
			{ field: 'contentId', contentId, templates: notReady.map((r) => ({ language: r.language, status: r.status, reason: r.reason })) },
		);
	}
	return templateChoices(rows);
}

/** The stored templates as the broadcast sends them (no body parameter; the header image link; Meta's category, which routes the send). */
export function templateChoices(rows: AwarenessTemplateRow[]): BroadcastTemplates {
	const out: BroadcastTemplates = {};
	for (const r of rows) {
		const header = (r.payload.components as { type: string; example?: { header_handle?: string[] } }[]).find((c) => c.type === 'HEADER');
		const image = header?.example?.header_handle?.[0];
		out[r.language as Language] = {
			name: r.name,
			language: r.language,
			params: [],
			...(image ? { headerImageUrl: image } : {}),
			category: r.category,
		};
	}
	return out;
}
