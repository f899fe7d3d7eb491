/**
 * Placeholder staff numbers (issue 13 item 5): the exported workflows carry only numbers that can
 * belong to nobody, the sandbox may message them, and a live WhatsApp credential refuses to while
 * one is configured, naming the workflow, node and field.
 */
import * as fs from 'fs';
import * as path from 'path';
import { assertNoLivePlaceholder, isSandboxWhatsApp } from '../../core/channels/whatsapp/placeholders';
import { parseRecipients } from '../../core/channels/whatsapp/recipients';
import { isPlaceholderPhone, normalisePhone, normaliseStaffPhone } from '../../core/phone';
import { isMitanError } from '../../core/errors';

const WORKFLOWS = path.join(__dirname, '..', '..', 'workflows');

test('the placeholder range is +91 00000 00000-00999 in any spacing, and no real mobile is in it', () => {
	for (const s of ['+910000000001', '+91 00000 00010', '+91 00000 00999', '+91-00000-00123', '910000000010'])
		expect(isPlaceholderPhone(s)).toBe(true);
	for (const s of ['+919800000001', '+910000001000', '0000000001', '+9100000000001', '', undefined])
		expect(isPlaceholderPhone(s)).toBe(false);
	// Not a number anyone can have: the roster's own rule refuses it.
	expect(normalisePhone('+910000000001').ok).toBe(false);
	expect(normaliseStaffPhone('+91 00000 00001')).toEqual({ ok: true, e164: '+910000000001', placeholder: true });
	expect(normaliseStaffPhone('910000000010')).toEqual({ ok: true, e164: '+910000000010', placeholder: true });
	expect(normaliseStaffPhone('98765 43210')).toEqual({ ok: true, e164: '+919876543210' });
});

test('every staff number in the exported workflows is a placeholder (no real-looking stranger)', () => {
	let withSettings = 0;
	for (const file of fs.readdirSync(WORKFLOWS).filter((f) => f.endsWith('.json'))) {
		const text = fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');
		const wf = JSON.parse(text) as { nodes: { name: string; parameters?: any }[] };
		// Any Indian mobile written anywhere in the file (a form's example, a note) is a placeholder too.
		for (const m of text.match(/\+?91[ -]?\d{5}[ -]?\d{5}/g) ?? []) expect([file, m, isPlaceholderPhone(m)]).toEqual([file, m, true]);
		const settings = wf.nodes.find((n) => n.name === 'Settings');
		if (!settings) continue; // a flow without staff (e.g. the draft form)
		withSettings++;
		const phones = (settings.parameters.assignments.assignments as { name: string; value: string }[]).filter((a) => /Phone/.test(a.name));
		expect(phones.length).toBeGreaterThan(0);
		for (const a of phones)
			for (const p of a.value.split(',')) expect([file, a.name, isPlaceholderPhone(p.trim())]).toEqual([file, a.name, true]);
		expect(text).not.toMatch(/\+9198000000\d\d/);
	}
	expect(withSettings).toBeGreaterThanOrEqual(5); // the five exported operations workflows
});

test('alert recipients accept placeholders (the sandbox may message them)', () => {
	expect(parseRecipients('+910000000003, +91 00000 00004, 98765 43210')).toEqual(['+910000000003', '+910000000004', '+919876543210']);
});

test('the sandbox is a credential pointing at this machine; no base URL or any other host is live', () => {
	expect(isSandboxWhatsApp({ baseUrl: 'http://127.0.0.1:3900' })).toBe(true);
	expect(isSandboxWhatsApp({ baseUrl: 'http://localhost:3900/' })).toBe(true);
	expect(isSandboxWhatsApp({ baseUrl: undefined })).toBe(false);
	expect(isSandboxWhatsApp({ baseUrl: 'https://graph.facebook.com' })).toBe(false);
	expect(isSandboxWhatsApp({ baseUrl: 'https://127.0.0.1.example.org' })).toBe(false);
	expect(isSandboxWhatsApp({ baseUrl: 'not a url' })).toBe(false);
});

test('a live credential with a placeholder configured: STAFF_PHONE_PLACEHOLDER naming workflow, node and field', () => {
	const where = { workflow: 'Daily broadcast', node: 'Alert the cyber cell', field: 'recipients' };
	expect(() => assertNoLivePlaceholder({ baseUrl: 'http://127.0.0.1:3900' }, ['+910000000001'], where)).not.toThrow();
	expect(() => assertNoLivePlaceholder({}, ['+919876543210'], where)).not.toThrow();
	let err: unknown;
	try {
		assertNoLivePlaceholder({}, ['+919876543210', '+910000000001'], where);
	} catch (e) {
		err = e;
	}
	expect(isMitanError(err)).toBe(true);
	const e = err as { code: string; action: string; message: string; details: Record<string, unknown> };
	expect(e.code).toBe('STAFF_PHONE_PLACEHOLDER');
	expect(e.action).toBe('configure');
	expect(e.message).toContain('workflow "Daily broadcast", node "Alert the cyber cell", field "recipients"');
	expect(e.message).toContain('+910000000001');
	expect(e.message).not.toContain('+919876543210');
	expect(e.details).toMatchObject(where);
});
