/**
 * The exported workflows (workflows/*.json, unchanged) run through n8n-core against a real
 * sandbox and a real database, on both engines. Each run starts at the node after its trigger
 * (a schedule, a webhook, the Mitan Trigger, the Error Trigger) with the item that trigger emits.
 * Staff numbers come from the staff registry, seeded as a fresh install seeds it.
 * Outcomes are read where they land: our tables and what the sandbox received.
 */
import { approvalsOfContent } from '../../core/approvals';
import { ContentService } from '../../core/content';
import { stopAllBackground } from '../../nodes/MitanBroadcast/background';
import { closeAllPools } from '../../nodes/shared/db';
import { WaitingWebhookServer } from '../approval/webhook-helper';
import { draft } from '../approval/fixtures';
import { describeEachEngine } from '../helpers/db';
import { readWorkflow, type N8nHarness } from '../helpers/n8n';
import { storedPoster } from '../helpers/templates';
import { call, startSandbox, type Started } from '../sandbox/helpers';
import { alertText, approvedContent, harness, sandboxMessages, seedCitizens, seedStaff, STAFF, districtToday } from './helpers';

const inject = (sb: Started, from: string, text: string) => call(sb.url, 'POST', '/_sandbox/inject/inbound', { body: { from, text } });

describeEachEngine('exported workflows in n8n-core', (ctx) => {
	let sb: Started;
	let srv: WaitingWebhookServer;
	let h: N8nHarness;

	beforeAll(async () => {
		// The pair limit (one message per number per 6 s) is covered by the Notify tests; here a
		// staff number receives several alerts in a row.
		srv = new WaitingWebhookServer();
		const url = await srv.start();
		// The approval template's button opens this server's signed links.
		sb = await startSandbox({ whatsapp: { pairLimitSeconds: 0 } }, { staffLinkBase: `${url}/webhook-waiting/` });
		h = harness(ctx.t.url, sb.url, `${url}/webhook-waiting`);
		srv.attach(h);
		// Who the workflows alert and who approves: the staff registry, as a fresh install seeds it.
		await seedStaff(ctx.db);
	});
	afterAll(async () => {
		await stopAllBackground();
		await srv.close();
		await closeAllPools();
		await sb.running.close();
	});

	describe('daily-broadcast.json', () => {
		const wf = () => readWorkflow('workflows/daily-broadcast.json');

		test('nothing approved today: no broadcast, and the cyber cell is told', async () => {
			const r = await h.run(wf(), { startNode: 'Staff numbers', input: [{ timestamp: new Date().toISOString() }] });
			expect(r.error?.message).toBeUndefined();
			expect(r.ran('Create broadcast')).toBe(false);
			expect(r.output('Nothing approved today')).toEqual([
				expect.objectContaining({ sent: true, messageType: 'template', template: 'mitan_staff_alert' }),
			]);
			const [m] = await sandboxMessages(sb.url, STAFF.cyberCell);
			expect(m).toMatchObject({ template: 'mitan_staff_alert', language: 'hi' });
			expect(alertText(m)).toMatch(/कोई स्वीकृत सामग्री नहीं.*No approved content for today/);
			expect(await ctx.db.query(`SELECT id FROM broadcasts`)).toEqual([]);
		});

		test('approved content reaches every citizen once in their language, is posted, and the cyber cell gets the summary', async () => {
			const phones = await seedCitizens(ctx.db, 30);
			const c = await approvedContent(ctx.db);
			// Not for today, or not approved: never picked.
			await new ContentService(ctx.db).create(draft({ targetDate: '2030-01-01', title: 'future' }), 'user:cybercell');
			await new ContentService(ctx.db).create(draft({ targetDate: districtToday(), title: 'draft only' }), 'user:cybercell');

			const r = await h.run(wf(), { startNode: 'Staff numbers', input: [{ timestamp: new Date().toISOString() }] });
			expect(r.error?.message).toBeUndefined();
			expect(r.output("Today's approved content")).toEqual([expect.objectContaining({ contentId: c.id, targetDate: districtToday() })]);
			expect(r.output('Send to the roster')).toEqual([expect.objectContaining({ status: 'completed', targeted: 30, sent: 30, failed: 0 })]);
			const all = await sandboxMessages(sb.url);
			const toCitizens = all.filter((m) => m.template === 'daily_awareness');
			expect(toCitizens.map((m) => `+${m.waId}`).sort()).toEqual([...phones].sort());
			// Language: every third seeded citizen reads English.
			expect(toCitizens.filter((m) => m.language === 'en')).toHaveLength(10);

			const posts = r.output('Post to Facebook, Instagram, X');
			expect(posts.map((p) => p.channel).sort()).toEqual(['facebook', 'instagram', 'x']);
			expect(posts.find((p) => p.channel === 'facebook')).toMatchObject({ status: 'published' });
			expect(posts.find((p) => p.channel === 'x')).toMatchObject({ status: 'published' });

			const summary = (await sandboxMessages(sb.url, STAFF.cyberCell)).map(alertText).pop()!;
			expect(summary).toContain(c.title);
			expect(summary).toMatch(/sent 30 \/ 30, विफल \/ failed 0/);
			expect(summary).toMatch(/facebook: http/);
		});

		test('Get Approved for Date refuses a date that is not YYYY-MM-DD, naming the parameter', async () => {
			const one = wf();
			one.nodes.find((n) => n.name === "Today's approved content")!.parameters.date = '31-12-2026';
			const r = await h.run(one, { startNode: "Today's approved content", input: [{}] });
			expect(r.status).toBe('error');
			expect(r.error?.message).toMatch(/Date \(parameter "date"\): "31-12-2026" is not a calendar date YYYY-MM-DD/);
		});

		test('approved content whose text never went to Meta as its own templates stops the run at its start, saying what to do (no generic template)', async () => {
			const day = '2031-02-03';
			const c = await approvedContent(ctx.db, { targetDate: day, variants: {} });
			const one = wf();
			one.nodes.find((n) => n.name === "Today's approved content")!.parameters.date = day;
			const r = await h.run(one, { startNode: "Today's approved content", input: [{}] });
			expect(r.status).toBe('error');
			expect(r.error?.message).toMatch(
				new RegExp(`content ${c.id} .* never sent to Meta as its own templates: run Mitan Broadcast › Submit Templates to Meta`),
			);
			expect(r.ran('Create broadcast')).toBe(false);
		});

		test('a second run the same day sends nobody anything again', async () => {
			const before = (await sandboxMessages(sb.url)).filter((m) => m.template === 'daily_awareness').length;
			const r = await h.run(wf(), { startNode: 'Staff numbers', input: [{}] });
			expect(r.error?.message).toBeUndefined();
			expect((await sandboxMessages(sb.url)).filter((m) => m.template === 'daily_awareness')).toHaveLength(before);
			expect(
				r
					.output('Post to Facebook, Instagram, X')
					.filter((p) => p.channel !== 'instagram')
					.map((p) => p.status),
			).toEqual(['already_published', 'already_published']);
		});
	});

	describe('content-approval.json', () => {
		const wf = () => readWorkflow('workflows/content-approval.json');
		const author = '919811100001';

		async function submit() {
			// The poster in the media store, as the Content page leaves it: its bytes go to Meta's upload.
			const imageUrl = await storedPoster(ctx.db);
			const c = await new ContentService(ctx.db).create(draft({ targetDate: '2031-01-01', imageUrl }), 'user:cybercell');
			// The approver wrote to the number today: the preview goes as free text.
			await inject(sb, STAFF.approver, 'नमस्ते');
			const run = await h.run(wf(), { startNode: 'Staff numbers', input: [{ body: { contentId: c.id, authorPhone: `+${author}` } }] });
			expect(run.error?.message).toBeUndefined();
			expect(run.status).toBe('waiting');
			srv.track(run);
			const [a] = await approvalsOfContent(ctx.db, c.id);
			return { c, run, a };
		}

		test('approved through the signed link: the content is approved for its date and the author is told', async () => {
			const { c, run, a } = await submit();
			// The approver has not written in 24 h: the request is the template, the link its button.
			const preview = (await sandboxMessages(sb.url, STAFF.approver)).pop()!;
			expect(preview).toMatchObject({ type: 'template', template: 'mitan_approval_request', urls: [a.links.approve] });
			const page = await fetch(a.links.approve!);
			expect(page.status).toBe(200);
			const res = await fetch(a.links.approve!, {
				method: 'POST',
				body: new URLSearchParams({ contentHash: c.contentHash, comment: 'ठीक है' }),
			});
			expect(res.status).toBe(200);
			await srv.settled();
			const done = srv.latest(run);
			expect(done.error?.message).toBeUndefined();
			expect(done.status).toBe('success');
			expect(done.output('Tell the author: scheduled')).toEqual([expect.objectContaining({ sent: true })]);
			expect((await new ContentService(ctx.db).get(c.id)).state).toBe('approved');
			const told = (await sandboxMessages(sb.url, author)).map(alertText).pop()!;
			expect(told).toMatch(/स्वीकृत \/ Approved: .*ठीक है/);
			// The approved text went to Meta's template review, one template per language.
			expect(done.output('Send to Meta for template review')).toEqual([
				expect.objectContaining({
					contentId: c.id,
					templates: [
						expect.objectContaining({ language: 'hi', status: 'PENDING' }),
						expect.objectContaining({ language: 'en', status: 'PENDING' }),
					],
				}),
			]);
		});

		test('changes requested: back to the author with the comment', async () => {
			const { c, run, a } = await submit();
			await fetch(a.links.changes!, {
				method: 'POST',
				body: new URLSearchParams({ contentHash: c.contentHash, comment: 'Add the 1930 helpline' }),
			});
			await srv.settled();
			expect(srv.latest(run).ran('Back to the author')).toBe(true);
			expect((await new ContentService(ctx.db).get(c.id)).state).toBe('changes_requested');
			expect((await sandboxMessages(sb.url, author)).map(alertText).pop()).toMatch(/Changes requested.*Add the 1930 helpline/);
		});

		test('the every-minute sweep rejects a request past its deadline and the author is told', async () => {
			const { c, run, a } = await submit();
			await ctx.db.query(`UPDATE approvals SET deadline_at = now() - interval '1 minute' WHERE id = $1`, [a.id]);
			const sweep = await h.run(wf(), { startNode: 'Settle due approvals', input: [{}] });
			expect(sweep.error?.message).toBeUndefined();
			expect(sweep.output('Settle due approvals')).toEqual(
				expect.arrayContaining([expect.objectContaining({ approvalId: a.id, status: 200 })]),
			);
			await srv.settled();
			expect(srv.latest(run).output('Back to the author')).toEqual([expect.objectContaining({ sent: true })]);
			expect((await new ContentService(ctx.db).get(c.id)).state).toBe('draft'); // an expired request returns the content to the author's drafts;
			expect((await sandboxMessages(sb.url, author)).map(alertText).pop()).toMatch(/Rejected/);
		});
	});

	describe('complaint-intake.json', () => {
		const wf = () => readWorkflow('workflows/complaint-intake.json');
		async function message(from: string, text: string, wamid: string) {
			const [m] = await ctx.db.query<{ id: number }>(
				`INSERT INTO inbound_messages (wamid, from_phone, type, body) VALUES ($1, $2, 'text', $3) RETURNING id`,
				[wamid, from, text],
			);
			await inject(sb, from.slice(1), text);
			return { id: m.id, wamid, districtId: 1, from, type: 'text', text, language: 'hi', subscriber: null };
		}

		test('money lost: reference number and 1930 to the citizen, the duty officer alerted at once', async () => {
			const from = '+919876512345';
			const r = await h.run(wf(), {
				startNode: 'Register and reply',
				input: [await message(from, 'mere account se 20000 kat gaye OTP diya tha', 'wamid.exp.1')],
			});
			expect(r.error?.message).toBeUndefined();
			const [out] = r.output('Register and reply');
			expect(out).toMatchObject({ outcome: 'created', moneyLoss: true, reply: { sent: true } });
			const reply = (await sandboxMessages(sb.url, from.slice(1))).pop()!;
			expect(reply.text).toContain(String(out.ref));
			expect(reply.text).toContain('1930');
			const alert = (await sandboxMessages(sb.url, STAFF.dutyOfficer)).map(alertText).pop()!;
			expect(alert).toContain(String(out.ref));
			expect(alert).toMatch(/Money lost/);
			const [row] = await ctx.db.query<{ ref: string; money_loss: boolean }>(`SELECT ref, money_loss FROM complaints WHERE ref = $1`, [
				out.ref,
			]);
			expect(row.money_loss).toBe(true);
		});

		test('no money lost: a reply, and no alert', async () => {
			const before = (await sandboxMessages(sb.url, STAFF.dutyOfficer)).length;
			const from = '+919876512346';
			const r = await h.run(wf(), { startNode: 'Register and reply', input: [await message(from, 'मेरा फोन गुम हो गया है', 'wamid.exp.2')] });
			expect(r.error?.message).toBeUndefined();
			expect(r.output('Register and reply')[0]).toMatchObject({ moneyLoss: false, reply: { sent: true } });
			expect(r.ran('Alert the duty officer')).toBe(false);
			expect(await sandboxMessages(sb.url, STAFF.dutyOfficer)).toHaveLength(before);
		});

		test('a voice note (no words): a reference number and the same reply as text, not COMPLAINT_BAD_INPUT', async () => {
			const from = '+919876512347';
			await inject(sb, from.slice(1), 'नमस्ते');
			const [m] = await ctx.db.query<{ id: number }>(
				`INSERT INTO inbound_messages (wamid, from_phone, type, body) VALUES ('wamid.exp.3', $1, 'audio', NULL) RETURNING id`,
				[from],
			);
			await ctx.db.query(
				`INSERT INTO inbound_attachments (inbound_message_id, kind, meta_media_id, mime_type, fetch_state) VALUES ($1, 'audio', '900000000000777', 'audio/ogg', 'pending')`,
				[m.id],
			);
			const item = { id: m.id, wamid: 'wamid.exp.3', districtId: 1, from, type: 'audio', text: null, subscriber: null };
			const r = await h.run(wf(), { startNode: 'Register and reply', input: [item] });
			expect(r.error?.message).toBeUndefined();
			const [out] = r.output('Register and reply');
			expect(out).toMatchObject({ outcome: 'created', reply: { sent: true } });
			expect(String(out.summary)).toContain('voice note');
			const reply = (await sandboxMessages(sb.url, from.slice(1))).pop()!;
			expect(reply.text).toContain(`संदर्भ संख्या: ${String(out.ref)}`);
		});
	});

	test('reach-metrics.json: rollups refreshed, insights pulled, leadership gets the bilingual summary', async () => {
		const r = await h.run(readWorkflow('workflows/reach-metrics.json'), { startNode: 'Refresh rollups', input: [{}] });
		expect(r.error?.message).toBeUndefined();
		expect(r.output('Summary to leadership')).toHaveLength(2);
		for (const to of STAFF.leadership) {
			const text = (await sandboxMessages(sb.url, to)).map(alertText).pop()!;
			expect(text).toContain(`Police Mitan ${districtToday()}`);
			expect(text).toMatch(/लक्षित \/ targeted 30, भेजे \/ sent \d+/);
			// The complaint-intake runs above: money lost, phone lost, a voice note.
			expect(text).toMatch(/शिकायतें \/ complaints 3, पैसे गंवाए \(1930\) \/ money lost 1/);
		}
	});

	test('error-alert.json: the cyber cell gets the workflow, the step, the error and the execution link', async () => {
		const failure = {
			execution: {
				id: '231',
				url: 'http://localhost:5678/workflow/MitanBroadcast01/executions/231',
				error: { message: 'WhatsApp access token expired' },
				lastNodeExecuted: 'Send to the roster',
				mode: 'trigger',
			},
			workflow: { id: 'MitanBroadcast01', name: 'Police Mitan: daily broadcast 10:00' },
		};
		const r = await h.run(readWorkflow('workflows/error-alert.json'), { startNode: 'Staff numbers', input: [failure] });
		expect(r.error?.message).toBeUndefined();
		const text = (await sandboxMessages(sb.url, STAFF.cyberCell)).map(alertText).pop()!;
		for (const s of ['Police Mitan: daily broadcast 10:00', 'Send to the roster', 'WhatsApp access token expired', failure.execution.url])
			expect(text).toContain(s);
	});
});
