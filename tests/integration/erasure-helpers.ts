/**
 * The erased citizen of the erasure suites, seeded through the real paths (signed webhooks, the
 * roster, complaint intake), and a search of every text, jsonb, array and bytea column of every
 * table for anything that names them.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ComplaintService } from '../../core/complaints';
import type { Db } from '../../core/db';
import { RosterService } from '../../core/roster';
import { envelope, seedBroadcast, type webhookSuite } from '../gateway/helpers';

export const X = {
	phone: '+919812355501',
	digits: '919812355501',
	name: 'Sunita Verma',
	userId: 'IN.1502SUNITATEST77',
	username: 'sunita_v_77',
	/** A text only she wrote. */
	secret: 'Kaveri-Tamarind-4471',
};
/** Another citizen, who must keep everything. */
export const Y = { phone: '+919812300002', digits: '919812300002', name: 'Ramesh Other' };

/** A real wamid is base64 of the number behind "HBgM": built the same way here. */
export const wamidOf = (digits: string, n: number) =>
	`wamid.HBgM${Buffer.from(digits).toString('base64')}FQIAERgS${n.toString(16).toUpperCase().padStart(16, '0')}`;

/** Everything that would name X: the number in each form, the masked number, hashes, the name, her text. */
export function needles(): string[] {
	return [
		X.phone,
		X.digits,
		X.digits.slice(-10),
		'98XXXXX501',
		Buffer.from(X.digits).toString('base64'),
		createHash('sha256').update(X.phone).digest('hex'),
		X.name,
		'Sunita',
		X.userId,
		X.username,
		X.secret,
	];
}

type Gateway = ReturnType<typeof webhookSuite>;
const by = { actor: 'user:clerk', source: 'erasure test' };
let seq = 0;
const ts = () => String(Math.floor(Date.now() / 1000) - 1000 + ++seq);

function message(from: string, name: string, m: Record<string, unknown>) {
	return envelope('messages', {
		contacts: [
			{
				profile: { name, username: from === X.digits ? X.username : undefined },
				wa_id: from,
				user_id: from === X.digits ? X.userId : undefined,
			},
		],
		messages: [{ from, from_user_id: from === X.digits ? X.userId : undefined, timestamp: ts(), ...m }],
	});
}

/**
 * X writes before joining (a complaint is made from it), joins with name, village and consent
 * evidence, gets a broadcast (delivered, and failed with Meta's title naming her number), sends a
 * photo, a poison message (dead letter), STOP and WhatsApp's "stop promotions", and a desk
 * complaint is filed with her number. Y gets the same broadcast and writes once.
 */
export async function seedCitizen(db: Db, gw: Gateway): Promise<{ complaintRefs: string[] }> {
	const complaints = new ComplaintService(db, { districtName: 'Kabirdham', districtNameHi: 'कबीरधाम' });
	const roster = new RosterService(db);
	const ok = async (body: object) => {
		const r = await gw.post(body);
		if (r.status !== 200) throw new Error(`webhook answered ${r.status}: ${JSON.stringify(r.body)}`);
		await gw.router.gateway.idle();
	};
	const inboundId = async (wamid: string) =>
		Number((await db.query<{ id: number }>('SELECT id FROM inbound_messages WHERE wamid = $1', [wamid]))[0].id);

	// 1. Before joining: a fraud report with her name, and a complaint from it.
	const first = wamidOf(X.digits, 1);
	await ok(
		message(X.digits, X.name, {
			id: first,
			type: 'text',
			text: { body: `UPI fraud hua ${X.secret}, mera naam ${X.name}, Aadhaar 1234 5678 9012` },
		}),
	);
	const c1 = await complaints.intake({ inboundMessageId: await inboundId(first) }, by);

	// 2. She joins (a camp sheet), and identity work has linked her BSUID.
	await roster.upsert(
		{
			phone: X.phone,
			name: X.name,
			village: `${X.secret} gaon`,
			policeStation: 'Kawardha',
			consentSource: 'camp Kawardha 2026-11-20',
			consentEvidence: `signed register page 12, ${X.name} ${X.phone}`,
			waId: X.digits,
			tags: ['camp'],
		},
		by,
	);
	await roster.upsert({ phone: Y.phone, name: Y.name, policeStation: 'Kawardha', consentSource: 'camp Kawardha 2026-11-20' }, by);
	await db.query('UPDATE subscribers SET wa_user_id = $2, wa_username = $3 WHERE phone = $1', [X.phone, X.userId, X.username]);

	// 3. A broadcast to both; her statuses: delivered, and a failure whose title names her number.
	const wx = wamidOf(X.digits, 2);
	const wy = wamidOf(Y.digits, 2);
	await seedBroadcast(db, [{ phone: X.phone }, { phone: Y.phone }], `erase-${Date.now()}`, [wx, wy]);
	const st = (id: string, recipient: string, status: string, extra: Record<string, unknown> = {}) => ({
		id,
		status,
		timestamp: ts(),
		recipient_id: recipient,
		...(recipient === X.digits ? { recipient_user_id: X.userId } : {}),
		...extra,
	});
	await ok(
		envelope('messages', {
			statuses: [
				st(wx, X.digits, 'sent'),
				st(wx, X.digits, 'failed', {
					errors: [{ code: 131026, title: `Message undeliverable to ${X.digits}`, message: 'x', error_data: { details: 'd' } }],
				}),
				st(wy, Y.digits, 'delivered', { pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' } }),
			],
		}),
	);

	// 4. A follow-up with a photo: the gateway files the attachment; its bytes as the media fetch keeps them.
	const photo = wamidOf(X.digits, 3);
	await ok(
		message(X.digits, X.name, {
			id: photo,
			type: 'image',
			image: { id: '998877', mime_type: 'image/jpeg', sha256: 'abc', caption: `screenshot ${X.secret}` },
		}),
	);
	await db.query(
		`INSERT INTO inbound_attachments (inbound_message_id, kind, meta_media_id, mime_type, sha256, byte_size, bytes, caption, file_name, fetch_state, fetched_at)
     VALUES ($1, 'image', '998877', 'image/jpeg', $2, 64, $3, $4, $5, 'fetched', now())
     ON CONFLICT (inbound_message_id, meta_media_id) DO UPDATE SET sha256 = EXCLUDED.sha256, byte_size = EXCLUDED.byte_size,
       bytes = EXCLUDED.bytes, caption = EXCLUDED.caption, file_name = EXCLUDED.file_name, fetch_state = 'fetched', fetched_at = now()`,
		[
			await inboundId(photo),
			'a'.repeat(64),
			Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe1]), Buffer.from(`Exif owner ${X.name} ${X.digits.slice(-10)}`)]),
			`screenshot ${X.secret}`,
			`${X.digits}.jpg`,
		],
	);
	await complaints.intake({ inboundMessageId: await inboundId(photo) }, by);

	// 5. A message PostgreSQL cannot hold as sent: kept as a dead letter with the delivery's bytes.
	await ok(message(X.digits, X.name, { id: wamidOf(X.digits, 4), type: 'text', text: { body: `nul\u0000 ${X.secret}` } }));

	// 6. STOP, then WhatsApp's own "stop promotions" (its dedupe key is built from the number).
	await ok(message(X.digits, X.name, { id: wamidOf(X.digits, 5), type: 'text', text: { body: 'STOP' } }));
	await ok(
		envelope('user_preferences', {
			contacts: [{ wa_id: X.digits }],
			user_preferences: [{ wa_id: X.digits, detail: 'x', category: 'marketing_messages', value: 'stop', timestamp: Number(ts()) }],
		}),
	);

	// 7. A desk complaint typed in with her number; Y writes once.
	const c2 = await complaints.intake({ body: `call from fraudster, ${X.secret}`, fromPhone: X.digits.slice(-10) }, by);
	await ok(message(Y.digits, Y.name, { id: wamidOf(Y.digits, 1), type: 'text', text: { body: 'namaste, Y here' } }));
	// 8. The desk: an officer's note quoting her, and a reply sent to her (its wamid is her number in base64).
	await db.query(`INSERT INTO complaint_notes (complaint_id, author, body) VALUES ($1, 'user:officer', $2)`, [
		c1.complaint.id,
		`spoke to ${X.name} on ${X.phone}: ${X.secret}`,
	]);
	await db.query(
		`INSERT INTO complaint_replies (complaint_id, purpose, kind, body, wamid, sent_by) VALUES ($1, 'reply', 'text', $2, $3, 'user:officer')`,
		[c1.complaint.id, `${X.name} ji, ${X.secret} par karyavahi jari hai`, wamidOf(X.digits, 9)],
	);
	return { complaintRefs: [c1.complaint.ref, c2.complaint.ref] };
}

export interface Hit {
	table: string;
	column: string;
	needle: string;
	rows: number;
}

/** Every text, varchar, json, jsonb, array and bytea column of every table in public, for each needle. */
export async function searchEverywhere(db: Db, list: string[]): Promise<Hit[]> {
	const cols = await db.query<{ table_name: string; column_name: string; data_type: string }>(
		`SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
     WHERE c.table_schema = 'public' AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'bytea')
     ORDER BY 1, 2`,
	);
	const hits: Hit[] = [];
	for (const c of cols) {
		const col = `"${c.column_name}"`;
		// bytea: the raw bytes; text that may hold base64 (dead letters): decoded too; the rest as text.
		const expr =
			c.data_type === 'bytea'
				? `position(convert_to($1, 'UTF8') IN ${col}) > 0`
				: c.column_name === 'raw_base64'
					? `(position(convert_to($1, 'UTF8') IN decode(${col}, 'base64')) > 0 OR position($1 IN ${col}) > 0)`
					: `position(lower($1) IN lower(${col}::text)) > 0`;
		for (const needle of list) {
			const [r] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${c.table_name}" WHERE ${expr}`, [needle]);
			if (Number(r.n) > 0) hits.push({ table: c.table_name, column: c.column_name, needle, rows: Number(r.n) });
		}
	}
	return hits;
}

/** Files under `dir` whose bytes hold any needle (the number, its digits, the name, her text). */
export function filesHolding(dir: string, list: string[]): { file: string; needle: string }[] {
	const found: { file: string; needle: string }[] = [];
	const walk = (d: string) => {
		for (const e of fs.readdirSync(d, { withFileTypes: true })) {
			const p = path.join(d, e.name);
			if (e.isDirectory()) walk(p);
			else if (e.isFile()) {
				const bytes = fs.readFileSync(p);
				for (const n of list) if (bytes.includes(Buffer.from(n, 'utf8'))) found.push({ file: path.relative(dir, p), needle: n });
			}
		}
	};
	walk(dir);
	return found;
}
