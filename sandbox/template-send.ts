/**
 * The template part of a send (POST /messages, /marketing_messages), checked in Meta's order:
 * the template exists and is APPROVED in that language (132001), not paused (132015) or disabled
 * (132016), marketing-only endpoint, then each component's parameters against what was approved:
 * count (132000), missing (131008), format (132012), new lines / tabs / spaces (132018), and the
 * text once filled in (132005).
 */
import { invalidParam, waError, WA_TITLES } from './errors';
import type { SandboxState } from './state';
import type { TemplateRecord } from './wa-templates';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface TemplateSend {
	template: TemplateRecord;
	/** Body parameters, in order. */
	params: string[];
	/** Header media link / id or header text, when the template has a header variable. */
	header?: string;
	/** Per URL button (in button order): the full URL the citizen opens. */
	urls: string[];
	/** The body as the recipient reads it. */
	rendered: string;
}

const missing = (details: string) => waError(400, 131008, 'Required parameter is missing', details);
const mismatch = (where: string, got: number, expected: number) =>
	waError(
		400,
		132000,
		WA_TITLES[132000],
		`${where}: number of localizable_params (${got}) does not match the expected number of params (${expected})`,
	);
const formatError = (details: string) => waError(400, 132012, 'Parameter format does not match format in the created template', details);

/** Meta: a text parameter may not carry new lines, tabs or more than four consecutive spaces. */
function checkTextParam(text: string, where: string): void {
	if (/[\n\t]|\s{5,}/.test(text)) {
		throw waError(
			400,
			132018,
			'Something went wrong with the parameters',
			`${where}: Param text cannot have new-line/tab characters or more than 4 consecutive spaces`,
		);
	}
}

function textParams(ps: unknown, where: string, allowed: string[]): string[] {
	if (!Array.isArray(ps)) throw invalidParam(`Param ${where}['parameters'] must be an array.`, true);
	return ps.map((param: unknown, j: number) => {
		if (!isObj(param) || typeof param['type'] !== 'string') throw missing(`Parameter type is missing at ${where} parameter ${j + 1}`);
		const type = param['type'];
		if (!allowed.includes(type))
			throw formatError(`${where} parameter ${j + 1}: expected ${allowed.join(' or ').toUpperCase()}, received ${type.toUpperCase()}`);
		if (type !== 'text') return JSON.stringify(param[type] ?? null);
		const text = param['text'];
		if (typeof text !== 'string' || !text) throw missing(`Parameter text is missing at ${where} parameter ${j + 1}`);
		checkTextParam(text, `${where} parameter ${j + 1}`);
		return text;
	});
}

export function validateTemplateSend(state: SandboxState, t: unknown, marketingOnly: boolean): TemplateSend {
	if (!isObj(t)) throw invalidParam('The parameter template is required.', true);
	const name = t['name'];
	if (typeof name !== 'string' || !name) throw invalidParam("The parameter template['name'] is required.", true);
	const lang = t['language'];
	const code = isObj(lang) ? lang['code'] : undefined;
	if (typeof code !== 'string' || !code) throw invalidParam("The parameter template['language']['code'] is required.", true);
	const tpl = state.templates.find(name, code);
	if (!tpl || tpl.status === 'PENDING' || tpl.status === 'REJECTED') {
		const why = !tpl ? 'does not exist' : tpl.status === 'PENDING' ? 'is not approved yet (PENDING)' : 'was rejected';
		throw waError(404, 132001, WA_TITLES[132001], `template name (${name}) ${why} in ${code}`);
	}
	if (tpl.status === 'PAUSED') throw waError(400, 132015, 'Template is Paused', `Template ${name} is paused due to low quality`);
	if (tpl.status === 'DISABLED') throw waError(400, 132016, 'Template was disabled', `Template ${name} was disabled due to low quality`);
	if (marketingOnly && tpl.category !== 'MARKETING') {
		throw invalidParam('Invalid parameter', true, `Template ${name} is not a marketing template`);
	}
	const components = t['components'] === undefined ? [] : t['components'];
	if (!Array.isArray(components)) throw invalidParam("Param template['components'] must be an array.", true);
	let params: string[] = [];
	let header: string | undefined;
	let headerSeen = false;
	const suffixes = new Map<number, string>();
	components.forEach((c: unknown, i: number) => {
		const at = `template['components'][${i}]`;
		if (!isObj(c) || typeof c['type'] !== 'string') throw invalidParam(`Param ${at}['type'] is required.`, true);
		const type = c['type'].toLowerCase();
		if (type === 'body') {
			params = textParams(c['parameters'] ?? [], 'body', ['text', 'currency', 'date_time']);
		} else if (type === 'header') {
			headerSeen = true;
			const ps = Array.isArray(c['parameters']) ? c['parameters'] : [];
			const h = tpl.header;
			if (!h || h.params === 0) {
				if (ps.length) throw mismatch('header', ps.length, 0);
				return;
			}
			if (h.format === 'TEXT') {
				const got = textParams(ps, 'header', ['text']);
				if (got.length !== 1) throw mismatch('header', got.length, 1);
				header = got[0];
				return;
			}
			const want = h.format.toLowerCase();
			const p0: unknown = ps[0];
			if (ps.length !== 1 || !isObj(p0) || p0['type'] !== want) {
				throw formatError(
					`header: Format mismatch, expected ${h.format}, received ${isObj(p0) && typeof p0['type'] === 'string' ? p0['type'].toUpperCase() : 'UNKNOWN'}`,
				);
			}
			const media = p0[want];
			const ref = isObj(media) ? (media['link'] ?? media['id']) : undefined;
			if (typeof ref !== 'string' || !ref) throw missing(`header: ${want} needs a link or an id`);
			header = ref;
		} else if (type === 'button') {
			const idx = Number(c['index']);
			const button = Number.isInteger(idx) ? tpl.buttons[idx] : undefined;
			if (!button) throw invalidParam(`Param ${at}['index'] must name one of the template's ${tpl.buttons.length} button(s).`, true);
			const sub = typeof c['sub_type'] === 'string' ? c['sub_type'].toUpperCase() : '';
			if (sub !== button.type) throw formatError(`button ${idx}: expected sub_type ${button.type}, received ${sub || 'nothing'}`);
			const ps = Array.isArray(c['parameters']) ? c['parameters'] : [];
			if (button.type !== 'URL') return;
			if (button.urlParams === 0) {
				if (ps.length) throw mismatch(`button ${idx}`, ps.length, 0);
				return;
			}
			const got = textParams(ps, `button ${idx}`, ['text']);
			if (got.length !== 1) throw mismatch(`button ${idx}`, got.length, 1);
			if (/\s/.test(got[0])) throw formatError(`button ${idx}: a URL suffix cannot contain spaces`);
			suffixes.set(idx, got[0]);
		}
	});
	if (params.length !== tpl.body.params) throw mismatch('body', params.length, tpl.body.params);
	if (tpl.header && tpl.header.params > 0 && !headerSeen) {
		throw tpl.header.format === 'TEXT'
			? mismatch('header', 0, 1)
			: formatError(`header: Format mismatch, expected ${tpl.header.format}, received UNKNOWN`);
	}
	const urls: string[] = [];
	tpl.buttons.forEach((b, i) => {
		if (b.type !== 'URL' || !b.url) return;
		if (b.urlParams === 0) return void urls.push(b.url);
		const suffix = suffixes.get(i);
		if (suffix === undefined) throw missing(`button ${i}: the URL button's variable needs a parameter`);
		const url = b.url.replace('{{1}}', suffix);
		if ([...url].length > 2000) throw formatError(`button ${i}: the URL is longer than 2000 characters`);
		urls.push(url);
	});
	const rendered = tpl.body.text.replace(/\{\{(\d+)\}\}/g, (_m, n: string) => params[Number(n) - 1] ?? '');
	if ([...rendered].length > 1024)
		throw waError(400, 132005, 'Translated text too long', 'body: the text with its parameters is longer than 1024 characters');
	return { template: tpl, params, header, urls, rendered };
}
