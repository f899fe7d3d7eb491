/**
 * The shipped staff templates: they pass Meta's review as the sandbox applies it, the submit
 * command creates each once and reports where it stands, and the approval template carries the
 * signed link as its URL button's suffix.
 */
import { staffTemplateStatus, submitStaffTemplates } from '../../core/channels/whatsapp/staff-submit';
import { approvalTemplateSend, linkBase, staffTemplatePayloads, STAFF_ALERT_TEMPLATE } from '../../core/channels/whatsapp/staff-templates';
import { ALERT_PARAM_MAX, WHATSAPP_LIMITS } from '../../core/channels/whatsapp/text';
import { isMitanError } from '../../core/errors';
import { templatesCommand } from '../../cli/templates';
import { reviewed, WABA_ID } from '../helpers/templates';
import { startSandbox, type Started } from '../sandbox/helpers';

const BASE = 'https://n8n.kabirdham.example/webhook-waiting/';
const LINK = `${BASE}4711/approval-node-1?decision=approve&nonce=AbCdEfGhIjKlMnOpQr&signature=${'a'.repeat(64)}`;

let s: Started;
const wa = () => ({ accessToken: 'sandbox-token', phoneNumberId: '100000000000001', wabaId: WABA_ID, baseUrl: s.url });
beforeAll(async () => {
	s = await startSandbox({}, { templates: [] });
});
afterAll(() => s.running.close());

test('the link base ends at /webhook-waiting/ (shared by every request), and the suffix is the rest', () => {
	expect(linkBase(LINK)).toBe(BASE);
	const t = approvalTemplateSend({ title: 'वीडियो कॉल ठगी', targetDate: '2026-12-03', link: LINK });
	expect(t).toEqual({
		name: 'mitan_approval_request',
		language: 'hi',
		params: ['वीडियो कॉल ठगी', '2026-12-03'],
		urlButtonParams: [LINK.slice(BASE.length)],
	});
	expect(approvalTemplateSend({ title: 'x\ny', targetDate: null, link: LINK, reminder: true, language: 'en' }).params).toEqual([
		'Reminder: x y',
		'not set',
	]);
});

test('a link base that is not an http(s) address ending in "/" is refused, naming the field', () => {
	try {
		staffTemplatePayloads('n8n.example/webhook-waiting');
		throw new Error('accepted');
	} catch (e) {
		expect(isMitanError(e) && e.code).toBe('STAFF_TEMPLATE_LINK_BASE_INVALID');
		expect((e as Error).message).toContain('n8n.example/webhook-waiting');
	}
});

test("the alert template's fixed words leave the room the alert parameter is cut to", () => {
	for (const p of staffTemplatePayloads(BASE).filter((x) => x.name === STAFF_ALERT_TEMPLATE)) {
		const body = String((p.components[0] as { text: string }).text);
		expect(body.replace('{{1}}', '').length).toBeLessThanOrEqual(WHATSAPP_LIMITS.templateBody - ALERT_PARAM_MAX);
	}
});

test('status before: MISSING; submit creates all six once, review approves them; a second submit creates nothing', async () => {
	expect((await staffTemplateStatus(wa())).map((t) => t.status)).toEqual(Array(6).fill('MISSING'));
	const first = await submitStaffTemplates(wa(), BASE);
	expect(first.map((t) => `${t.name}/${t.language} ${t.status} ${t.created}`)).toEqual([
		'mitan_approval_request/hi PENDING true',
		'mitan_staff_alert/hi PENDING true',
		'mitan_complaint_update/hi PENDING true',
		'mitan_approval_request/en PENDING true',
		'mitan_staff_alert/en PENDING true',
		'mitan_complaint_update/en PENDING true',
	]);
	for (const t of first) expect(await reviewed(s.url, t.id!)).toMatchObject({ status: 'APPROVED', category: 'UTILITY' });
	const again = await submitStaffTemplates(wa(), BASE);
	expect(again.every((t) => !t.created && t.status === 'APPROVED')).toBe(true);
	const status = await staffTemplateStatus(wa());
	expect(status.find((t) => t.name === 'mitan_approval_request')?.buttonUrl).toBe(BASE);

	// The command prints the same, in Hindi and English, and warns when the links moved.
	const lines: string[] = [];
	process.env.GRAPH_BASE_URL = s.url;
	process.env.WHATSAPP_ACCESS_TOKEN = 'sandbox-token';
	process.env.WHATSAPP_PHONE_NUMBER_ID = '100000000000001';
	process.env.WHATSAPP_WABA_ID = WABA_ID;
	try {
		const code = await templatesCommand({ _: ['status'], flags: { 'link-base': 'https://elsewhere.example/webhook-waiting/' } }, (l) =>
			lines.push(l),
		);
		expect(code).toBe(0);
	} finally {
		for (const k of ['GRAPH_BASE_URL', 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_WABA_ID']) delete process.env[k];
	}
	expect(lines.join('\n')).toContain('mitan_staff_alert [hi]  स्वीकृत / approved');
	expect(lines.join('\n')).toContain('delete it and submit again');
});
