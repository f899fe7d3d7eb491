/**
 * Creating a broadcast: validate, then in one transaction insert it (idempotent on content,
 * channel, date, segment) and snapshot its recipients with one INSERT … SELECT. Running the
 * daily workflow twice returns the same broadcast; a refused input writes nothing.
 */
import { audit } from '../audit';
import { WHATSAPP_THROUGHPUT } from '../channels/whatsapp/rules';
import { isLanguageCode, isTemplateName, templateParamProblems } from '../channels/whatsapp/text';
import { selectContent } from '../content/repository';
import { assertPublishable } from '../content/gate';
import type { Db } from '../db';
import { MitanError } from '../errors';
import { defaultDistrictId, districtTimeZone, findDistrict } from '../districts';
import { segmentWhere } from '../roster/repository';
import { isCalendarDate, todayIn } from '../time';
import type { Language } from '../roster/types';
import * as repo from './repository';
import * as snapshot from './snapshot-repository';
import { approvedTemplatesOf } from '../templates/for-broadcast';
import { isHttpUrl } from '../url';
import type { Broadcast, BroadcastSegment, BroadcastTemplates, CreateBroadcastInput, EmergencyOverride, TemplateChoice } from './types';

const LANGUAGES: Language[] = ['hi', 'en'];
const bad = (field: string, message: string) => new MitanError('BROADCAST_INPUT_INVALID', `${field}: ${message}`, { field });

export function validateTemplates(raw: unknown): BroadcastTemplates {
	let t = raw;
	if (typeof raw === 'string') {
		// From an n8n JSON parameter or a form: parse here so the message names the field.
		try {
			t = JSON.parse(raw);
		} catch (e) {
			throw bad('templates', `not valid JSON (${(e as Error).message})`);
		}
	}
	if (!t || typeof t !== 'object' || Array.isArray(t))
		throw bad('templates', 'must be an object like {"hi": {"name": "daily_awareness", "params": ["…"]}, "en": {…}}');
	const out: BroadcastTemplates = {};
	for (const [lang, v] of Object.entries(t as Record<string, unknown>)) {
		if (!LANGUAGES.includes(lang as Language))
			throw bad(`templates.${lang}`, `unknown subscriber language "${lang}" (use ${LANGUAGES.join(', ')})`);
		if (!v || typeof v !== 'object') throw bad(`templates.${lang}`, 'must be an object with "name" and "params"');
		const c = v as Record<string, unknown>;
		if (!isTemplateName(c.name))
			throw bad(`templates.${lang}.name`, `template name must be lower-case letters, digits and _ (got ${JSON.stringify(c.name)})`);
		if (c.language !== undefined && !isLanguageCode(c.language)) {
			throw bad(`templates.${lang}.language`, `Meta language code like "hi" or "en_US" expected (got ${JSON.stringify(c.language)})`);
		}
		const params = c.params ?? [];
		if (!Array.isArray(params) || params.some((p) => typeof p !== 'string' && typeof p !== 'number'))
			throw bad(`templates.${lang}.params`, 'must be a list of texts');
		const strs = params.map(String);
		// Meta's parameter rules (empty, one line, spaces, length) from their one owner.
		const [problem] = strs.flatMap((p, k) => templateParamProblems(p, `templates.${lang}.params[${k}]`));
		if (problem) throw bad(problem.field, problem.message);
		const choice: TemplateChoice = { name: c.name, params: strs };
		if (typeof c.language === 'string') choice.language = c.language;
		if (c.headerImageUrl !== undefined) {
			if (typeof c.headerImageUrl !== 'string' || !isHttpUrl(c.headerImageUrl))
				throw bad(`templates.${lang}.headerImageUrl`, `must be an http(s) URL (got ${JSON.stringify(c.headerImageUrl)})`);
			choice.headerImageUrl = c.headerImageUrl;
		}
		out[lang as Language] = choice;
	}
	if (Object.keys(out).length === 0) throw bad('templates', 'at least one language is needed');
	return out;
}

export function validateSegment(s: unknown): BroadcastSegment {
	if (s === undefined || s === null) return {};
	if (typeof s !== 'object' || Array.isArray(s)) throw bad('segment', 'must be an object (policeStation, block, village, language, tag)');
	const out: BroadcastSegment = {};
	for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
		if (v === undefined || v === null || v === '') continue;
		if (!['policeStation', 'block', 'village', 'language', 'tag'].includes(k))
			throw bad(`segment.${k}`, 'unknown segment field (use policeStation, block, village, language, tag)');
		if (typeof v !== 'string') throw bad(`segment.${k}`, 'must be text');
		if (k === 'language' && !LANGUAGES.includes(v as Language)) throw bad('segment.language', `must be ${LANGUAGES.join(' or ')}`);
		(out as Record<string, string>)[k] = k === 'tag' ? v.trim().toLowerCase() : v.trim();
	}
	return out;
}

/**
 * The emergency override of the one-message-a-day rule: who and why, both stated. The store holds
 * the rule (migration 115); this only refuses an override nobody can account for.
 */
export function validateOverride(o: unknown): EmergencyOverride | null {
	if (o === undefined || o === null) return null;
	if (typeof o !== 'object' || Array.isArray(o)) throw bad('emergencyOverride', 'must be an object with "by" and "reason"');
	const { by, reason } = o as Record<string, unknown>;
	if (typeof by !== 'string' || by.trim() === '')
		throw bad('emergencyOverride.by', 'name the officer who decided the emergency message / आपात संदेश का निर्णय किसने लिया');
	if (typeof reason !== 'string' || reason.trim().length < 10)
		throw bad(
			'emergencyOverride.reason',
			'say why citizens get a second message today, in at least 10 characters / आज दूसरा संदेश क्यों, कम से कम 10 अक्षरों में',
		);
	return { by: by.trim(), reason: reason.trim() };
}

/** Canonical key of a segment: the same filter always gives the same key. */
export function segmentKey(s: BroadcastSegment): string {
	const keys = Object.keys(s).sort() as (keyof BroadcastSegment)[];
	return keys.length === 0 ? 'all' : keys.map((k) => `${k}=${s[k]}`).join('&');
}

export async function createBroadcast(db: Db, input: CreateBroadcastInput): Promise<{ broadcast: Broadcast; created: boolean }> {
	let templates = validateTemplates(input.templates);
	const segment = validateSegment(input.segment);
	const districtId = input.districtId ?? (await defaultDistrictId(db));
	const override = validateOverride(input.emergencyOverride);
	// The broadcast day is a day of the district's calendar.
	const date = input.date ?? todayIn(await districtTimeZone(db, districtId));
	if (!isCalendarDate(date)) throw bad('date', `must be a calendar date YYYY-MM-DD (got ${JSON.stringify(date)})`);
	const contentId = input.contentId ?? null;
	if (contentId !== null && (!Number.isInteger(contentId) || contentId < 1))
		throw bad('contentId', `must be a positive whole number (got ${JSON.stringify(contentId)})`);
	const contentKey = (input.contentKey ?? (contentId !== null ? `content:${contentId}` : '')).trim();
	if (contentKey === '') throw bad('contentKey', 'give the approved content id or a content key');
	const rateLimit = input.rateLimitPerSecond ?? WHATSAPP_THROUGHPUT.standard;
	if (!Number.isInteger(rateLimit) || rateLimit < 1 || rateLimit > 10_000)
		throw bad(
			'rateLimitPerSecond',
			`must be a whole number 1..10000 (${WHATSAPP_THROUGHPUT.standard} by default, ${WHATSAPP_THROUGHPUT.upgraded} for upgraded numbers), got ${JSON.stringify(rateLimit)}`,
		);
	const pacing = input.pacingFactor ?? 0.985;
	if (typeof pacing !== 'number' || !(pacing > 0 && pacing <= 1))
		throw bad('pacingFactor', `must be in (0, 1], got ${JSON.stringify(pacing)}`);
	const maxAttempts = input.maxAttempts ?? 6;
	if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 50)
		throw bad('maxAttempts', `must be 1..50, got ${JSON.stringify(maxAttempts)}`);
	if (input.phoneNumberId !== undefined && !/^\d+$/.test(input.phoneNumberId)) throw bad('phoneNumberId', 'must be digits');
	// One district's citizens never hear from another district's number.
	const owner = input.phoneNumberId ? await findDistrict(db, { phoneNumberId: input.phoneNumberId }) : undefined;
	if (owner && owner.id !== districtId)
		throw bad('phoneNumberId', `number ${input.phoneNumberId} serves district ${owner.code}, not the district this broadcast is for`);
	const sKey = segmentKey(segment);

	return db.transaction(async (tx) => {
		if (contentId !== null) {
			const c = await selectContent(tx, contentId);
			if (!c) throw bad('contentId', `no content with id ${contentId}`);
			// The one publish gate every channel passes: approved, and unchanged since.
			assertPublishable(c);
			// The channels chosen are part of what was approved: content not meant for WhatsApp is not broadcast.
			if (c.channels && !c.channels.includes('whatsapp'))
				throw new MitanError(
					'CONTENT_CHANNEL_NOT_CHOSEN',
					`content ${contentId} is meant for ${c.channels.join(', ')}, not WhatsApp: nothing is broadcast / यह सामग्री WhatsApp के लिए नहीं है`,
					{ field: 'contentId', contentId, channels: c.channels },
				);
			// Once the content's own templates went to Meta, only they are sent, and only approved.
			// A re-run of the day finds the broadcast it made, whatever Meta said since (a pause is the gateway's).
			const existing = await repo.findByKey(tx, { districtId, contentKey, date, segmentKey: sKey });
			if (existing) return { broadcast: existing, created: false };
			templates = (await approvedTemplatesOf(tx, contentId)) ?? templates;
		}
		const id = await repo.insertBroadcast(tx, {
			districtId,
			contentId,
			contentKey,
			date,
			segmentKey: sKey,
			segment,
			templates,
			phoneNumberId: input.phoneNumberId ?? null,
			rateLimitPerSecond: rateLimit,
			pacingFactor: pacing,
			maxAttempts,
			createdBy: input.createdBy ?? null,
			override,
		});
		if (id === undefined) {
			const existing = await repo.findByKey(tx, { districtId, contentKey, date, segmentKey: sKey });
			if (!existing) throw new MitanError('BROADCAST_RACE', 'broadcast key conflict but no row found');
			return { broadcast: existing, created: false };
		}
		// The segment's WHERE comes from the roster (one owner of segment rules); its column names
		// are unambiguous in the snapshot query (subscribers s, broadcasts b).
		const params: unknown[] = [];
		const where = segmentWhere({ ...segment, districtId }, params);
		const targeted = await snapshot.snapshotRecipients(tx, id, where, params);
		const missing = await snapshot.languagesWithout(tx, id, Object.keys(templates));
		if (missing.length > 0) {
			throw bad(
				'templates',
				`no template for ${missing.map((m) => `"${m.language}" (${m.count} citizens)`).join(', ')}: add one per language of the segment`,
			);
		}
		await audit(tx, {
			districtId,
			actor: input.createdBy ?? 'system:broadcast',
			action: 'broadcast.create',
			entity: 'broadcast',
			entityId: id,
			details: { contentKey, date, segment: sKey, targeted },
		});
		if (override) {
			await audit(tx, {
				districtId,
				actor: override.by,
				action: 'broadcast.override_daily_limit',
				entity: 'broadcast',
				entityId: id,
				details: { contentKey, date, reason: override.reason, createdBy: input.createdBy ?? null },
			});
		}
		return { broadcast: (await repo.findBroadcast(tx, id))!, created: true };
	});
}
