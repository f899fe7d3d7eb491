/**
 * GET /api/complaints/:id/attachments/:aid: a citizen's voice note or screenshot for the complaint
 * desk. Staff and up (a viewer is refused), women / child cases only for those the visibility rule
 * allows (an approver gets "not found"), another district's complaint is not found, each read audited.
 */
import type express from 'express';
import { createApp } from '../../dashboard/app';
import { ComplaintService } from '../../core/complaints';
import type { Db } from '../../core/db';
import { describeEachEngine } from '../helpers/db';
import { loginAgent } from './helpers';
import { seedDashboard } from './seed';

async function voiceComplaint(
	db: Db,
	wamid: string,
	from: string,
	caption: string | null,
	bytes: Buffer,
): Promise<{ complaintId: number; attachmentId: number }> {
	const [m] = await db.query<{ id: number }>(
		`INSERT INTO inbound_messages (wamid, from_phone, type, body) VALUES ($1, $2, $3, $4) RETURNING id`,
		[wamid, from, caption ? 'image' : 'audio', caption],
	);
	const [a] = await db.query<{ id: number }>(
		`INSERT INTO inbound_attachments (inbound_message_id, kind, meta_media_id, mime_type, bytes, byte_size, fetch_state, fetched_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'fetched', now()) RETURNING id`,
		[m.id, caption ? 'image' : 'audio', `media-${wamid}`, caption ? 'image/jpeg' : 'audio/ogg; codecs=opus', bytes, bytes.length],
	);
	const r = await new ComplaintService(db).intake({ inboundMessageId: Number(m.id), followUpWindowMinutes: 0 }, { actor: 'test' });
	return { complaintId: r.complaint.id, attachmentId: Number(a.id) };
}

describeEachEngine('dashboard API: complaint attachments', (ctx) => {
	let app: express.Express;
	let ordinary: { complaintId: number; attachmentId: number };
	let sensitive: { complaintId: number; attachmentId: number };
	const voice = Buffer.from('OggS voice note bytes');
	beforeAll(async () => {
		await seedDashboard(ctx.db);
		app = createApp({ db: ctx.db, publicUrl: 'http://localhost:3000' });
		ordinary = await voiceComplaint(ctx.db, 'wamid.att.1', '+919876509201', null, voice);
		sensitive = await voiceComplaint(
			ctx.db,
			'wamid.att.2',
			'+919876509202',
			'नाबालिग लड़की को अश्लील फोटो भेजकर ब्लैकमेल कर रहा है',
			Buffer.from([0xff, 0xd8, 1, 2]),
		);
	});

	test('an approver plays an ordinary voice note: the bytes, its type, no caching; the read is audited', async () => {
		const { agent } = await loginAgent(app, 'asp');
		const res = await agent
			.get(`/api/complaints/${ordinary.complaintId}/attachments/${ordinary.attachmentId}`)
			.buffer(true)
			.parse((r, cb) => {
				const chunks: Buffer[] = [];
				r.on('data', (c: Buffer) => chunks.push(c));
				r.on('end', () => cb(null, Buffer.concat(chunks)));
			});
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toMatch(/^audio\/ogg/);
		expect(res.headers['cache-control']).toBe('private, no-store');
		expect((res.body as Buffer).equals(voice)).toBe(true);
		const [a] = await ctx.db.query<{ actor: string }>(
			`SELECT actor FROM audit_log WHERE action = 'attachment.viewed' ORDER BY id DESC LIMIT 1`,
		);
		expect(a.actor).toBe('user:asp');
	});

	test('a viewer is refused; a women / child case is not found for an approver and shown to an admin; wrong pairs and bad ids', async () => {
		const viewer = (await loginAgent(app, 'sp')).agent;
		expect((await viewer.get(`/api/complaints/${ordinary.complaintId}/attachments/${ordinary.attachmentId}`)).status).toBe(403);
		const asp = (await loginAgent(app, 'asp')).agent;
		const hidden = await asp.get(`/api/complaints/${sensitive.complaintId}/attachments/${sensitive.attachmentId}`);
		expect(hidden.status).toBe(404);
		expect(hidden.body.error.code).toBe('ATTACHMENT_NOT_FOUND');
		const admin = (await loginAgent(app, 'admin')).agent;
		expect((await admin.get(`/api/complaints/${sensitive.complaintId}/attachments/${sensitive.attachmentId}`)).status).toBe(200);
		// The attachment of one complaint asked for under another.
		expect((await admin.get(`/api/complaints/${ordinary.complaintId}/attachments/${sensitive.attachmentId}`)).status).toBe(404);
		const bad = await admin.get(`/api/complaints/abc/attachments/1`);
		expect(bad.status).toBe(400);
		expect(JSON.stringify(bad.body)).toMatch(/id/);
	});
});
