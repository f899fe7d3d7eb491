import { channelRules, allChannels } from '../channels/registry';
import type { Channel } from '../channels/types';
import { MitanError } from '../errors';
import { isObject, textField, unknownKeys, type Problem } from '../problem';
import { isCalendarDate } from '../time';
import { isHttpUrl } from '../url';
import { CATEGORIES, type Category, type ContentDraft, type ContentVariants } from './types';

export type { Problem } from '../problem';

/**
 * Checks a draft against every channel's rules before anyone is asked to approve it: a text the
 * Additional SP approved must be publishable as it is. All problems are reported at once, each
 * with the field it is in, so the cyber cell fixes the draft in one pass. The channel rules
 * (limits, counting, Meta's parameter rules) are each channel's own, from core/channels/registry.ts:
 * publishing applies the very same functions.
 */

/** A title is ours, not a network's: 200 characters (code points) fit every list and message. */
const TITLE_MAX = 200;

function variants(p: Problem[], v: unknown): ContentVariants {
	if (v === undefined || v === null) return {};
	if (!isObject(v)) {
		p.push({ field: 'variants', message: 'must be an object' });
		return {};
	}
	const channels = allChannels();
	unknownKeys(p, 'variants', v, channels);
	const out: Record<string, unknown> = {};
	for (const channel of channels) {
		if (v[channel] === undefined) continue;
		const cleaned = channelRules(channel).validateVariant(v[channel], p);
		if (cleaned !== undefined) out[channel] = cleaned;
	}
	return out as ContentVariants;
}

/**
 * The channels chosen (`channels`): known ones, each once, at least one; kept in the registry's
 * order so the same choice always hashes the same. Undefined/null: not chosen (every channel).
 */
function channels(p: Problem[], v: unknown): string[] | null {
	if (v === undefined || v === null) return null;
	const known = allChannels();
	if (!Array.isArray(v) || v.some((c) => typeof c !== 'string')) {
		p.push({ field: 'channels', message: `must be a list of channels (${known.join(', ')}) / चैनलों की सूची होनी चाहिए` });
		return null;
	}
	const unknown = v.filter((c) => !(known as string[]).includes(c));
	if (unknown.length)
		p.push({ field: 'channels', message: `"${unknown.join('", "')}" is not a channel (one of ${known.join(', ')}) / अज्ञात चैनल` });
	const chosen = known.filter((c) => v.includes(c));
	if (chosen.length === 0 && unknown.length === 0)
		p.push({ field: 'channels', message: 'choose at least one channel / कम से कम एक चैनल चुनें' });
	return chosen.length ? chosen : null;
}

/**
 * What each chosen channel will really post (its compose: the variant, else the Hindi + English
 * body) under that channel's own rules, and its image need: an X post without its own text is the
 * whole bilingual body, which is usually too long; better said now than refused at 10:00.
 */
function chosenChannelProblems(
	p: Problem[],
	d: Omit<ContentDraft, 'channels' | 'bodyHi' | 'bodyEn'> & { bodyHi?: string; bodyEn?: string },
	chosen: string[],
): void {
	for (const ch of chosen) {
		const rules = channelRules(ch as Channel);
		if (rules.limits.requiresImage && !d.imageUrl)
			p.push({ field: 'imageUrl', message: `${ch} needs an image; add one or leave ${ch} out / ${ch} के लिए चित्र आवश्यक है` });
		// The body's own problems are reported at bodyHi / bodyEn; its composition is judged once both exist.
		if (d.bodyHi === undefined || d.bodyEn === undefined) continue;
		if (!rules.compose || (d.variants as Record<string, unknown> | undefined)?.[ch] !== undefined) continue;
		const post = rules.compose({ bodyHi: d.bodyHi, bodyEn: d.bodyEn, imageUrl: d.imageUrl, variants: d.variants ?? {} });
		for (const x of rules.textProblems(post.text, `variants.${ch}`))
			p.push({ ...x, message: `without its own text ${ch} posts the Hindi + English body, which ${x.message}` });
	}
}

/**
 * The bodies themselves. A channel that sends them as they are (WhatsApp: each language is the
 * body of a Meta template) judges them now, also when no channel was chosen (that means every
 * channel), so a body cannot be approved and then refused by Meta. Otherwise they still go out as
 * WhatsApp text (replies, alerts), whose free-text rule is theirs; the template rule is the
 * stricter, so each body gets one verdict, not two.
 */
function bodyProblems(p: Problem[], b: { bodyHi?: string; bodyEn?: string; imageUrl: string | null }, chosen: string[] | null): void {
	const own = (chosen ?? allChannels()).map((c) => channelRules(c as Channel).bodyProblems).filter((f) => f !== undefined);
	if (own.length > 0 && b.bodyHi !== undefined && b.bodyEn !== undefined) {
		for (const f of own) p.push(...f({ bodyHi: b.bodyHi, bodyEn: b.bodyEn, imageUrl: b.imageUrl }));
		return;
	}
	const whatsapp = channelRules('whatsapp');
	if (b.bodyHi !== undefined) p.push(...whatsapp.textProblems(b.bodyHi, 'bodyHi'));
	if (b.bodyEn !== undefined) p.push(...whatsapp.textProblems(b.bodyEn, 'bodyEn'));
}

/** Returns the cleaned draft (trimmed, NFC) or throws CONTENT_INVALID listing every problem. */
export function validateDraft(input: unknown): ContentDraft {
	const p: Problem[] = [];
	if (!isObject(input))
		throw new MitanError('CONTENT_INVALID', 'content must be an object', {
			problems: [{ field: '', message: 'must be an object' }],
		});
	unknownKeys(p, 'content', input, ['title', 'bodyHi', 'bodyEn', 'imageUrl', 'category', 'targetDate', 'variants', 'channels']);
	const title = textField(p, 'title', input.title, { required: true });
	if (title !== undefined && [...title].length > TITLE_MAX)
		p.push({ field: 'title', message: `is ${[...title].length} characters; at most ${TITLE_MAX}` });
	const bodyHi = textField(p, 'bodyHi', input.bodyHi, { required: true });
	const bodyEn = textField(p, 'bodyEn', input.bodyEn, { required: true });
	let imageUrl: string | null = null;
	if (input.imageUrl !== undefined && input.imageUrl !== null && input.imageUrl !== '') {
		if (typeof input.imageUrl !== 'string' || !isHttpUrl(input.imageUrl.trim()))
			p.push({ field: 'imageUrl', message: `"${String(input.imageUrl)}" is not an http(s) URL` });
		else imageUrl = input.imageUrl.trim();
	}
	const category = input.category as Category;
	if (!CATEGORIES.includes(category))
		p.push({ field: 'category', message: `"${String(input.category ?? '')}" is not a category (one of ${CATEGORIES.join(', ')})` });
	let targetDate: string | null = null;
	if (input.targetDate !== undefined && input.targetDate !== null && input.targetDate !== '') {
		if (typeof input.targetDate !== 'string' || !isCalendarDate(input.targetDate))
			p.push({ field: 'targetDate', message: `"${String(input.targetDate)}" is not a date (YYYY-MM-DD)` });
		else targetDate = input.targetDate;
	}
	const v = variants(p, input.variants);
	const chosen = channels(p, input.channels);
	if (chosen) chosenChannelProblems(p, { title: title ?? '', bodyHi, bodyEn, imageUrl, category, targetDate, variants: v }, chosen);
	bodyProblems(p, { bodyHi, bodyEn, imageUrl }, chosen);
	if (p.length > 0) {
		const list = p.map((x) => `${x.field} ${x.message}`).join('; ');
		throw new MitanError('CONTENT_INVALID', `content is not publishable: ${list}`, { problems: p });
	}
	const draft: ContentDraft = { title: title!, bodyHi: bodyHi!, bodyEn: bodyEn!, imageUrl, category, targetDate, variants: v };
	// Only when chosen: an unchosen list is no field, so content from before keeps its hash.
	if (chosen) draft.channels = chosen;
	return draft;
}
