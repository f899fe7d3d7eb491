/**
 * Interactive messages (reply buttons, list messages) as WhatsApp takes them, checked against
 * Meta's limits before they leave, like text (text.ts): a refused body never costs a request.
 * Free-form like text: only inside the 24-hour window (a citizen just wrote).
 *
 * Limits (Cloud API reference, interactive object): body 1,024; 1-3 reply buttons, id ≤ 256,
 * title ≤ 20, ids and titles unique; a list's button text ≤ 20, 1-10 sections, ≤ 10 rows in all,
 * section title ≤ 24, row id ≤ 200, row title ≤ 24, row description ≤ 72.
 */
import type { Problem } from '../../problem';
import { refuse } from './text';
import { recipientField } from './messages';

export const INTERACTIVE_LIMITS = Object.freeze({
	body: 1024,
	buttons: 3,
	buttonId: 256,
	buttonTitle: 20,
	listButton: 20,
	sections: 10,
	rows: 10,
	sectionTitle: 24,
	rowId: 200,
	rowTitle: 24,
	rowDescription: 72,
});

export interface ReplyButtons {
	kind: 'buttons';
	body: string;
	buttons: { id: string; title: string }[];
}

export interface ListMessage {
	kind: 'list';
	body: string;
	button: string;
	sections: { title?: string; rows: { id: string; title: string; description?: string }[] }[];
}

export type Interactive = ReplyButtons | ListMessage;

const L = INTERACTIVE_LIMITS;

function len(field: string, v: string | undefined, max: number, required = true): Problem[] {
	if (v === undefined || v === '') return required ? [{ field, code: 'WHATSAPP_TEXT_INVALID', message: 'is required / आवश्यक है' }] : [];
	return v.length > max ? [{ field, code: 'WHATSAPP_TEXT_INVALID', message: `is ${v.length} characters; WhatsApp allows ${max}` }] : [];
}

export function interactiveProblems(m: Interactive): Problem[] {
	const p = len('interactive.body', m.body, L.body);
	if (m.kind === 'buttons') {
		if (m.buttons.length < 1 || m.buttons.length > L.buttons)
			p.push({ field: 'interactive.buttons', code: 'WHATSAPP_TEXT_INVALID', message: `holds ${m.buttons.length}; 1 to ${L.buttons}` });
		m.buttons.forEach((b, i) =>
			p.push(...len(`interactive.buttons[${i}].id`, b.id, L.buttonId), ...len(`interactive.buttons[${i}].title`, b.title, L.buttonTitle)),
		);
		if (new Set(m.buttons.map((b) => b.id)).size !== m.buttons.length || new Set(m.buttons.map((b) => b.title)).size !== m.buttons.length)
			p.push({ field: 'interactive.buttons', code: 'WHATSAPP_TEXT_INVALID', message: 'ids and titles must be unique' });
		return p;
	}
	p.push(...len('interactive.button', m.button, L.listButton));
	const rows = m.sections.flatMap((s) => s.rows);
	if (m.sections.length < 1 || m.sections.length > L.sections || rows.length < 1 || rows.length > L.rows)
		p.push({
			field: 'interactive.sections',
			code: 'WHATSAPP_TEXT_INVALID',
			message: `1-${L.sections} sections and 1-${L.rows} rows in all`,
		});
	m.sections.forEach((s, i) => {
		p.push(...len(`interactive.sections[${i}].title`, s.title, L.sectionTitle, m.sections.length > 1));
		s.rows.forEach((r, j) => {
			const f = `interactive.sections[${i}].rows[${j}]`;
			p.push(
				...len(`${f}.id`, r.id, L.rowId),
				...len(`${f}.title`, r.title, L.rowTitle),
				...len(`${f}.description`, r.description, L.rowDescription, false),
			);
		});
	});
	if (new Set(rows.map((r) => r.id)).size !== rows.length)
		p.push({ field: 'interactive.sections', code: 'WHATSAPP_TEXT_INVALID', message: 'row ids must be unique' });
	return p;
}

export function interactiveMessage(to: string, m: Interactive): Record<string, unknown> {
	refuse(interactiveProblems(m));
	const interactive =
		m.kind === 'buttons'
			? {
					type: 'button',
					body: { text: m.body },
					action: { buttons: m.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
				}
			: { type: 'list', body: { text: m.body }, action: { button: m.button, sections: m.sections } };
	return { ...recipientField(to), type: 'interactive', interactive };
}
