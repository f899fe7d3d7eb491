/**
 * The content calendar: the next 14 days of one district (its own zone, core/time.ts), and for each
 * day and channel what goes out and in which state. A day whose evening-before has come with
 * nothing approved for it is flagged: the 10:00 broadcast would have nothing to send.
 */
import { allChannels } from '../channels/registry';
import type { Channel } from '../channels/types';
import type { Db } from '../db';
import { districtTimeZone } from '../districts';
import { addDays, todayIn, wallTimeToDate } from '../time';
import { lastRefusals, sentRecords } from './calendar-repository';
import { templatesOfContents, type AwarenessTemplateRow } from '../templates/repository';
import { isSendable } from '../templates/for-broadcast';
import { listBetween } from './repository';
import type { Content, ContentState } from './types';

export const CALENDAR_DAYS = 14;
/**
 * Approved by 18:00 the day before: the Additional SP decides in office hours, and Meta's template
 * review (usually minutes, sometimes hours) must end before the 10:00 broadcast.
 */
const APPROVE_BY_HOUR = '18:00';

/**
 * WhatsApp also shows Meta's side once the approved text went to Meta as templates: waiting for
 * Meta's review, rejected by Meta (with its reason), paused / disabled by Meta (with its reason);
 * and each template as Meta last reported it (a FLAGGED one still sends; a new category is shown).
 */
export type CalendarState = ContentState | 'sent' | 'template_review' | 'template_rejected' | 'template_paused';

export interface CalendarEntry {
	contentId: number;
	title: string;
	state: CalendarState;
	/** The approver's comment of the last rejection or change request. */
	reason: string | null;
	/** What went out: messages sent (WhatsApp) or 1 post; reach as far as known. */
	sent: number | null;
	reach: number | null;
	url: string | null;
	/** WhatsApp: the content's templates at Meta, each with Meta's last word (none before submission). */
	templates: CalendarTemplate[];
}

/** One language's template as Meta last reported it: status, quality and category (which prices and routes the send). */
export interface CalendarTemplate {
	language: string;
	name: string;
	status: string;
	category: string;
	quality: string | null;
	reason: string | null;
}

export interface CalendarDay {
	day: string;
	/** The moment by which something must be approved for this day (18:00 the day before, district time). */
	approveBy: string;
	/** Nothing approved (or already sent) for the day, and approveBy has passed. */
	flagged: boolean;
	channels: Record<Channel, CalendarEntry[]>;
}

const READY: readonly CalendarState[] = ['approved', 'published', 'sent'];

/** Meta's side of an approved WhatsApp message: null when its templates are all sendable (or none was made). */
function templateState(rows: AwarenessTemplateRow[]): { state: CalendarState; reason: string | null } | null {
	const why = (r: AwarenessTemplateRow) => `Meta (${r.language}): ${r.reason ?? r.status}${r.quality === 'RED' ? ' (quality RED)' : ''}`;
	const rejected = rows.find((r) => r.status === 'REJECTED');
	if (rejected) return { state: 'template_rejected', reason: why(rejected) };
	const stopped = rows.find((r) => ['PAUSED', 'DISABLED'].includes(r.status) || r.quality === 'RED');
	if (stopped) return { state: 'template_paused', reason: why(stopped) };
	if (rows.some((r) => !isSendable(r))) return { state: 'template_review', reason: null };
	return null;
}

export async function contentCalendar(
	db: Db,
	districtId: number,
	now = new Date(),
): Promise<{ timeZone: string; today: string; days: CalendarDay[] }> {
	const timeZone = await districtTimeZone(db, districtId);
	const today = todayIn(timeZone, now);
	const last = addDays(today, CALENDAR_DAYS - 1);
	const contents = await listBetween(db, districtId, today, last);
	const ids = contents.map((c) => c.id);
	const [refusals, sent, templates] = await Promise.all([lastRefusals(db, ids), sentRecords(db, ids), templatesOfContents(db, ids)]);
	const reason = new Map(refusals.map((r) => [r.contentId, r.comment]));
	const entry = (c: Content, channel: Channel): CalendarEntry => {
		const out = sent.find((s) => s.contentId === c.id && s.channel === channel && (s.day === null || s.day === c.targetDate));
		const wentOut = out && ['running', 'paused', 'completed', 'published'].includes(out.status);
		const own = channel === 'whatsapp' ? templates.filter((t) => t.contentId === c.id && t.status !== 'NOT_SUBMITTED') : [];
		const meta = channel === 'whatsapp' && c.state === 'approved' ? templateState(templates.filter((t) => t.contentId === c.id)) : null;
		return {
			contentId: c.id,
			title: c.title,
			state: meta && (!wentOut || meta.state === 'template_paused') ? meta.state : wentOut ? 'sent' : c.state,
			reason: meta?.reason ?? (c.state === 'rejected' || c.state === 'changes_requested' ? (reason.get(c.id) ?? null) : null),
			sent: wentOut ? out.sent : null,
			reach: wentOut ? out.reach : null,
			url: out?.url ?? null,
			templates: own.map((t) => ({
				language: t.language,
				name: t.name,
				status: t.status,
				category: t.category,
				quality: t.quality,
				reason: t.reason,
			})),
		};
	};
	const days: CalendarDay[] = [];
	for (let i = 0; i < CALENDAR_DAYS; i++) {
		const day = addDays(today, i);
		const channels = Object.fromEntries(allChannels().map((ch) => [ch, [] as CalendarEntry[]])) as Record<Channel, CalendarEntry[]>;
		for (const c of contents.filter((x) => x.targetDate === day))
			for (const ch of allChannels()) if (!c.channels || c.channels.includes(ch)) channels[ch].push(entry(c, ch));
		const approveBy = wallTimeToDate(`${addDays(day, -1)}T${APPROVE_BY_HOUR}`, timeZone)!;
		const ready = Object.values(channels).some((list) => list.some((e) => READY.includes(e.state)));
		days.push({ day, approveBy: approveBy.toISOString(), flagged: !ready && now.getTime() >= approveBy.getTime(), channels });
	}
	return { timeZone, today, days };
}
