/**
 * WhatsApp message templates as a WABA holds them: created only through
 * POST /{WABA_ID}/message_templates, one per (name, language), PENDING until review decides
 * (template-review.ts). This file owns the record, the store and Meta's create-time checks
 * (synchronous 100 errors); what review rejects later is in template-review.ts, what a send
 * checks in template-send.ts.
 */
import type { TemplateCategory } from './config';
import { GraphError } from './errors';

export type TemplateStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'PAUSED' | 'DISABLED';
export type QualityScore = 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
export const CATEGORIES: TemplateCategory[] = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];

export interface TemplateButton {
	type: 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER';
	text: string;
	url?: string;
	phone_number?: string;
	/** 1 when the URL ends in {{1}} (a per-send suffix), else 0. */
	urlParams: number;
}

export interface TemplateRecord {
	/** Numeric string, safe as a JS number (webhooks carry it as a number, as Meta does). */
	id: string;
	name: string;
	language: string;
	category: TemplateCategory;
	status: TemplateStatus;
	/** Meta's rejected_reason: NONE unless REJECTED. */
	rejectedReason: string;
	quality: QualityScore;
	/** The components exactly as created (what GET answers). */
	components: Record<string, unknown>[];
	body: { text: string; params: number };
	header?: { format: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT'; text?: string; params: number; handle?: string };
	footer?: string;
	buttons: TemplateButton[];
	createdAtMs: number;
	/** Pauses so far (Meta: 3 h, then 6 h, then disabled). */
	pauses: number;
	/** Sandbox-clock time a pause ends (then Meta reinstates it: UNPAUSE). */
	pausedUntilMs?: number;
}

/** Meta's create-time refusal: (#100) Invalid parameter, with the user-facing title and text. */
export function templateParamError(userMsg: string, subcode = 2388040, userTitle = 'Invalid parameter'): GraphError {
	return new GraphError(400, 100, '(#100) Invalid parameter', { subcode, userTitle, userMsg, type: 'OAuthException' });
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const NAME = /^[a-z0-9_]{1,512}$/;
/** Meta's language codes: ll or ll_CC (hi, en, en_US, pt_BR). */
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;
const VARIABLE = /\{\{([^{}]*)\}\}/g;

/** Placeholders of a text: numbered {{1}}..{{n}} in order of first use, or a clear error. */
export function positionalParams(text: string, where: string): number {
	const seen: number[] = [];
	for (const m of text.matchAll(VARIABLE)) {
		if (!/^[1-9]\d*$/.test(m[1]))
			throw templateParamError(`${where}: variable {{${m[1]}}} is malformed; use {{1}}, {{2}}, … in order.`, 2388043);
		const n = Number(m[1]);
		if (!seen.includes(n)) seen.push(n);
	}
	if (/\{\{|\}\}/.test(text.replace(VARIABLE, ''))) throw templateParamError(`${where}: unbalanced braces around a variable.`, 2388043);
	const sorted = [...seen].sort((a, b) => a - b);
	if (sorted.some((n, i) => n !== i + 1)) {
		throw templateParamError(`${where}: variables must be numbered 1 to ${sorted.length} without gaps.`, 2388043);
	}
	return sorted.length;
}

/** `example.body_text: [["a","b"]]` / `example.header_text: ["a"]`: one sample per variable. */
function requireExamples(example: unknown, key: string, count: number, where: string, nested: boolean): void {
	if (count === 0) return;
	const ex = isObj(example) ? example[key] : undefined;
	const list = nested ? (Array.isArray(ex) ? ex[0] : undefined) : ex;
	if (!Array.isArray(list) || list.length !== count || list.some((s) => typeof s !== 'string' || !s.trim())) {
		throw templateParamError(`${where}: example.${key} must give ${count} sample value(s), one per variable.`, 2388041);
	}
}

function parseButtons(c: Record<string, unknown>, where: string): TemplateButton[] {
	const list = c['buttons'];
	if (!Array.isArray(list) || list.length === 0 || list.length > 10) throw templateParamError(`${where}.buttons: give 1 to 10 buttons.`);
	const out = list.map((b: unknown, i: number): TemplateButton => {
		const at = `${where}.buttons[${i}]`;
		if (!isObj(b)) throw templateParamError(`${at} must be an object.`);
		const type = typeof b['type'] === 'string' ? b['type'].toUpperCase() : '';
		const text = b['text'];
		if (typeof text !== 'string' || !text.trim() || [...text].length > 25)
			throw templateParamError(`${at}.text is required (at most 25 characters).`);
		if (type === 'QUICK_REPLY') return { type, text, urlParams: 0 };
		if (type === 'PHONE_NUMBER') {
			const phone = b['phone_number'];
			if (typeof phone !== 'string' || !/^\+?\d{8,15}$/.test(phone)) throw templateParamError(`${at}.phone_number must be 8-15 digits.`);
			return { type, text, phone_number: phone, urlParams: 0 };
		}
		if (type === 'URL') {
			const url = b['url'];
			if (typeof url !== 'string' || !/^https?:\/\/[^\s{}]+(\{\{1\}\})?$/.test(url) || [...url].length > 2000) {
				throw templateParamError(`${at}.url must be an http(s) URL, with at most one variable {{1}} at its very end.`);
			}
			const urlParams = url.endsWith('{{1}}') ? 1 : 0;
			if (urlParams) {
				const ex = b['example'];
				const sample = Array.isArray(ex) ? ex[0] : undefined;
				if (typeof sample !== 'string' || !/^https?:\/\//.test(sample))
					throw templateParamError(`${at}.example must give a full sample URL.`, 2388041);
			}
			return { type, text, url, urlParams };
		}
		throw templateParamError(`${at}.type must be QUICK_REPLY, URL or PHONE_NUMBER.`);
	});
	if (out.filter((b) => b.type === 'URL').length > 2) throw templateParamError(`${where}.buttons: at most 2 URL buttons.`);
	if (out.filter((b) => b.type === 'PHONE_NUMBER').length > 1) throw templateParamError(`${where}.buttons: at most 1 PHONE_NUMBER button.`);
	return out;
}

export type TemplateDraft = Omit<TemplateRecord, 'id' | 'status' | 'rejectedReason' | 'quality' | 'createdAtMs' | 'pauses'>;

/** Meta's synchronous checks on a create request (name, language, category, components). */
export function parseCreate(p: Record<string, unknown>): TemplateDraft {
	const name = p['name'];
	if (typeof name !== 'string' || !name) throw templateParamError('The parameter name is required.', 2388042);
	if (!NAME.test(name)) {
		throw templateParamError(
			'Template name can only contain lowercase letters, numbers and underscores (at most 512 characters).',
			2388042,
		);
	}
	const language = p['language'];
	if (typeof language !== 'string' || !LANGUAGE.test(language))
		throw templateParamError('language must be a Meta language code (hi, en, en_US…).', 2388042);
	const category = p['category'];
	if (typeof category !== 'string' || !CATEGORIES.includes(category as TemplateCategory)) {
		throw templateParamError(`category must be one of ${CATEGORIES.join(', ')}.`, 2388042);
	}
	if (p['parameter_format'] !== undefined && p['parameter_format'] !== 'POSITIONAL') {
		throw templateParamError('parameter_format: the sandbox models POSITIONAL variables only ({{1}}, {{2}}…).', 2388042);
	}
	let components = p['components'];
	if (typeof components === 'string') {
		try {
			components = JSON.parse(components);
		} catch {
			throw templateParamError('components must be a JSON array.');
		}
	}
	if (!Array.isArray(components) || components.length === 0)
		throw templateParamError('components must be a non-empty array with one BODY.');
	const draft: TemplateDraft = {
		name,
		language,
		category: category as TemplateCategory,
		components: [],
		body: { text: '', params: 0 },
		buttons: [],
	};
	const seen = new Set<string>();
	let hasBody = false;
	components.forEach((c: unknown, i: number) => {
		const where = `components[${i}]`;
		if (!isObj(c) || typeof c['type'] !== 'string') throw templateParamError(`${where}.type is required.`);
		const type = c['type'].toUpperCase();
		if (seen.has(type)) throw templateParamError(`${where}: only one ${type} component is allowed.`);
		seen.add(type);
		draft.components.push({ ...c, type });
		if (type === 'BODY') {
			const text = c['text'];
			if (typeof text !== 'string' || !text.trim()) throw templateParamError(`${where}.text is required.`);
			const params = positionalParams(text, `${where}.text`);
			requireExamples(c['example'], 'body_text', params, where, true);
			draft.body = { text, params };
			hasBody = true;
		} else if (type === 'HEADER') {
			const format = typeof c['format'] === 'string' ? c['format'].toUpperCase() : '';
			if (format === 'TEXT') {
				const text = c['text'];
				if (typeof text !== 'string' || !text.trim() || [...text].length > 60)
					throw templateParamError(`${where}.text is required (at most 60 characters).`);
				const params = positionalParams(text, `${where}.text`);
				if (params > 1) throw templateParamError(`${where}.text: a header takes at most one variable.`);
				requireExamples(c['example'], 'header_text', params, where, false);
				draft.header = { format, text, params };
			} else if (format === 'IMAGE' || format === 'VIDEO' || format === 'DOCUMENT') {
				const ex = isObj(c['example']) ? c['example']['header_handle'] : undefined;
				if (!Array.isArray(ex) || typeof ex[0] !== 'string' || !ex[0]) {
					throw templateParamError(`${where}: a ${format} header needs example.header_handle (an uploaded sample).`, 2388041);
				}
				draft.header = { format, params: 1, handle: ex[0] };
			} else throw templateParamError(`${where}.format must be TEXT, IMAGE, VIDEO or DOCUMENT.`);
		} else if (type === 'FOOTER') {
			const text = c['text'];
			if (typeof text !== 'string' || !text.trim() || [...text].length > 60)
				throw templateParamError(`${where}.text is required (at most 60 characters).`);
			if (/\{\{/.test(text)) throw templateParamError(`${where}.text: a footer cannot have variables.`);
			draft.footer = text;
		} else if (type === 'BUTTONS') {
			draft.buttons = parseButtons(c, where);
		} else throw templateParamError(`${where}.type must be HEADER, BODY, FOOTER or BUTTONS.`);
	});
	if (!hasBody) throw templateParamError('components must include a BODY.');
	return draft;
}

/** Meta does not let a deleted approved template's name be used again for 30 days. */
export const NAME_REUSE_BLOCK_MS = 30 * 24 * 3600 * 1000;

export class TemplateStore {
	private byId = new Map<string, TemplateRecord>();
	/** Name of a deleted template that had been approved -> when it was deleted. */
	private deletedNames = new Map<string, number>();
	/** Bumped when the store is cleared: review timers of cleared templates do nothing. */
	generation = 0;

	constructor(private nextId: () => string) {}

	all(): TemplateRecord[] {
		return [...this.byId.values()];
	}

	get(id: string): TemplateRecord | undefined {
		return this.byId.get(id);
	}

	find(name: string, language: string): TemplateRecord | undefined {
		for (const t of this.byId.values()) if (t.name === name && t.language === language) return t;
		return undefined;
	}

	add(draft: TemplateDraft, nowMs: number): TemplateRecord {
		if (this.find(draft.name, draft.language)) {
			throw templateParamError(
				`There is already ${draft.language} content for this template (${draft.name}). Create a new template, or edit the existing one.`,
				2388024,
				'Content in this language already exists',
			);
		}
		const deletedAt = this.deletedNames.get(draft.name);
		if (deletedAt !== undefined && nowMs - deletedAt < NAME_REUSE_BLOCK_MS) {
			throw templateParamError(
				`${draft.name} was deleted; a deleted template's name can be used again 30 days after the deletion.`,
				2388023,
				'Message template is being deleted',
			);
		}
		const rec: TemplateRecord = {
			...draft,
			id: this.nextId(),
			status: 'PENDING',
			rejectedReason: 'NONE',
			quality: 'UNKNOWN',
			createdAtMs: nowMs,
			pauses: 0,
		};
		this.byId.set(rec.id, rec);
		return rec;
	}

	/** Deletes every language of a name (Meta's DELETE ?name=); returns what was deleted. */
	deleteByName(name: string, nowMs: number, id?: string): TemplateRecord[] {
		const gone = this.all().filter((t) => t.name === name && (!id || t.id === id));
		for (const t of gone) {
			this.byId.delete(t.id);
			if (t.status !== 'PENDING' && t.status !== 'REJECTED') this.deletedNames.set(name, nowMs);
		}
		return gone;
	}

	clear(): void {
		this.byId.clear();
		this.deletedNames.clear();
		this.generation++;
	}
}

/** The create answer and the GET shape (Meta's message_template node). */
export function templateNode(t: TemplateRecord): Record<string, unknown> {
	return {
		id: t.id,
		name: t.name,
		language: t.language,
		status: t.status,
		category: t.category,
		parameter_format: 'POSITIONAL',
		components: t.components,
		rejected_reason: t.rejectedReason,
		quality_score: { score: t.quality },
	};
}
