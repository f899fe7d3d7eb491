/**
 * A real n8n 2.x (`n8n start`, one process, PostgreSQL) with this package installed from its
 * `npm pack` tarball, running the EXPORTED workflows (workflows/*.json) end to end against the
 * sandbox, the gateway and a real Police Mitan database:
 * - content approval resumed through n8n's own /webhook-waiting URL (the approver's signed link);
 * - the daily broadcast reaching every sandbox citizen exactly once (its 10:00 schedule swapped
 *   for a webhook so the test can start it now);
 * - the complaint flow answering a citizen message injected into the sandbox (sandbox → signed
 *   webhook → gateway → inbound_messages → Mitan Trigger in n8n);
 * - a failing run starting the error workflow, which sends the cyber cell the execution link.
 */
import { approvalsOfContent } from '../../core/approvals';
import { ContentService } from '../../core/content';
import { waitFor } from '../../scripts/n8n/run';
import { draft } from '../approval/fixtures';
import { readWorkflow } from '../helpers/n8n';
import { storedPoster } from '../helpers/templates';
import { alertText, approvedContent, sandboxMessages, seedCitizens, STAFF, districtToday } from '../workflows/helpers';
import { call } from '../sandbox/helpers';
import { APPROVAL_HOOK_HEADERS, callWebhook, executionData, executions, startStack, type Stack } from './fixture';
import { ERROR_WORKFLOW_ID, rosterWebhookWorkflow, withWebhookTrigger } from './workflows';

const IDS = { approval: 'MitanApproval001', broadcast: 'MitanBroadcast01', complaint: 'MitanComplaint01', roster: 'TestRosterHook01' };
const CITIZENS = 40;

describe('real n8n, single process: the exported workflows (the 24-hour window enforced as at Meta)', () => {
	let s: Stack;
	beforeAll(async () => {
		s = await startStack({
			gateway: true,
			// The suite watches runs finish in n8n's execution list; the product keeps no successful run.
			keepSuccessfulExecutions: true,
			workflows: [
				readWorkflow('workflows/error-alert.json'),
				readWorkflow('workflows/content-approval.json'),
				withWebhookTrigger('workflows/daily-broadcast.json', 'Every day 10:00', 'test-daily-broadcast'),
				readWorkflow('workflows/complaint-intake.json'),
				rosterWebhookWorkflow(IDS.roster, 'roster-upsert'),
			],
			publish: [ERROR_WORKFLOW_ID, IDS.approval, IDS.broadcast, IDS.complaint, IDS.roster],
		});
	}, 300000);
	afterAll(async () => {
		await s?.close();
	});

	afterEach(() => {
		const state = expect.getState();
		if (state.assertionCalls !== state.numPassingAsserts) console.log(s.n8n.logs(120));
	});

	const finished = (workflowId: string, count = 1) =>
		waitFor(
			async () => {
				const ex = (await executions(s, workflowId)).filter((e) => e.status !== 'waiting' && e.status !== 'running' && e.status !== 'new');
				return ex.length >= count ? ex : undefined;
			},
			{ timeoutMs: 120000, describe: async () => `executions of ${workflowId}: ${JSON.stringify(await executions(s, workflowId))}` },
		);

	test('content approval: the approver opens and approves her signed link on the running n8n; the run resumes and the author is told', async () => {
		// The poster in the media store, as the Content page leaves it: its bytes go to Meta's upload.
		const imageUrl = await storedPoster(s.db);
		const c = await new ContentService(s.db).create(draft({ targetDate: '2031-01-01', imageUrl }), 'user:cybercell');
		const r = await callWebhook(s, 'mitan-draft-submitted', { contentId: c.id, authorPhone: '+919811100001' }, APPROVAL_HOOK_HEADERS);
		expect(r.status).toBe(200);
		const a = await waitFor(async () => (await approvalsOfContent(s.db, c.id)).find((x) => x.links.approve), {
			describe: () => 'the approval request',
		});
		expect(a.links.approve).toMatch(new RegExp(`^${s.n8n.publicUrl}/webhook-waiting/\\d+/`));
		await waitFor(async () => (await executions(s, IDS.approval)).find((e) => e.status === 'waiting'), {
			describe: () => 'the waiting execution',
		});
		// The approver has not written to the number: the request arrives as the utility template,
		// its URL button the signed link (free text would fail with 131047 outside the window).
		const preview = (await sandboxMessages(s.sandboxUrl, STAFF.approver)).pop()!;
		expect(preview).toMatchObject({ type: 'template', template: 'mitan_approval_request', urls: [a.links.approve] });
		expect(preview.status).not.toBe('failed');

		const page = await fetch(a.links.approve!);
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain(c.contentHash);
		expect(html).toContain(c.bodyHi);
		const post = await fetch(a.links.approve!, {
			method: 'POST',
			body: new URLSearchParams({ contentHash: c.contentHash, comment: 'ठीक है, भेजें' }),
		});
		expect(post.status).toBe(200);
		const [done] = await finished(IDS.approval);
		expect(done.status).toBe('success');
		expect((await new ContentService(s.db).get(c.id)).state).toBe('approved');
		const told = await waitFor(async () => (await sandboxMessages(s.sandboxUrl, '919811100001')).pop());
		expect(alertText(told)).toMatch(/Approved.*ठीक है, भेजें/);
		// The same link again: n8n answers for the finished execution; nothing changes.
		const again = await fetch(a.links.reject!, { method: 'POST', body: new URLSearchParams({ contentHash: c.contentHash }) });
		expect(again.status).toBeLessThan(500);
		expect((await new ContentService(s.db).get(c.id)).state).toBe('approved');
	});

	test('daily broadcast: every sandbox citizen gets the approved content exactly once; posts; summary to the cyber cell', async () => {
		const phones = await seedCitizens(s.db, CITIZENS);
		const c = await approvedContent(s.db);
		const r = await callWebhook(s, 'test-daily-broadcast', {});
		expect(r.status).toBe(200);
		const [done] = await finished(IDS.broadcast);
		expect(done.status).toBe('success');
		const toCitizens = (await sandboxMessages(s.sandboxUrl)).filter((m) => m.template === 'daily_awareness');
		expect(toCitizens).toHaveLength(CITIZENS);
		expect(new Set(toCitizens.map((m) => `+${m.waId}`))).toEqual(new Set(phones));
		const [b] = await s.db.query<{ status: string; content_id: number }>(`SELECT status, content_id::int FROM broadcasts`);
		expect(b).toEqual({ status: 'completed', content_id: c.id });
		const summary = await waitFor(async () =>
			(await sandboxMessages(s.sandboxUrl, STAFF.cyberCell)).map(alertText).find((t) => t.includes("Today's broadcast")),
		);
		expect(summary).toContain(`sent ${CITIZENS} / ${CITIZENS}`);
		expect(summary).toMatch(/facebook: http/);
		expect(summary).toContain(districtToday().split('-').reverse().join('-'));
	});

	test('complaint intake: a citizen message injected into the sandbox gets a reference number; money lost alerts the duty officer', async () => {
		const from = '919876512345';
		const inj = await call(s.sandboxUrl, 'POST', '/_sandbox/inject/inbound', {
			body: { from, text: 'mere account se 20000 kat gaye, OTP diya tha' },
		});
		expect(inj.status).toBe(200);
		const complaint = await waitFor(
			async () =>
				(
					await s.db.query<{ ref: string; money_loss: boolean; reply_wamid: string | null }>(
						`SELECT ref, money_loss, reply_wamid FROM complaints`,
					)
				).find((x) => x.reply_wamid),
			{
				timeoutMs: 90000,
				describe: async () =>
					`a complaint with a reply; inbound: ${JSON.stringify(await s.db.query(`SELECT id, status, from_phone FROM inbound_messages`))}`,
			},
		);
		expect(complaint.money_loss).toBe(true);
		const reply = (await sandboxMessages(s.sandboxUrl, from)).pop()!;
		expect(reply.text).toContain(complaint.ref);
		expect(reply.text).toContain('1930');
		const alert = await waitFor(async () =>
			(await sandboxMessages(s.sandboxUrl, STAFF.dutyOfficer)).map(alertText).find((t) => t.includes(complaint.ref)),
		);
		expect(alert).toMatch(/Money lost/);
		const ex = await finished(IDS.complaint);
		expect(ex.map((e) => e.status)).toEqual(['success']);
	});

	test('the conversation in front of the workflow: 👍, thanks, a greeting and a staff message make no complaint; a voice note gets a reference and its audio', async () => {
		const from = '919876512399';
		const staff = '919876512398';
		await s.db.query(`INSERT INTO staff_numbers (phone, name, duty, added_by) VALUES ($1, 'SI Verma', 'duty_officer', 'test')`, [
			'+' + staff,
		]);
		// The citizen reads each answer before writing again (Meta's 6-second pair limit, kept by the sandbox).
		const say = async (body: Record<string, unknown>) => {
			await call(s.sandboxUrl, 'POST', '/_sandbox/clock', { body: { advanceMs: 7_000 } });
			const r = await call(s.sandboxUrl, 'POST', '/_sandbox/inject/inbound', { body: { identity: 'phone', ...body } });
			expect(r.status).toBe(200);
			return r.body.wamid as string;
		};
		const kinds = async (wamids: string[]) =>
			(
				await s.db.query<{ wamid: string; conversation_kind: string }>(
					`SELECT wamid, conversation_kind FROM inbound_messages WHERE wamid = ANY($1::text[])`,
					[wamids],
				)
			).length === wamids.length;
		const early = [
			await say({ from, type: 'reaction', emoji: '👍', reactedWamid: 'wamid.daily' }),
			await say({ from, text: 'धन्यवाद' }),
			await say({ from, text: 'नमस्ते' }),
			await say({ from: staff, text: 'मेरे खाते से 5000 रुपये कट गए' }),
		];
		await waitFor(() => kinds(early), { describe: async () => 'the four messages stored' });
		const menu = await waitFor(async () =>
			(await sandboxMessages(s.sandboxUrl, from)).find((m: { type: string }) => m.type === 'interactive'),
		);
		expect(menu.text).toMatch(/menu\.fraud=/);
		const voice = await say({ from, type: 'audio' });
		const complaint = await waitFor(async () =>
			(
				await s.db.query<{ id: number; ref: string; reply_wamid: string | null }>(
					`SELECT c.id, c.ref, c.reply_wamid FROM complaints c JOIN inbound_messages i ON i.id = c.inbound_message_id WHERE i.wamid = $1`,
					[voice],
				)
			).find((x) => x.reply_wamid),
		);
		const reply = (await sandboxMessages(s.sandboxUrl, from)).pop()!;
		expect(reply.text).toContain(`संदर्भ संख्या: ${complaint.ref}`);
		const att = await waitFor(async () =>
			(
				await s.db.query<{ fetch_state: string }>(
					`SELECT a.fetch_state FROM inbound_attachments a JOIN inbound_messages i ON i.id = a.inbound_message_id WHERE i.wamid = $1`,
					[voice],
				)
			).find((a) => a.fetch_state === 'fetched'),
		);
		expect(att.fetch_state).toBe('fetched');
		const all = await s.db.query(
			`SELECT c.ref FROM complaints c JOIN complaint_messages m ON m.complaint_id = c.id JOIN inbound_messages i ON i.id = m.inbound_message_id
       WHERE i.from_phone = ANY($1::text[])`,
			[['+' + from, '+' + staff]],
		);
		expect(all).toHaveLength(1);
	});

	test('a failing run starts the error workflow, which sends the cyber cell the execution link', async () => {
		const r = await callWebhook(s, 'roster-upsert', { phone: '12345' });
		expect(r.status).toBe(500);
		const failed = await waitFor(async () => (await executions(s, IDS.roster)).find((e) => e.status === 'error'), {
			describe: () => 'the failed execution',
		});
		expect(await executionData(s, failed.id)).toContain('too short');
		const alert = await waitFor(
			async () => (await executions(s, ERROR_WORKFLOW_ID)).find((e) => e.status === 'success' || e.status === 'error'),
			{ describe: () => 'the error workflow execution' },
		);
		expect(alert).toMatchObject({ mode: 'error', status: 'success' });
		const text = await waitFor(async () =>
			(await sandboxMessages(s.sandboxUrl, STAFF.cyberCell)).map(alertText).find((t) => t.includes(`/workflow/${IDS.roster}/`)),
		);
		expect(text).toContain(`/workflow/${IDS.roster}/executions/${failed.id}`);
		expect(text).toContain('too short');
	});
});
