/**
 * Issue 17 §1: voices are heard. A voice note, an uncaptioned screenshot, a document, a location
 * arrive as signed webhooks; the media is fetched through the Graph media endpoint (token, hash),
 * stored in inbound_attachments and reached from the complaint; the complaint gets a reference and
 * the same reply as text; a follow-up's media joins it. A reply that WhatsApp fails later (131047),
 * the first or a follow-up's, or that Meta refuses on the send call (131056), shows on the complaint
 * and flags it in the desk's queue instead of "acknowledged".
 */
import { createHash, randomBytes } from 'crypto';
import { ComplaintService } from '../../core/complaints';
import { DeskService } from '../../core/complaints/desk';
import { MEDIA_FETCH_RETRY } from '../../core/conversation/attachments';
import { threadOf, type ThreadItem } from '../../core/complaints/thread';
import { caseHtml, queueHtml } from '../../dashboard/web/desk-pages';
import type { Db } from '../../core/db';
import { describeEachEngine } from '../helpers/db';
import { call } from '../sandbox/helpers';
import { envelope, metaBytes, signed } from './helpers';
import { startConversation, type Conversation } from './conversation-helpers';
import { seedBroadcast } from './helpers';
import request from 'supertest';

/** The messages sent to the citizen on a case, as the desk's thread shows them. */
async function repliesOf(db: Db, complaint: { id: number; ref: string; replyWamid: string | null; repliedAt: Date | null }) {
	return (await threadOf(db, complaint)).filter((i): i is Extract<ThreadItem, { kind: 'reply' }> => i.kind === 'reply');
}

/** A complaint's attachments as the desk lists them (core/complaints/thread.ts). */
async function attachmentsOf(db: Db, complaint: { id: number; ref: string; replyWamid: string | null; repliedAt: Date | null }) {
	return (await threadOf(db, complaint)).flatMap((i) => (i.kind === 'message' ? i.attachments : []));
}

describeEachEngine('conversation: media and replies', (ctx) => {
	let c: Conversation;
	let svc: ComplaintService;
	let desk: DeskService;
	const by = { actor: 'n8n:complaint-intake' };
	beforeAll(async () => {
		// The product's four retries; the back-off shortened from 1 s so the suite does not sleep 15 s.
		c = await startConversation(ctx, { gateway: { mediaRetry: { ...MEDIA_FETCH_RETRY, backoffMs: 20 } } });
		svc = new ComplaintService(ctx.db, { districtName: 'Kabirdham', districtNameHi: 'कबीरधाम' });
		desk = new DeskService(ctx.db, svc, { districtId: 1, sender: () => null });
	});
	afterAll(async () => {
		await c.close();
	});

	/** What the Complaint node does with a queued message: intake, then the reply through the client. */
	const intakeAndReply = async (wamid: string) => {
		const row = await c.inbound(wamid);
		expect(row.queue_state).toBe('queued');
		const r = await svc.intake({ inboundMessageId: row.id }, by);
		const sent = r.replyNeeded && r.reply.to ? await svc.sendReply(c.client, r, by) : null;
		await c.settle();
		return { ...r, sent };
	};

	test('a voice note becomes a complaint with its audio fetched and hash-checked, a reference and the text reply; an uncaptioned screenshot joins it', async () => {
		const phone = '+919876542001';
		await seedBroadcast(ctx.db, [{ phone, policeStation: 'Bodla' }], 'voice');
		const audio = Buffer.concat([Buffer.from('OggS'), randomBytes(4000)]);
		const v = await c.send({ from: phone, type: 'audio', dataBase64: audio.toString('base64') });
		const row = await c.inbound(v.wamid);
		expect(row.conversation_kind).toBe('media_complaint');
		const [att] = await ctx.db.query<{
			id: number;
			kind: string;
			sha256: string;
			bytes: Uint8Array;
			byte_size: number;
			fetch_state: string;
			mime_type: string;
		}>('SELECT id, kind, sha256, bytes, byte_size, fetch_state, mime_type FROM inbound_attachments WHERE inbound_message_id = $1', [
			row.id,
		]);
		expect(att).toMatchObject({ kind: 'audio', fetch_state: 'fetched', byte_size: audio.length, mime_type: 'audio/ogg; codecs=opus' });
		expect(att.sha256).toBe(createHash('sha256').update(audio).digest('hex'));
		expect(Buffer.from(att.bytes).equals(audio)).toBe(true);

		const r = await intakeAndReply(v.wamid);
		expect(r.outcome).toBe('created');
		expect(r.complaint.ref).toMatch(/-\d{4}-\d+/);
		expect(r.complaint.summary).toContain('वॉइस नोट / voice note');
		expect(r.complaint.language).toBe('hi');
		const [reply] = await c.sentTo(phone);
		expect(reply.text).toContain(`संदर्भ संख्या: ${r.complaint.ref}`);
		expect(reply.status).not.toBe('failed');

		// A screenshot without a caption, minutes later: the same complaint, its image attached.
		const shot = randomBytes(3000);
		const s = await c.send({ from: phone, type: 'image', dataBase64: shot.toString('base64') });
		expect((await c.inbound(s.wamid)).conversation_kind).toBe('media_complaint');
		const f = await intakeAndReply(s.wamid);
		expect(f.outcome).toBe('follow_up');
		expect(f.complaint.ref).toBe(r.complaint.ref);
		const list = await attachmentsOf(ctx.db, f.complaint);
		expect(list.map((a) => [a.kind, a.fetchState])).toEqual([
			['audio', 'fetched'],
			['image', 'fetched'],
		]);
		// What the desk plays / shows: the bytes that were sent.
		const bytes = await desk.attachment(r.complaint.ref, list[1].id, { role: 'approver' });
		expect(bytes.bytes.equals(shot)).toBe(true);
		expect(bytes.mimeType).toBe('image/jpeg');
		expect((await desk.attachment(r.complaint.ref, list[0].id, { role: 'approver' })).bytes.equals(audio)).toBe(true);
	});

	test('a document keeps its caption as the words; a location is a complaint part with its coordinates; only these get references', async () => {
		const phone = '+919876542011';
		const d = await c.send({ from: phone, type: 'document', caption: 'बैंक स्टेटमेंट, 20000 रुपये कटे', fileName: 'statement.pdf' });
		const r = await intakeAndReply(d.wamid);
		expect(r.complaint.summary).toContain('20000 रुपये कटे');
		expect(r.complaint.moneyLoss).toBe(true);
		// Money lost: the 1930 line comes first.
		expect((await c.sentTo(phone))[0].text).toMatch(/^पैसे कटे हैं\? तुरंत 1930/);
		const loc = await c.send({ from: phone, type: 'location', latitude: 22.0145, longitude: 81.2413, locationName: 'Kawardha bus stand' });
		const f = await intakeAndReply(loc.wamid);
		expect(f.complaint.ref).toBe(r.complaint.ref);
		const atts = await attachmentsOf(ctx.db, f.complaint);
		expect(atts.find((a) => a.kind === 'location')).toMatchObject({ latitude: 22.0145, longitude: 81.2413, caption: 'Kawardha bus stand' });
		const refs = await ctx.db.query(
			`SELECT DISTINCT c.ref FROM complaints c JOIN complaint_messages m ON m.complaint_id = c.id JOIN inbound_messages i ON i.id = m.inbound_message_id WHERE i.from_phone = $1`,
			[phone],
		);
		expect(refs).toHaveLength(1);
	});

	test('media Meta no longer has: the complaint stands, the attachment says why it has no bytes, staff are not shown bytes', async () => {
		const phone = '919876542031';
		const body = envelope('messages', {
			contacts: [{ profile: { name: 'नागरिक' }, wa_id: phone }],
			messages: [
				{
					from: phone,
					id: 'wamid.media.gone.1',
					timestamp: String(Math.floor(Date.now() / 1000)),
					type: 'image',
					image: { id: '987654321000', mime_type: 'image/jpeg', sha256: Buffer.alloc(32, 1).toString('base64') },
				},
			],
		});
		const raw = metaBytes(body);
		const res = await request(c.server)
			.post('/webhooks/whatsapp')
			.set('content-type', 'application/json')
			.set('x-hub-signature-256', signed(raw))
			.send(raw.toString('utf8'));
		expect(res.status).toBe(200);
		await c.router.gateway.idle();
		const row = await c.inbound('wamid.media.gone.1');
		const [att] = await ctx.db.query<{ fetch_state: string; fetch_error: string; bytes: unknown }>(
			'SELECT fetch_state, fetch_error, bytes FROM inbound_attachments WHERE inbound_message_id = $1',
			[row.id],
		);
		expect(att.fetch_state).toBe('failed');
		expect(att.fetch_error).toMatch(/^WHATSAPP_100/);
		expect(att.bytes).toBeNull();
		const r = await svc.intake({ inboundMessageId: row.id }, by);
		expect(r.outcome).toBe('created');
		const [a] = await attachmentsOf(ctx.db, r.complaint);
		expect(a).toMatchObject({ fetchState: 'failed' });
		await expect(desk.attachment(r.complaint.ref, a.id, { role: 'admin' })).rejects.toMatchObject({
			code: 'COMPLAINT_ATTACHMENT_NOT_FOUND',
		});
		const [audit] = await ctx.db.query(`SELECT 1 FROM audit_log WHERE action = 'attachment.fetch_failed' AND entity_id = $1`, [
			String(a.id),
		]);
		expect(audit).toBeDefined();
	});

	test('the media endpoint failing (131000): retried 4 times with back-off, then fetched; failing a fifth time, the attachment is marked failed on the complaint', async () => {
		const phone = '+919876542041';
		const faults = (count: number) => call(c.sb.url, 'POST', '/_sandbox/faults/media', { body: { count } });
		expect((await faults(MEDIA_FETCH_RETRY.retries)).body).toEqual({ mediaFaults: 4 });
		const ok = await c.send({ from: phone, type: 'audio' });
		const row = await c.inbound(ok.wamid);
		const [fetched] = await ctx.db.query<{ fetch_state: string; byte_size: number }>(
			'SELECT fetch_state, byte_size FROM inbound_attachments WHERE inbound_message_id = $1',
			[row.id],
		);
		expect(fetched.fetch_state).toBe('fetched');
		expect(Number(fetched.byte_size)).toBeGreaterThan(0);
		// Every fault was used up by the retries: the endpoint is healthy again.
		expect((await faults(0)).body).toEqual({ mediaFaults: 0 });

		await faults(MEDIA_FETCH_RETRY.retries + 1);
		const bad = await c.send({ from: phone, type: 'image' });
		const badRow = await c.inbound(bad.wamid);
		const [att] = await ctx.db.query<{ id: number; fetch_state: string; fetch_error: string; bytes: unknown }>(
			'SELECT id, fetch_state, fetch_error, bytes FROM inbound_attachments WHERE inbound_message_id = $1',
			[badRow.id],
		);
		expect(att).toMatchObject({ fetch_state: 'failed', bytes: null });
		expect(att.fetch_error).toMatch(/^WHATSAPP_131000: .*\(5 attempts\)$/);
		const [audit] = await ctx.db.query<{ details: { code: string; attempts: number } }>(
			`SELECT details FROM audit_log WHERE action = 'attachment.fetch_failed' AND entity_id = $1`,
			[String(att.id)],
		);
		expect(audit.details).toEqual({ code: 'WHATSAPP_131000', attempts: 5 });
		// The complaint stands; its attachment says it has no bytes.
		const r = await svc.intake({ inboundMessageId: badRow.id }, by);
		const a = (await attachmentsOf(ctx.db, r.complaint)).find((x) => x.id === Number(att.id));
		expect(a).toMatchObject({ kind: 'image', fetchState: 'failed' });
		await faults(0);
	});

	test('a reply WhatsApp fails after accepting it (131047, the window had closed) shows on the complaint as failed', async () => {
		const phone = '+919876542021';
		const m = await c.send({ from: phone, text: 'किसी ने मेरा फेसबुक अकाउंट हैक कर लिया है' });
		const row = await c.inbound(m.wamid);
		const r = await svc.intake({ inboundMessageId: row.id }, by);
		// The workflow was down for a day: the 24-hour window closed before the reply went out.
		await call(c.sb.url, 'POST', '/_sandbox/clock', { body: { advanceMs: 25 * 3600 * 1000 } });
		const sent = await svc.sendReply(c.client, r, by);
		await c.settle();
		// The case shows the automatic reply failed (the desk reads its status webhooks by reply_wamid).
		const ack = (await threadOf(ctx.db, sent.complaint)).find((i) => i.kind === 'reply' && i.purpose === 'ack');
		expect(ack).toMatchObject({ delivery: 'failed', error: expect.stringMatching(/^131047/) });
		const [s] = await c.sentTo(phone);
		expect(s).toMatchObject({ status: 'failed', errorCode: 131047 });
		// The status still says acknowledged; the desk's queue flags the case.
		expect(sent.complaint.status).toBe('acknowledged');
		expect((await queueSays(sent.complaint.ref)).flagged).toBe(true);
		// A reply inside the window is not shown failed.
		const ok = await c.send({ from: '+919876542022', text: 'मेरे नंबर पर फर्जी लोन ऐप से धमकी आ रही है' });
		const r2 = await intakeAndReply(ok.wamid);
		const ack2 = (await threadOf(ctx.db, (await svc.get(r2.complaint.ref, 'admin'))!)).find(
			(i) => i.kind === 'reply' && i.purpose === 'ack',
		);
		expect(ack2).toMatchObject({ delivery: expect.stringMatching(/^(sent|delivered|read)$/), error: null });
	});

	/** What the desk's queue says of a case: in the "reply failed" filter, and its row's flag in the page. */
	const queueSays = async (ref: string) => {
		const failed = await desk.queue({ status: 'open', reply: 'failed' }, { role: 'admin' });
		const html = queueHtml('hi', 'Asia/Kolkata', { reply: 'failed' }, [], failed);
		const from = html.indexOf(`<tr data-ref="${ref}"`);
		return {
			inFailedFilter: failed.rows.some((r) => r.ref === ref),
			row: from < 0 ? '' : html.slice(from, html.indexOf('</tr>', from)),
			flagged: (await desk.queue({ status: 'open' }, { role: 'admin' })).rows.find((r) => r.ref === ref)?.replyFailed,
		};
	};

	test("a follow-up's reply WhatsApp fails later (131047, signed status webhook) shows failed on the case and flags it in the queue", async () => {
		const phone = '+919876542051';
		const first = await c.send({ from: phone, text: 'किसी ने बिजली बिल के नाम पर लिंक भेजा, खाते से पैसे कट गए' });
		const r = await intakeAndReply(first.wamid);
		expect(r.outcome).toBe('created');
		expect(r.sent).not.toBeNull();
		const more = await c.send({ from: phone, text: 'उसने दोबारा फोन किया और OTP माँगा' });
		const f = await svc.intake({ inboundMessageId: (await c.inbound(more.wamid)).id }, by);
		expect(f.outcome).toBe('follow_up');
		expect(await queueSays(r.complaint.ref)).toMatchObject({ inFailedFilter: false, flagged: false });
		// The workflow stalled for a day before answering the follow-up: the window had closed.
		await call(c.sb.url, 'POST', '/_sandbox/clock', { body: { advanceMs: 25 * 3600 * 1000 } });
		const sent = await svc.sendReply(c.client, f, by);
		await c.settle();
		const [s] = await c.sentTo(phone);
		expect(s).toMatchObject({ wamid: sent.wamid, status: 'failed', errorCode: 131047 });
		// The follow-up's answer is on the case with its wamid, its failure read from the status webhook.
		const replies = await repliesOf(ctx.db, sent.complaint);
		expect(replies.map((i) => i.purpose)).toEqual(['ack', 'follow_up']);
		expect(replies[0]).toMatchObject({ delivery: expect.stringMatching(/^(sent|delivered|read)$/), error: null });
		expect(replies[1]).toMatchObject({ delivery: 'failed', error: expect.stringMatching(/^131047/), by: by.actor });
		expect(replies[1].body).toContain(r.complaint.ref);
		// The status only moves forward and still says acknowledged: the queue and the case say the reply failed.
		expect(sent.complaint.status).toBe('acknowledged');
		const q = await queueSays(r.complaint.ref);
		expect(q).toMatchObject({ inFailedFilter: true, flagged: true });
		expect(q.row).toContain('data-reply-failed');
		expect(q.row).toContain('जवाब नहीं पहुँचा');
		const view = await desk.caseOf(r.complaint.ref, { role: 'admin' });
		expect(view.complaint.lastReplyFailed).toBe(true);
		expect(caseHtml('en', 'Asia/Kolkata', 'csrf', view)).toContain('data-reply-failed');
		// Automatic replies are not an officer's first response.
		expect(view.complaint.firstResponseAt).toBeNull();
	});

	test('a reply Meta refuses on the send call (131056: two messages answered within seconds) is on the case as not sent, with the code', async () => {
		const phone = '+919876542061';
		const a = await c.send({ from: phone, text: 'फर्जी कस्टमर केयर नंबर पर बात की, खाते से 8000 रुपये कट गए' });
		const b = await c.send({ from: phone, text: 'मैंने उसे OTP भी बता दिया था' });
		const ra = await svc.intake({ inboundMessageId: (await c.inbound(a.wamid)).id }, by);
		const rb = await svc.intake({ inboundMessageId: (await c.inbound(b.wamid)).id }, by);
		expect(rb.outcome).toBe('follow_up');
		await svc.sendReply(c.client, ra, by);
		// The workflow answers both at once: the second is inside Meta's pair limit and refused there and then.
		await expect(svc.sendReply(c.client, rb, by)).rejects.toMatchObject({ code: 'WHATSAPP_131056' });
		await c.settle();
		expect(await c.sentTo(phone)).toHaveLength(1);
		const replies = await repliesOf(ctx.db, (await svc.get(ra.complaint.ref, 'admin'))!);
		expect(replies.map((i) => [i.purpose, i.delivery])).toEqual([
			['ack', expect.stringMatching(/^(sent|delivered|read)$/)],
			['follow_up', null],
		]);
		expect(replies[1].error).toMatch(/^WHATSAPP_131056: .*131056.*too many messages/);
		const q = await queueSays(ra.complaint.ref);
		expect(q).toMatchObject({ inFailedFilter: true, flagged: true });
		expect(q.row).toContain('data-reply-failed');
		const page = caseHtml('hi', 'Asia/Kolkata', 'csrf', await desk.caseOf(ra.complaint.ref, { role: 'admin' }));
		expect(page).toContain('नहीं भेजा गया: WHATSAPP_131056');
		expect(page).toContain('data-reply-failed');
		// A later answer that reaches the citizen clears the flag: it is the latest reply that counts.
		await call(c.sb.url, 'POST', '/_sandbox/clock', { body: { advanceMs: 7_000 } });
		await svc.sendReply(c.client, rb, by);
		await c.settle();
		expect(await queueSays(ra.complaint.ref)).toMatchObject({ inFailedFilter: false, flagged: false });
	});
});
