/**
 * Mitan Notify's Staff Template resource against an empty sandbox WABA: Submit creates the shipped
 * templates (each once), Get Status follows Meta's review to APPROVED, a bad link base is named.
 */
import { N8nHarness, nodeType, type WorkflowJson } from '../helpers/n8n';
import { WABA_ID } from '../helpers/templates';
import { until } from '../helpers/wait';
import { startSandbox, type Started } from '../sandbox/helpers';

const wf = (operation: string, parameters: Record<string, unknown> = {}): WorkflowJson => ({
	name: 'staff templates test',
	nodes: [
		{
			id: 'n',
			name: 'Templates',
			type: nodeType('mitanNotify'),
			typeVersion: 1,
			position: [0, 0],
			credentials: { mitanWhatsAppApi: { id: '1', name: 'wa' } },
			parameters: { resource: 'staffTemplates', operation, ...parameters },
		},
	],
	connections: {},
	settings: { timezone: 'Asia/Kolkata', executionOrder: 'v1' },
});

describe('Mitan Notify: Staff Template', () => {
	let sb: Started;
	let h: N8nHarness;
	beforeAll(async () => {
		sb = await startSandbox({}, { templates: [] });
		h = new N8nHarness({
			credentials: {
				mitanWhatsAppApi: { accessToken: 'sandbox-token', phoneNumberId: '100000000000001', wabaId: WABA_ID, baseUrl: sb.url },
			},
		});
	});
	afterAll(() => sb.running.close());

	test('Submit creates the six shipped templates once; Get Status follows the review to APPROVED', async () => {
		const base = 'https://n8n.kabirdham.example/webhook-waiting/';
		const r = await h.run(wf('submit', { linkBase: base }));
		expect(r.error?.message).toBeUndefined();
		expect(r.output('Templates').map((t) => `${String(t.name)}/${String(t.language)} ${String(t.status)} ${String(t.created)}`)).toEqual([
			'mitan_approval_request/hi PENDING true',
			'mitan_staff_alert/hi PENDING true',
			'mitan_complaint_update/hi PENDING true',
			'mitan_approval_request/en PENDING true',
			'mitan_staff_alert/en PENDING true',
			'mitan_complaint_update/en PENDING true',
		]);
		const approved = await until(async () => {
			const s = await h.run(wf('status'));
			const out = s.output('Templates');
			return out.every((t) => t.status === 'APPROVED') ? out : undefined;
		});
		expect(approved.find((t) => t.name === 'mitan_approval_request')?.buttonUrl).toBe(base);
		const again = await h.run(wf('submit', { linkBase: base }));
		expect(again.output('Templates').some((t) => t.created)).toBe(false);
	});

	test('a link base that is not an address ending in "/" fails naming the field', async () => {
		const r = await h.run(wf('submit', { linkBase: 'webhook-waiting' }));
		expect(r.error?.message).toContain('link base "webhook-waiting"');
	});
});
