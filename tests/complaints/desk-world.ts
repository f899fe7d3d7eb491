import { createHash } from 'crypto';
import sharp from 'sharp';
import type express from 'express';
import { hashPassword, insertUser } from '../../core/auth';
import { createWhatsAppClient } from '../../core/channels/whatsapp/client';
import { ComplaintService, type IntakeResult } from '../../core/complaints/service';
import type { Db } from '../../core/db';
import { createApp } from '../../dashboard/app';
import { call, PHONE_ID, startSandbox, WA_TOKEN, type Started } from '../sandbox/helpers';

/**
 * The world of the desk tests: the sandbox with the update template approved (as the operator
 * creates it on the WhatsApp Business Account), the dashboard app sending through it, one user per
 * role, and complaints made the way citizens make them (an inbound message, intake, the reply).
 */
export const PASSWORD = 'Desk-test-pass-2026';
export const USERS = { staff: 'cell1', approver: 'asp1', viewer: 'sp1' } as const;

export async function startDeskWorld(
	db: Db,
	opts: { whatsapp?: boolean } = {},
): Promise<{ sb: Started; app: express.Express; intake: IntakeFn }> {
	// The update template ships with the staff templates; startSandbox submits them and waits for review.
	const sb = await startSandbox();
	const env =
		opts.whatsapp === false ? {} : { WHATSAPP_ACCESS_TOKEN: WA_TOKEN, WHATSAPP_PHONE_NUMBER_ID: PHONE_ID, GRAPH_BASE_URL: sb.url };
	const app = createApp({ db, publicUrl: 'http://localhost:3000', env });
	const ph = await hashPassword(PASSWORD);
	for (const [role, username] of [
		['editor', USERS.staff],
		['approver', USERS.approver],
		['viewer', USERS.viewer],
	] as const) {
		const [known] = await db.query('SELECT 1 FROM dashboard_users WHERE username = $1', [username]);
		if (!known) await insertUser(db, { username, passwordHash: ph, role, districtId: 1, displayName: username, language: 'en' });
	}
	return { sb, app, intake: intakeIn(db, sb) };
}

export type IntakeFn = (
	from: string,
	body: string,
	o?: {
		ps?: string;
		language?: 'hi' | 'en';
		hoursAgo?: number;
		reply?: boolean;
		consent?: { at?: string; atSource?: string; notice?: string };
	},
) => Promise<IntakeResult>;

function intakeIn(db: Db, sb: Started): IntakeFn {
	const svc = new ComplaintService(db, { districtName: 'Kabirdham', districtNameHi: 'कबीरधाम' });
	return async (from, body, o = {}) => {
		const at = new Date(Date.now() - (o.hoursAgo ?? 0) * 3_600_000);
		const [s] = await db.query<{ id: number }>(
			`INSERT INTO subscribers (phone, language, police_station, consent_source, consent_at, consent_at_source, consent_notice_version, consent_language)
       VALUES ($1, $2, $3, 'camp Kawardha', coalesce($4::timestamptz, now()), $5, $6, $2)
       ON CONFLICT (district_id, phone) DO UPDATE SET police_station = excluded.police_station RETURNING id`,
			[from, o.language ?? 'hi', o.ps ?? 'Kawardha', o.consent?.at ?? null, o.consent?.atSource ?? 'import', o.consent?.notice ?? null],
		);
		const [m] = await db.query<{ id: number }>(
			`INSERT INTO inbound_messages (wamid, subscriber_id, from_phone, type, body, received_at, queue_state)
       VALUES ($1, $2, $3, 'text', $4, $5, 'done') RETURNING id`,
			[`wamid.desk.${from}.${Date.now()}.${Math.random()}`, s.id, from, body, at],
		);
		const r = await svc.intake({ inboundMessageId: m.id, followUpWindowMinutes: 0 }, { actor: 'test:intake' });
		if (o.reply !== false && (o.hoursAgo ?? 0) < 24) {
			// The citizen really wrote: the sandbox opens their window, as Meta does.
			await call(sb.url, 'POST', '/_sandbox/inject/inbound', { body: { from: from.slice(1), text: body } });
			const client = createWhatsAppClient({ accessToken: WA_TOKEN, phoneNumberId: PHONE_ID, baseUrl: sb.url });
			try {
				return { ...r, complaint: (await svc.sendReply(client, r, { actor: 'test:intake' })).complaint };
			} finally {
				client.close();
			}
		}
		return r;
	};
}

/** Backdates a complaint as if it came `hours` ago (its message too): ages, overdue, the 24-hour window. */
export async function backdate(db: Db, ref: string, hours: number): Promise<void> {
	const at = new Date(Date.now() - hours * 3_600_000);
	await db.query(`UPDATE complaints SET created_at = $2, last_message_at = $2 WHERE ref = $1`, [ref, at]);
	await db.query(
		`UPDATE inbound_messages SET received_at = $2 WHERE id IN (SELECT cm.inbound_message_id FROM complaint_messages cm JOIN complaints c ON c.id = cm.complaint_id WHERE c.ref = $1)`,
		[ref, at],
	);
}

/** A real, playable WAV: 0.6 s of a 440 Hz tone, 8 kHz mono 16-bit PCM. */
export function voiceNoteWav(): Buffer {
	const rate = 8000;
	const n = Math.round(rate * 0.6);
	const data = Buffer.alloc(n * 2);
	for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 12000), i * 2);
	const h = Buffer.alloc(44);
	h.write('RIFF', 0);
	h.writeUInt32LE(36 + data.length, 4);
	h.write('WAVE', 8);
	h.write('fmt ', 12);
	h.writeUInt32LE(16, 16);
	h.writeUInt16LE(1, 20);
	h.writeUInt16LE(1, 22);
	h.writeUInt32LE(rate, 24);
	h.writeUInt32LE(rate * 2, 28);
	h.writeUInt16LE(2, 32);
	h.writeUInt16LE(16, 34);
	h.write('data', 36);
	h.writeUInt32LE(data.length, 40);
	return Buffer.concat([h, data]);
}

export function screenshotPng(): Promise<Buffer> {
	return sharp({ create: { width: 64, height: 40, channels: 3, background: { r: 200, g: 30, b: 30 } } })
		.png()
		.toBuffer();
}

/** An attachment row as media fetch leaves it (issue 17 §1 fetches them; the desk only reads). */
export async function attach(db: Db, complaintRef: string, kind: 'audio' | 'image', mime: string, bytes: Buffer | null): Promise<number> {
	const [m] = await db.query<{ id: number }>(
		`SELECT cm.inbound_message_id AS id FROM complaint_messages cm JOIN complaints c ON c.id = cm.complaint_id WHERE c.ref = $1 ORDER BY cm.id LIMIT 1`,
		[complaintRef],
	);
	const [a] = await db.query<{ id: number }>(
		`INSERT INTO inbound_attachments (inbound_message_id, kind, meta_media_id, mime_type, sha256, byte_size, bytes, fetch_state, fetched_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $7::bytea IS NULL THEN NULL ELSE now() END) RETURNING id`,
		[
			m.id,
			kind,
			`media-${Math.random().toString(36).slice(2)}`,
			mime,
			bytes ? createHash('sha256').update(bytes).digest('hex') : null,
			bytes?.length ?? null,
			bytes,
			bytes ? 'fetched' : 'pending',
		],
	);
	return Number(a.id);
}

/** The messages the sandbox accepted for a number (its inspection API). */
export async function sandboxMessages(sb: Started, phone: string): Promise<Array<{ text?: string; template?: string; params?: string[] }>> {
	return (await call(sb.url, 'GET', `/_sandbox/whatsapp/messages?to=${phone.slice(1)}`)).body.data;
}

/**
 * An officer's next message to the same citizen comes minutes later, not within Meta's 6-second
 * pair limit (131056): the sandbox's clock moves on instead of the test sleeping.
 */
export async function officerTakesAMoment(sb: Started): Promise<void> {
	await call(sb.url, 'POST', '/_sandbox/clock', { body: { advanceMs: 7_000 } });
}
