/**
 * Placeholder staff numbers (issue 13 item 5): a fresh install's staff registry holds only numbers
 * that can belong to nobody (the exported workflows hold none), the sandbox may message them, and a
 * live WhatsApp credential refuses to while one is configured (the registry's check names the role,
 * tests/gateway/staff-registry.test.ts; a number typed into a node names the workflow, node and field).
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

test('no staff number in the exported workflows (the registry owns them), and no real-looking stranger anywhere', () => {
	let lookups = 0;
	for (const file of fs.readdirSync(WORKFLOWS).filter((f) => f.endsWith('.json'))) {
		const text = fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');
		const wf = JSON.parse(text) as { nodes: { name: string; type: string; parameters?: any }[] };
		// Any Indian mobile written anywhere in the file (a form's example, a note) is a placeholder.
		for (const m of text.match(/\+?91[ -]?\d{5}[ -]?\d{5}/g) ?? []) expect([file, m, isPlaceholderPhone(m)]).toEqual([file, m, true]);
		expect([file, wf.nodes.some((n) => n.name === 'Settings')]).toEqual([file, false]);
		// Every staff recipient and the approver are read from the registry's lookup node.
		for (const n of wf.nodes) {
			for (const key of ['recipients', 'approverPhone'] as const) {
				const v = n.parameters?.[key];
				if (typeof v === 'string') expect([file, n.name, v]).toEqual([file, n.name, expect.stringContaining("$('Staff numbers')")]);
			}
		}
		if (wf.nodes.some((n) => n.name === 'Staff numbers')) lookups++;
	}
	expect(lookups).toBe(5); // the five exported operations workflows
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
