/**
 * Hidden identity, end to end (issue 16 §2): the sandbox sends signed webhooks over real HTTP to
 * the gateway; a citizen with a WhatsApp username writes without a phone number (BSUID only),
 * registers, files a complaint, gets the reply with the reference number (sent with `recipient`),
 * receives a broadcast by BSUID, sends STOP and is left out of the next broadcast; a later
 * webhook with number and BSUID links to the same citizen: one subscriber row, the complaint
 * joined, the opt-out kept.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { createBroadcast, runSender, startBroadcast } from '../../core/broadcast';
import { ComplaintService } from '../../core/complaints';
import { DeskService } from '../../core/complaints/desk';
import { RosterService } from '../../core/roster/service';
import type { GatewayRouter } from '../../dashboard/gateway';
import { TEMPLATES, waClient } from '../broadcast/helpers';
import { describeEachEngine } from '../helpers/db';
import { until } from '../helpers/wait';
import { call, startSandbox, type Started } from '../sandbox/helpers';
import { gatewayApp, gatewayEnv } from './helpers';

const RAMESH = '919876541234'; // has a username: Meta withholds his number until a message is exchanged
const OTHERS = ['+919876541001', '+919876541002', '+919876541003'];

describeEachEngine('hidden identity: a citizen known by BSUID only', (ctx) => {
	let sb: Started;
	let server: http.Server;
	let router: GatewayRouter;

	beforeAll(async () => {
		sb = await startSandbox({
			whatsapp: { usernames: { numbers: [RAMESH] } },
			webhook: { delaysMs: { sent: 5, delivered: 10, read: 15, failed: 5 }, shares: { delivered: 1, read: 0 } },
		});
		const built = gatewayApp(ctx.db, { env: gatewayEnv({ WHATSAPP_ACCESS_TOKEN: 'sandbox-token', GRAPH_BASE_URL: sb.url }) });
		router = built.router;
		server = http.createServer(built.app);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
		expect((await call(sb.url, 'PATCH', '/_sandbox/config', { body: { webhook: { callbackUrl } } })).status).toBe(200);
		const roster = new RosterService(ctx.db);
		for (const phone of OTHERS) await roster.upsert({ phone, consentSource: 'camp', policeStation: 'Kawardha' }, { actor: 'user:asha' });
	});

	afterAll(async () => {
		await router.gateway.close();
		server.closeAllConnections();
		await new Promise<void>((r) => server.close(() => r()));
		await sb.running.close();
	});

	const inject = async (body: Record<string, unknown>) => {
		const r = await call(sb.url, 'POST', '/_sandbox/inject/inbound', { body: { name: 'रमेश', ...body } });
		expect(r.status).toBe(200);
		return r.body.wamid as string;
	};
	const inboundRow = (wamid: string) =>
		until(
			async () =>
				(
					await ctx.db.query<{
						id: number;
						from_phone: string | null;
						from_user_id: string | null;
						subscriber_id: number | null;
						queue_state: string;
					}>('SELECT id, from_phone, from_user_id, subscriber_id, queue_state FROM inbound_messages WHERE wamid = $1', [wamid])
				)[0],
			{ what: `inbound ${wamid.slice(0, 20)} stored` },
		);
	/** What the sandbox accepted for Ramesh: template name or text, and how he was addressed. */
	const sentToRamesh = async () =>
		(
			(await call(sb.url, 'GET', '/_sandbox/whatsapp/messages?limit=1000')).body.data as {
				waId: string;
				template?: string;
				text?: string;
				addressedBy: string;
				input: string;
			}[]
		).filter((m) => m.waId === RAMESH);
	/** Meta refuses a second message to one citizen within 6 s (131056): time passes between the steps. */
	const later = async () => expect((await call(sb.url, 'POST', '/_sandbox/clock', { body: { advanceMs: 7_000 } })).status).toBe(200);
	async function broadcast(date: string): Promise<number> {
		await later();
		const { broadcast: b } = await createBroadcast(ctx.db, {
			contentKey: `hidden-${date}`,
			templates: TEMPLATES,
			date,
			rateLimitPerSecond: 80,
		});
		await startBroadcast(ctx.db, b.id);
		const client = waClient(sb.url);
		const res = await runSender(ctx.db, client, b.id);
		client.close();
		expect(res.outcome).toBe('completed');
		return b.id;
	}

	let userId: string;
	let subscriberId: number;
	let complaintRef: string;

	test('his first message arrives with a BSUID and no number; registered by BSUID, he is one active subscriber', async () => {
		const row = await inboundRow(await inject({ from: RAMESH, text: 'START' }));
		expect(row.from_phone).toBeNull();
		expect(row.from_user_id).toMatch(/^IN\.\d{16}$/);
		// START from someone not on the roster is queued for the registration workflow (no consent yet).
		expect(row).toMatchObject({ subscriber_id: null, queue_state: 'queued' });
		userId = row.from_user_id!;
		const { subscriber, outcome } = await new RosterService(ctx.db).upsertByUserId(
			{ waUserId: userId, consentSource: `whatsapp START ${row.id}`, language: 'hi', policeStation: 'Kawardha' },
			{ actor: 'n8n:registration' },
		);
		expect(outcome).toBe('inserted');
		expect(subscriber).toMatchObject({ phone: null, waUserId: userId, status: 'active' });
		subscriberId = subscriber.id;
	});

	test('a complaint by BSUID gets its reply with the reference number, sent with recipient', async () => {
		// identity "bsuid": Meta keeps withholding the number (his START already put him in the contact book).
		const row = await inboundRow(
			await inject({ from: RAMESH, text: 'UPI se 5000 rupaye kat gaye, fraud call aaya tha', identity: 'bsuid' }),
		);
		expect(row).toMatchObject({ from_phone: null, from_user_id: userId, subscriber_id: subscriberId, queue_state: 'queued' });
		const complaints = new ComplaintService(ctx.db, { districtName: 'Kabirdham', districtNameHi: 'कबीरधाम' });
		const intake = await complaints.intake({ inboundMessageId: row.id }, { actor: 'n8n:complaints' });
		expect(intake.outcome).toBe('created');
		expect(intake.reply.to).toBe(userId);
		complaintRef = intake.complaint.ref;
		const client = waClient(sb.url);
		await complaints.sendReply(client, intake, { actor: 'n8n:complaints' });
		// An officer answers from the desk: the case shows the BSUID masked, the window is open, the reply goes by recipient.
		await later();
		const desk = new DeskService(ctx.db, complaints, { districtId: 1, sender: () => client });
		const view = await desk.caseOf(intake.complaint.ref, { role: 'editor' });
		expect(view.complaint.citizenPhone).toBeNull();
		expect(view.complaint.citizenUserId).toMatch(/^IN\.\d{2}X+\d{3}$/);
		expect(view.window.open).toBe(true);
		const desked = await desk.reply(
			intake.complaint.ref,
			'Aapka case Kawardha thane ko bheja gaya hai',
			{ role: 'editor' },
			{ actor: 'user:asha' },
		);
		expect(desked).toMatchObject({ ok: true, via: 'text' });
		client.close();
		expect((await sentToRamesh()).filter((m) => m.text?.includes('Kawardha thane'))).toEqual([
			expect.objectContaining({ addressedBy: 'recipient', input: userId }),
		]);
		const replies = (await sentToRamesh()).filter((m) => m.text?.includes(complaintRef));
		expect(replies).toHaveLength(1);
		expect(replies[0]).toMatchObject({ addressedBy: 'recipient', input: userId });
		const [c] = await ctx.db.query<{ status: string; subscriber_id: number }>(
			'SELECT status, subscriber_id FROM complaints WHERE ref = $1',
			[complaintRef],
		);
		expect(c).toMatchObject({ status: 'acknowledged', subscriber_id: subscriberId });
	});

	test('the broadcast reaches him by BSUID; after STOP (BSUID only) the next broadcast leaves him out', async () => {
		const first = await broadcast('2026-12-01');
		expect((await sentToRamesh()).filter((m) => m.template === 'daily_awareness')).toEqual([
			expect.objectContaining({ addressedBy: 'recipient', input: userId }),
		]);
		const [d] = await ctx.db.query<{ state: string }>('SELECT state FROM deliveries WHERE broadcast_id = $1 AND subscriber_id = $2', [
			first,
			subscriberId,
		]);
		expect(['sent', 'delivered']).toContain(d.state);

		await later();
		const stop = await inboundRow(await inject({ from: RAMESH, text: 'बंद करो', identity: 'bsuid' }));
		expect(stop).toMatchObject({ from_phone: null, subscriber_id: subscriberId, queue_state: 'done' });
		await until(
			async () =>
				(await ctx.db.query<{ status: string }>('SELECT status FROM subscribers WHERE id = $1', [subscriberId]))[0].status === 'opted_out',
			{ what: 'the opt-out' },
		);
		// The bilingual confirmation went out by BSUID too.
		await until(
			async () => (await sentToRamesh()).some((m) => m.addressedBy === 'recipient' && m.text?.includes('You will no longer receive')),
			{
				what: 'the STOP confirmation',
			},
		);

		const second = await broadcast('2026-12-02');
		const rows = await ctx.db.query<{ subscriber_id: number }>('SELECT subscriber_id FROM deliveries WHERE broadcast_id = $1', [second]);
		expect(rows).toHaveLength(OTHERS.length);
		expect(rows.map((r) => Number(r.subscriber_id))).not.toContain(subscriberId);
		expect((await sentToRamesh()).filter((m) => m.template === 'daily_awareness')).toHaveLength(1);
	});

	test('a later webhook with number and BSUID links to the same citizen: one row, the complaint joined, still opted out', async () => {
		await later();
		const row = await inboundRow(await inject({ from: RAMESH, text: 'sir kuch update mila?', identity: 'phone' }));
		expect(row).toMatchObject({ from_phone: '+' + RAMESH, from_user_id: userId, subscriber_id: subscriberId });
		const subs = await ctx.db.query<{ id: number; phone: string; wa_user_id: string; status: string }>(
			'SELECT id, phone, wa_user_id, status FROM subscribers WHERE phone = $1 OR wa_user_id = $2',
			['+' + RAMESH, userId],
		);
		expect(subs).toEqual([{ id: subscriberId, phone: '+' + RAMESH, wa_user_id: userId, status: 'opted_out' }]);
		const intake = await new ComplaintService(ctx.db).intake({ inboundMessageId: row.id }, { actor: 'n8n:complaints' });
		expect(intake.outcome).toBe('follow_up');
		expect(intake.complaint.ref).toBe(complaintRef);
		expect(intake.complaint.messageCount).toBe(2);
		// Now the number is known, the reply goes to it.
		expect(intake.reply.to).toBe('+' + RAMESH);
		const [n] = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM complaints WHERE subscriber_id = $1', [subscriberId]);
		expect(Number(n.n)).toBe(1);
		const [linked] = await ctx.db.query<{ details: Record<string, string> }>(
			`SELECT details FROM audit_log WHERE action = 'subscriber.identity_linked' AND entity_id = $1`,
			[String(subscriberId)],
		);
		// Masked in the audit like a phone.
		expect(JSON.stringify(linked.details)).not.toContain(RAMESH.slice(2));
		expect(linked.details.phone).toMatch(/^\+91 98XXXXX234$/);
	});
});
