/**
 * Authoring: what the dashboard's Content page and the Mitan Content node do with a draft. It adds
 * to ContentService the rules of writing for a coming day (no target date in the past of the
 * district's calendar), the stored image held to each chosen channel's image rules, and the
 * editor's view of problems (each at its field, in Hindi and English), and starts the approval.
 * The content rules themselves stay in validate.ts and the channels.
 */
import { imageProblems } from '../channels/registry';
import type { Db, Queryable } from '../db';
import { isMitanError, MitanError } from '../errors';
import { districtOrDefault, districtTimeZone } from '../districts';
import { storedImageBytes } from '../media/store';
import type { Problem } from '../problem';
import { addDays, isCalendarDate, todayIn } from '../time';
import { isHttpUrl } from '../url';
import { editorPreview, type ChannelPostPreview } from './editor-preview';
import { listBetween } from './repository';
import { ContentService } from './service';
import { canTransition } from './state';
import type { Content, ContentDraft, ContentState } from './types';
import { CONTENT_STATES } from './types';
import { validateDraft } from './validate';

/** A problem as the editor sees it: at its field, in both languages. */
export interface FieldProblem {
	field: string;
	code?: string;
	en: string;
	hi: string;
}

/** Hindi for the generic shape checks (core/problem.ts, validate.ts), whose messages are English only. */
const HINDI: Array<[RegExp, string]> = [
	[/^is required$/, 'आवश्यक है, भरें'],
	[/^must be text/, 'पाठ होना चाहिए'],
	[/is not a known field/, 'अज्ञात फ़ील्ड'],
	[/is not an http\(s\) URL/, 'सही http(s) पता नहीं है'],
	[/is not a category/, 'श्रेणी चुनें'],
	[/is not a date/, 'तारीख़ YYYY-MM-DD रूप में लिखें'],
	[/^is \d+ characters; at most/, 'बहुत लंबा है'],
];

/** Splits "English … / हिंदी …" (the channels' bilingual messages) or translates a generic one. */
export function localise(p: Problem): FieldProblem {
	const at = p.message.lastIndexOf(' / ');
	if (at > 0 && /[\u0900-\u097F]/.test(p.message.slice(at)))
		return { field: p.field, code: p.code, en: p.message.slice(0, at), hi: p.message.slice(at + 3) };
	const hi = HINDI.find(([re]) => re.test(p.message))?.[1] ?? p.message;
	return { field: p.field, code: p.code, en: p.message, hi };
}

/** The problems of a CONTENT_INVALID (or a field error of another code), else undefined. */
function problemsOf(e: unknown): Problem[] | undefined {
	if (!isMitanError(e)) return undefined;
	const list = (e.details as { problems?: Problem[] } | undefined)?.problems;
	if (e.code === 'CONTENT_INVALID' && Array.isArray(list)) return list;
	const field = (e.details as { field?: string } | undefined)?.field;
	return field ? [{ field, code: e.code, message: e.message }] : undefined;
}

export interface DraftCheck {
	ok: boolean;
	problems: FieldProblem[];
	preview: ChannelPostPreview[];
}

function invalid(problems: FieldProblem[]): MitanError {
	return new MitanError('CONTENT_INVALID', `content is not publishable: ${problems.map((p) => `${p.field} ${p.en}`).join('; ')}`, {
		problems,
	});
}

export class Authoring {
	private readonly content: ContentService;
	/** The given district, else the installation's default (MITAN_DISTRICT). */
	private readonly district: (q?: Queryable) => Promise<number>;

	constructor(
		private readonly db: Db,
		districtId?: number,
	) {
		// The content service resolves the same default: one district per Authoring.
		this.district = districtOrDefault(db, districtId);
		this.content = new ContentService(db, districtId);
	}

	/** The district's today: the first day a draft may be meant for. */
	async today(now = new Date()): Promise<string> {
		return todayIn(await districtTimeZone(this.db, await this.district()), now);
	}

	/** Every problem of a draft (nothing is saved) and the preview of what each channel will post. */
	async check(input: unknown, now = new Date()): Promise<DraftCheck & { draft?: ContentDraft }> {
		const problems: FieldProblem[] = [];
		let draft: ContentDraft | undefined;
		try {
			draft = validateDraft(input);
		} catch (e) {
			const list = problemsOf(e);
			if (!list) throw e;
			problems.push(...list.map(localise));
		}
		const raw = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
		problems.push(...(await this.imageProblems(draft, raw)));
		const targetDate = draft?.targetDate ?? (isCalendarDate(raw.targetDate) ? raw.targetDate : null);
		if (!targetDate && !problems.some((p) => p.field === 'targetDate'))
			problems.push({ field: 'targetDate', en: 'choose the day it goes out', hi: 'किस दिन जाना है, तारीख़ चुनें' });
		else if (targetDate) {
			const today = await this.today(now);
			if (targetDate < today)
				problems.push({
					field: 'targetDate',
					code: 'CONTENT_DATE_PAST',
					en: `${targetDate} is in the past (today is ${today}); choose today or a later day`,
					hi: `${targetDate} बीत चुकी है (आज ${today} है); आज या आगे की तारीख़ चुनें`,
				});
		}
		const preview = editorPreview(draft ?? previewFields(raw));
		return problems.length ? { ok: false, problems, preview } : { ok: true, problems, preview, draft };
	}

	/**
	 * The stored image held to each chosen channel's image rules (the registry's: WhatsApp's header
	 * image, Instagram's photo). Only an image the media store holds has a size to check. An outside
	 * link is converted when first shown or published, and the converter makes it fit every channel.
	 */
	private async imageProblems(draft: ContentDraft | undefined, raw: Record<string, unknown>): Promise<FieldProblem[]> {
		const url = draft ? draft.imageUrl : typeof raw.imageUrl === 'string' && isHttpUrl(raw.imageUrl.trim()) ? raw.imageUrl.trim() : null;
		if (!url) return [];
		const bytes = await storedImageBytes(this.db, url);
		if (bytes === undefined) return [];
		const chosen = draft
			? (draft.channels ?? null)
			: Array.isArray(raw.channels)
				? raw.channels.filter((c): c is string => typeof c === 'string')
				: null;
		return imageProblems(chosen, { bytes }, 'imageUrl').map(localise);
	}

	private async checked(input: unknown, now: Date): Promise<ContentDraft> {
		const c = await this.check(input, now);
		if (!c.ok || !c.draft) throw invalid(c.problems);
		return c.draft;
	}

	async create(input: unknown, actor: string, ip?: string | null, now = new Date()): Promise<Content> {
		return this.content.create(await this.checked(input, now), actor, ip);
	}

	/** An edit goes back to draft and voids any approval (ContentService.update). */
	async update(id: number, input: unknown, actor: string, ip?: string | null, now = new Date()): Promise<Content> {
		await this.content.get(id);
		return this.content.update(id, await this.checked(input, now), actor, ip);
	}

	get(id: number): Promise<Content> {
		return this.content.get(id);
	}

	/** Content meant for the days from..to (inclusive), optionally in one state, by day then id. */
	async list(opts: { from?: string; to?: string; state?: string; limit?: number } = {}): Promise<Content[]> {
		for (const k of ['from', 'to'] as const)
			if (opts[k] !== undefined && !isCalendarDate(opts[k]))
				throw new MitanError('CONTENT_DATE_INVALID', `${k}: "${opts[k]}" is not a calendar date YYYY-MM-DD`, { field: k });
		if (opts.state !== undefined && !(CONTENT_STATES as readonly string[]).includes(opts.state))
			throw new MitanError('CONTENT_STATE', `state: "${opts.state}" is not a content state (${CONTENT_STATES.join(', ')})`, {
				field: 'state',
			});
		const from = opts.from ?? (await this.today());
		return listBetween(
			this.db,
			await this.district(),
			from,
			opts.to ?? addDays(from, 13),
			opts.state as ContentState | undefined,
			opts.limit,
		);
	}

	/**
	 * Sends saved content for approval through `start` (the approval workflow's webhook): only a
	 * draft that passes every check today, so the Additional SP is never asked about text that
	 * cannot go out. The workflow moves it to pending when the request is made.
	 */
	async submit(id: number, start: (c: Content) => Promise<void>, now = new Date()): Promise<Content> {
		const c = await this.content.get(id);
		if (!canTransition(c.state, 'submit'))
			throw new MitanError('CONTENT_STATE', `content ${id} is ${c.state}: only a draft is sent for approval (edit it first)`, {
				contentId: id,
				state: c.state,
				field: 'state',
			});
		await this.checked(
			{
				title: c.title,
				bodyHi: c.bodyHi,
				bodyEn: c.bodyEn,
				imageUrl: c.imageUrl,
				category: c.category,
				targetDate: c.targetDate,
				variants: c.variants,
				channels: c.channels,
			},
			now,
		);
		await start(c);
		return this.content.get(id);
	}
}

/** The fields a preview needs, taken as typed even when the draft does not validate yet. */
function previewFields(raw: Record<string, unknown>): Partial<ContentDraft> {
	const str = (v: unknown) => (typeof v === 'string' ? v.normalize('NFC').trim() : undefined);
	const out: Partial<ContentDraft> = {};
	if (str(raw.bodyHi) !== undefined) out.bodyHi = str(raw.bodyHi);
	if (str(raw.bodyEn) !== undefined) out.bodyEn = str(raw.bodyEn);
	if (str(raw.imageUrl)) out.imageUrl = str(raw.imageUrl);
	if (Array.isArray(raw.channels)) out.channels = raw.channels.filter((c): c is string => typeof c === 'string');
	if (raw.variants && typeof raw.variants === 'object') {
		// Only text fields of each variant: compose reads them, and a half-typed variant must not break the preview.
		const v: Record<string, Record<string, string>> = {};
		for (const [ch, val] of Object.entries(raw.variants as Record<string, unknown>)) {
			if (!val || typeof val !== 'object' || Array.isArray(val)) continue;
			v[ch] = Object.fromEntries(Object.entries(val as Record<string, unknown>).filter(([, x]) => typeof x === 'string')) as Record<
				string,
				string
			>;
		}
		out.variants = v as ContentDraft['variants'];
	}
	return out;
}
