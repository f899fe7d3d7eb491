/**
 * Citizens by phone, BSUID or both at the gateway (core/identity.ts): BSUID-only messages,
 * statuses and preferences are tied to the right citizen; a webhook with both identifiers links
 * them, and merges two rows of one person; Meta's BSUID change moves the id; bad identifiers are
 * refused naming the field, with nothing stored.
 */
import { describeEachEngine } from '../helpers/db';
import { ComplaintService } from '../../core/complaints';
import { RosterService } from '../../core/roster/service';
import { MitanError } from '../../core/errors';
import { envelope, seedBroadcast, statusObj, webhookSuite } from './helpers';

let seq = 0;
const uid = (n: number) => `IN.${String(1502576394600000 + n)}`;

/** A message as Meta sends it for a citizen whose number it withholds (or shows, with `from`). */
function message(opts: { userId?: string; from?: string; text: string; username?: string; id?: string }): Record<string, unknown> {
	const m: Record<string, unknown> = {
		...(opts.from ? { from: opts.from } : {}),
		...(opts.userId ? { from_user_id: opts.userId } : {}),
		id: opts.id ?? `wamid.ident.${Date.now()}.${++seq}`,
		timestamp: String(Math.floor(Date.now() / 1000) + seq),
		type: 'text',
		text: { body: opts.text },
	};
	const contact = {
		profile: { name: 'नागरिक', ...(opts.username ? { username: opts.username } : {}) },
		...(opts.from ? { wa_id: opts.from } : {}),
		...(opts.userId ? { user_id: opts.userId } : {}),
	};
	return envelope('messages', { contacts: [contact], messages: [m] });
}

describeEachEngine('gateway /webhooks/whatsapp: citizens by phone, BSUID or both', (ctx) => {
	const gw = webhookSuite(ctx);
	const { post } = gw;
	const roster = () => new RosterService(ctx.db);
	const byUser = async (userId: string) => (await ctx.db.query<any>('SELECT * FROM subscribers WHERE wa_user_id = $1', [userId]))[0];
	const byPhone = async (phone: string) => (await ctx.db.query<any>('SELECT * FROM subscribers WHERE phone = $1', [phone]))[0];

	test('a BSUID-only message is stored with from_user_id and no number, tied to the citizen registered by BSUID', async () => {
		const { subscriber } = await roster().upsertByUserId(
			{ waUserId: uid(1), consentSource: 'whatsapp', policeStation: 'Bodla' },
			{ actor: 'test' },
		);
		const body = message({ userId: uid(1), text: 'help', username: 'ramesh.k', id: 'wamid.ident.one' });
		expect((await post(body)).status).toBe(200);
		const [row] = await ctx.db.query<any>(`SELECT * FROM inbound_messages WHERE wamid = 'wamid.ident.one'`);
		expect(row).toMatchObject({ from_phone: null, from_user_id: uid(1), queue_state: 'queued' });
		expect(Number(row.subscriber_id)).toBe(subscriber.id);
		expect(row.payload.contact).toEqual({ name: 'नागरिक', username: 'ramesh.k' });
	});

	test('bad identifiers are refused naming the field, and nothing is stored', async () => {
		const before = await gw.count('SELECT count(*)::int AS n FROM inbound_messages');
		const bad = await post(message({ userId: 'in-123', text: 'x' }));
		expect(bad.status).toBe(400);
		expect(JSON.stringify(bad.body)).toMatch(/contacts\[0\]\.user_id must be a WhatsApp user id/);
		const none = await post(message({ text: 'x' }));
		expect(none.status).toBe(400);
		expect(JSON.stringify(none.body)).toMatch(/messages\[0\]\.from must be a phone number in digits \(or from_user_id/);
		const status = await post(
			envelope('messages', { statuses: [{ ...statusObj({ id: 'wamid.ident.bad', status: 'sent' }), recipient_user_id: 7 }] }),
		);
		expect(status.status).toBe(400);
		expect(JSON.stringify(status.body)).toMatch(/statuses\[0\]\.recipient_user_id must be a non-empty string/);
		expect(await gw.count('SELECT count(*)::int AS n FROM inbound_messages')).toBe(before);
		expect(await gw.statusRows('wamid.ident.bad')).toBe(0);
	});

	test('STOP by BSUID opts the citizen out (confirmed to the BSUID); from an unknown BSUID it is recorded masked', async () => {
		const { subscriber } = await roster().upsertByUserId({ waUserId: uid(2), consentSource: 'whatsapp' }, { actor: 'test' });
		gw.sender.sent = [];
		expect((await post(message({ userId: uid(2), text: 'STOP' }))).status).toBe(200);
		expect((await post(message({ userId: uid(3), text: 'बंद' }))).status).toBe(200);
		await gw.router.gateway.idle();
		expect((await byUser(uid(2))).status).toBe('opted_out');
		expect(gw.sender.sent.map((s) => s.to).sort()).toEqual([uid(2), uid(3)]);
		const [a] = await ctx.db.query<{ actor: string; details: any }>(
			`SELECT actor, details FROM audit_log WHERE action = 'subscriber.opt_out' AND entity_id = $1`,
			[String(subscriber.id)],
		);
		expect(a.actor).toBe('citizen:IN.15XXXXXXXXXXX002');
		const [unknown] = await ctx.db.query<{ entity_id: string }>(
			`SELECT entity_id FROM audit_log WHERE action = 'citizen.stop_unknown_number' ORDER BY id DESC LIMIT 1`,
		);
		expect(unknown.entity_id).toBe('IN.15XXXXXXXXXXX003');
	});

	test("Meta's Stop promotions by user_id only opts out the BSUID citizen", async () => {
		await roster().upsertByUserId({ waUserId: uid(4), consentSource: 'whatsapp' }, { actor: 'test' });
		const body = envelope('user_preferences', {
			contacts: [{ user_id: uid(4) }],
			user_preferences: [{ user_id: uid(4), detail: 'x', category: 'marketing_messages', value: 'stop', timestamp: 1_780_000_100 }],
		});
		expect((await post(body)).status).toBe(200);
		expect((await byUser(uid(4))).status).toBe('opted_out');
	});

	test('a status with number and BSUID links them on the roster once; a failed status with neither number nor contacts still counts', async () => {
		const { deliveryIds } = await seedBroadcast(ctx.db, [{ phone: '+919876502001' }], 'identst', ['wamid.identst.0']);
		const st = (status: string, extra: Record<string, unknown>) => ({
			...statusObj({ id: 'wamid.identst.0', status, recipient: '919876502001' }),
			...extra,
		});
		expect((await post(envelope('messages', { statuses: [st('sent', { recipient_user_id: uid(5) })] }))).status).toBe(200);
		expect((await post(envelope('messages', { statuses: [st('delivered', { recipient_user_id: uid(5) })] }))).status).toBe(200);
		expect(await byPhone('+919876502001')).toMatchObject({ wa_user_id: uid(5) });
		const links = await gw.count(
			`SELECT count(*)::int AS n FROM audit_log WHERE action = 'subscriber.identity_linked' AND details->>'userId' = $1`,
			['IN.15XXXXXXXXXXX005'],
		);
		expect(links).toBe(1);
		const { recipient_id: _drop, ...noNumber } = statusObj({ id: 'wamid.identst.1', status: 'failed', code: 131026 });
		await seedBroadcast(ctx.db, [{ phone: '+919876502002' }], 'identst2', ['wamid.identst.1']);
		expect((await post(envelope('messages', { statuses: [{ ...noNumber, recipient_user_id: uid(6) }] }))).status).toBe(200);
		const [row] = await ctx.db.query<any>(
			`SELECT recipient, recipient_user_id, delivery_id FROM status_events WHERE wamid = 'wamid.identst.1'`,
		);
		expect(row).toMatchObject({ recipient: null, recipient_user_id: uid(6) });
		expect(row.delivery_id).not.toBeNull();
		expect(deliveryIds).toHaveLength(1);
	});

	test('two rows of one person (camp by phone, WhatsApp by BSUID) merge: one citizen, the opt-out and the complaint kept', async () => {
		const phone = '+919876503001';
		const kept = (await roster().upsert({ phone, consentSource: 'camp', policeStation: 'Kawardha' }, { actor: 'test' })).subscriber;
		const other = (await roster().upsertByUserId({ waUserId: uid(7), consentSource: 'whatsapp' }, { actor: 'test' })).subscriber;
		await roster().optOut(other.id, 'keyword STOP', { actor: 'test' });
		const first = message({ userId: uid(7), text: 'mera account hack ho gaya', id: 'wamid.ident.merge1' });
		expect((await post(first)).status).toBe(200);
		const [m1] = await ctx.db.query<{ id: number }>(`SELECT id FROM inbound_messages WHERE wamid = 'wamid.ident.merge1'`);
		const c1 = await new ComplaintService(ctx.db).intake({ inboundMessageId: m1.id }, { actor: 'test' });
		expect(Number(c1.complaint.subscriberId)).toBe(other.id);
		// Now Meta shows both: they are one person.
		expect((await post(message({ userId: uid(7), from: phone.slice(1), text: 'aur ek baat', id: 'wamid.ident.merge2' }))).status).toBe(200);
		const rows = await ctx.db.query<any>(
			'SELECT id, phone, wa_user_id, status, status_reason FROM subscribers WHERE id = ANY($1::bigint[]) ORDER BY id',
			[[kept.id, other.id]],
		);
		expect(rows.map((r) => ({ ...r, id: Number(r.id) }))).toEqual([
			{ id: kept.id, phone, wa_user_id: uid(7), status: 'opted_out', status_reason: 'opted out as IN.15XXXXXXXXXXX007 (merged)' },
			{ id: other.id, phone: null, wa_user_id: null, status: 'erased', status_reason: `merged into ${kept.id}` },
		]);
		const [m2] = await ctx.db.query<{ id: number; subscriber_id: number }>(
			`SELECT id, subscriber_id FROM inbound_messages WHERE wamid = 'wamid.ident.merge2'`,
		);
		expect(Number(m2.subscriber_id)).toBe(kept.id);
		const c2 = await new ComplaintService(ctx.db).intake({ inboundMessageId: m2.id }, { actor: 'test' });
		expect(c2.outcome).toBe('follow_up');
		expect(c2.complaint.ref).toBe(c1.complaint.ref);
		expect(Number(c2.complaint.subscriberId)).toBe(kept.id);
		// The merge did not wipe the complaint's text (that is what erasing a citizen does).
		expect(c2.complaint.summary).toMatch(/hack/);
	});

	test("Meta's user_changed_user_id moves the id: the citizen's next BSUID-only message is still theirs", async () => {
		const { subscriber } = await roster().upsertByUserId({ waUserId: uid(8), consentSource: 'whatsapp' }, { actor: 'test' });
		const change = envelope('messages', {
			messages: [
				{
					from_user_id: uid(9),
					id: 'wamid.ident.change',
					timestamp: '1780000200',
					type: 'system',
					system: { body: 'changed', type: 'user_changed_user_id', previous_user_id: uid(8), user_id: uid(9) },
				},
			],
		});
		const r = await post(change);
		expect(r.status).toBe(200);
		expect(await byUser(uid(8))).toBeUndefined();
		expect(Number((await byUser(uid(9))).id)).toBe(subscriber.id);
		expect((await post(message({ userId: uid(9), text: 'hello', id: 'wamid.ident.after' }))).status).toBe(200);
		const [row] = await ctx.db.query<any>(`SELECT subscriber_id FROM inbound_messages WHERE wamid = 'wamid.ident.after'`);
		expect(Number(row.subscriber_id)).toBe(subscriber.id);
		// The system message is an identity event, not a citizen's message for the queue.
		expect(await gw.count(`SELECT count(*)::int AS n FROM inbound_messages WHERE wamid = 'wamid.ident.change'`)).toBe(0);
	});

	test('registering by BSUID refuses a malformed id and a new citizen without consent, naming the field', async () => {
		await expect(roster().upsertByUserId({ waUserId: '+919876500000', consentSource: 'x' }, { actor: 'test' })).rejects.toMatchObject({
			code: 'USER_ID_INVALID',
			details: { field: 'waUserId' },
		});
		const e = await roster()
			.upsertByUserId({ waUserId: uid(10) }, { actor: 'test' })
			.catch((x: unknown) => x);
		expect(e).toBeInstanceOf(MitanError);
		expect(e).toMatchObject({ code: 'CONSENT_REQUIRED', details: { field: 'consentSource' } });
		expect(await byUser(uid(10))).toBeUndefined();
	});
});
