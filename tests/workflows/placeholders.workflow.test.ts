/**
 * The placeholder staff numbers through the nodes (issue 13 item 5): the sandbox messages them;
 * with a live WhatsApp credential the staff registry lookup refuses while a registry entry is one
 * (naming the role), and Mitan Notify and Mitan Approval refuse one typed into them (naming the
 * workflow, node and field); nothing is sent or saved.
 */
import { approvalsOfContent } from '../../core/approvals';
import { ContentService } from '../../core/content';
import { closeAllPools } from '../../nodes/shared/db';
import { describeEachEngine } from '../helpers/db';
import { N8nHarness, nodeType, readWorkflow, type WorkflowJson } from '../helpers/n8n';
import { seedStaffRegistry } from '../../core/staff/seed';
import { startSandbox, type Started } from '../sandbox/helpers';
import { approvalWorkflow, draft } from '../approval/fixtures';
import { baseNodeTypes } from './base-nodes';
import { sandboxMessages } from './helpers';

// Not this machine: a live credential as far as the check can tell (and nothing listens there).
const LIVE = { accessToken: 'EAAG-real-looking', phoneNumberId: '100000000000001', baseUrl: 'https://graph.example.invalid' };

const notify = (recipients: string): WorkflowJson => ({
	name: 'Police Mitan: error alert to the cyber cell',
	nodes: [
		{
			id: 'n',
			name: 'Alert the cyber cell',
			type: nodeType('mitanNotify'),
			typeVersion: 1,
			position: [0, 0],
			credentials: { mitanWhatsAppApi: { id: '1', name: 'wa' } },
			parameters: { resource: 'alert', operation: 'send', recipients, message: 'run failed' },
		},
	],
	connections: {},
	settings: { timezone: 'Asia/Kolkata', executionOrder: 'v1' },
});

describe('Mitan Notify and the placeholder staff numbers', () => {
	let sb: Started;
	beforeAll(async () => {
		sb = await startSandbox();
	});
	afterAll(() => sb.running.close());

	test('the sandbox credential sends to a placeholder (training works out of the box)', async () => {
		const h = new N8nHarness({
			credentials: { mitanWhatsAppApi: { accessToken: 'sandbox-token', phoneNumberId: '100000000000001', baseUrl: sb.url } },
		});
		const r = await h.run(notify('+91 00000 00001'));
		expect(r.error?.message).toBeUndefined();
		expect(r.output('Alert the cyber cell')).toEqual([expect.objectContaining({ sent: true })]);
		expect(await sandboxMessages(sb.url, '910000000001')).toHaveLength(1);
	});

	test('a live credential refuses while a placeholder is among the recipients, naming workflow, node and field', async () => {
		const h = new N8nHarness({ credentials: { mitanWhatsAppApi: LIVE } });
		const r = await h.run(notify('+919876543210, +910000000002'));
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(
			/workflow "Police Mitan: error alert to the cyber cell", node "Alert the cyber cell", field "recipients": \+910000000002 is a placeholder/,
		);
		// Real numbers alone are fine for the check (the send itself then fails on the unreachable host).
		const ok = await h.run(notify('+919876543210'));
		expect(ok.error?.message ?? '').not.toMatch(/placeholder/);
	});
});

describeEachEngine('Mitan Approval and the placeholder approver', (ctx) => {
	afterAll(() => closeAllPools());

	test('Staff numbers (the registry lookup): the sandbox gets the placeholders; a live credential is refused naming the role', async () => {
		await seedStaffRegistry(ctx.db, { districtId: 1, installed: [], actor: 'test' });
		const wf = readWorkflow('workflows/error-alert.json');
		const db = { mitanDatabaseApi: { connectBy: 'url', url: ctx.t.url } };
		const sandbox = new N8nHarness({
			nodeTypes: baseNodeTypes(),
			credentials: { ...db, mitanWhatsAppApi: { accessToken: 'sandbox-token', phoneNumberId: '1', baseUrl: 'http://127.0.0.1:9' } },
		});
		const ok = await sandbox.run(wf, { startNode: 'Staff numbers', input: [{ workflow: { name: 'x' } }] });
		// Passed through with the numbers added; the alert after it then fails on the closed port, not on the registry.
		expect(ok.output('Staff numbers')).toEqual([
			expect.objectContaining({ workflow: { name: 'x' }, cyberCellPhone: '+910000000001', approverPhone: '+910000000010' }),
		]);
		const live = await new N8nHarness({ nodeTypes: baseNodeTypes(), credentials: { ...db, mitanWhatsAppApi: LIVE } }).run(wf, {
			startNode: 'Staff numbers',
			input: [{}],
		});
		expect(live.status).toBe('error');
		expect(live.error?.message).toMatch(
			/staff registry: 5 placeholder staff number\(s\) .* while the WhatsApp credential is live: .*role cyber cell staff \/ साइबर सेल \(cyberCellPhone\), field "phone" of "Cyber cell \(placeholder\)": \+910000000001/,
		);
		expect(live.ran('Tell the cyber cell')).toBe(false);
	});

	test('a live credential with the placeholder approver: refused before any request is saved', async () => {
		const h = new N8nHarness({ credentials: { mitanDatabaseApi: { connectBy: 'url', url: ctx.t.url }, mitanWhatsAppApi: LIVE } });
		const c = await new ContentService(ctx.db).create(draft(), 'user:cybercell');
		const wf = approvalWorkflow({ approverPhone: '+910000000010' });
		wf.nodes[0].credentials = { ...wf.nodes[0].credentials, mitanWhatsAppApi: { id: '1', name: 'wa' } };
		const r = await h.run(wf, { input: [{ contentId: c.id }] });
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(/workflow "approval test", node "Approval", field "approverPhone": \+910000000010 is a placeholder/);
		expect(await approvalsOfContent(ctx.db, c.id)).toEqual([]);
	});
});
