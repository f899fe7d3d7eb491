/**
 * Issue 18 finding 5: one message PostgreSQL cannot hold (U+0000, a lone surrogate, a profile name
 * with one, 10,000-deep nesting) used to make the whole delivery answer 503 on every retry, and in a
 * mixed delivery the STOP beside it was lost. Each is sent signed through the real gateway: the
 * delivery is acknowledged (200), the message is stored in a safe form, the delivery's bytes are kept
 * as a dead letter, and every other message of the delivery is honoured.
 */
import type { Db } from '../../core/db';
import { handleInbound, isDataRefusal } from '../../core/inbound/service';
import { listDeadLetters } from '../../core/inbound/dead-letters';
import { DROPPED_DEEPER } from '../../core/inbound/safe-form';
import { eraseCitizen } from '../../core/erasure';
import { describeEachEngine } from '../helpers/db';
import { envelope, metaBytes, seedBroadcast, statusesBody, statusObj, webhookSuite } from './helpers';

let seq = 0;
const msg = (from: string, body: string, extra: Record<string, unknown> = {}) => ({
	from,
	id: `wamid.poison.${Date.now()}.${++seq}`,
	timestamp: String(Math.floor(Date.now() / 1000)),
	type: 'text',
	text: { body },
	...extra,
});

/** A real engine that refuses to store one wamid with the given SQLSTATE, as PostgreSQL would. */
function refusingDb(db: Db, wamid: string, code: string, message: string): Db {
	return Object.assign(Object.create(db) as Db, {
		transaction: <T>(fn: (tx: Db) => Promise<T>) =>
			db.transaction((tx) =>
				fn(
					Object.assign(Object.create(tx) as Db, {
						query: (sql: string, params?: unknown[]) => {
							if (sql.includes('INSERT INTO inbound_messages') && params?.[1] === wamid)
								return Promise.reject(Object.assign(new Error(message), { code }));
							return tx.query(sql, params);
						},
					}),
				),
			),
	});
}

describeEachEngine('gateway /webhooks/whatsapp: poison messages', (ctx) => {
	const gw = webhookSuite(ctx);
	const { post } = gw;
	const stored = (wamid: string) =>
		ctx.db.query<{ body: string | null; payload: { message: Record<string, unknown>; contact: { name: string | null } } }>(
			'SELECT body, payload FROM inbound_messages WHERE wamid = $1',
			[wamid],
		);
	const letter = (wamid: string) =>
		ctx.db.query<{ reason: string; stored: boolean; raw_base64: string; from_phone: string }>(
			'SELECT reason, stored, raw_base64, from_phone FROM inbound_dead_letters WHERE wamid = $1',
			[wamid],
		);

	test('a text with U+0000 is acknowledged, stored without the NUL, and its exact bytes dead-lettered', async () => {
		const m = msg('919876509001', 'a\u0000b');
		const bytes = metaBytes(envelope('messages', { contacts: [{ profile: { name: 'नागरिक' }, wa_id: m.from }], messages: [m] }));
		expect(bytes.toString()).toContain('\\u0000');
		const r = await post(bytes);
		expect(r.status).toBe(200);
		const [row] = await stored(m.id);
		expect(row.body).toBe('ab');
		expect((row.payload.message.text as { body: string }).body).toBe('ab');
		const [dl] = await letter(m.id);
		expect(dl).toMatchObject({ reason: 'repaired: nul', stored: true, from_phone: '+919876509001' });
		expect(Buffer.from(dl.raw_base64, 'base64').equals(bytes)).toBe(true);
		// Meta's duplicate delivery changes nothing and adds no second dead letter.
		expect((await post(bytes)).body.replays).toBe(1);
		expect(await gw.count('SELECT count(*)::int AS n FROM inbound_dead_letters WHERE wamid = $1', [m.id])).toBe(1);
	});

	test('a text with a lone surrogate is stored with U+FFFD in its place', async () => {
		const m = msg('919876509002', 'a\ud800b');
		const r = await post(envelope('messages', { contacts: [{ profile: { name: 'x' }, wa_id: m.from }], messages: [m] }));
		expect(r.status).toBe(200);
		const [row] = await stored(m.id);
		expect(row.body).toBe('a\uFFFDb');
		expect((row.payload.message.text as { body: string }).body).toBe('a\uFFFDb');
		expect((await letter(m.id))[0]).toMatchObject({ reason: 'repaired: lone_surrogate', stored: true });
	});

	test('a profile name with a lone surrogate (and NUL) does not block a fine text', async () => {
		const m = msg('919876509003', 'मेरे खाते से पैसे कट गए');
		const r = await post(envelope('messages', { contacts: [{ profile: { name: '\udc00Ram\u0000' }, wa_id: m.from }], messages: [m] }));
		expect(r.status).toBe(200);
		const [row] = await stored(m.id);
		expect(row.body).toBe('मेरे खाते से पैसे कट गए');
		expect(row.payload.contact.name).toBe('\uFFFDRam');
		expect((await letter(m.id))[0]).toMatchObject({ reason: 'repaired: lone_surrogate, nul', stored: true });
	});

	test('a message nested 10,000 deep is stored with the deep part dropped', async () => {
		const m = msg('919876509004', 'hello', { context: '__DEEP__' });
		const json = metaBytes(envelope('messages', { contacts: [{ profile: { name: 'x' }, wa_id: m.from }], messages: [m] })).toString();
		const bytes = Buffer.from(json.replace('"__DEEP__"', '['.repeat(10_000) + '1' + ']'.repeat(10_000)));
		const r = await post(bytes);
		expect(r.status).toBe(200);
		const [row] = await stored(m.id);
		expect(row.body).toBe('hello');
		expect(JSON.stringify(row.payload.message.context)).toContain(DROPPED_DEEPER);
		const [dl] = await letter(m.id);
		expect(dl).toMatchObject({ reason: 'repaired: too_deep', stored: true });
		expect(Buffer.from(dl.raw_base64, 'base64').equals(bytes)).toBe(true);
	});

	test('mixed delivery: a status, a STOP and a NUL message; the STOP is honoured and everything stored', async () => {
		const phone = '+919876509010';
		await seedBroadcast(ctx.db, [{ phone }], 'poison-mixed');
		gw.sender.sent = [];
		const bad = msg('919876509011', 'x\u0000y');
		const stop = msg(phone.slice(1), 'STOP');
		const body = envelope('messages', {
			contacts: [
				{ profile: { name: 'a' }, wa_id: bad.from },
				{ profile: { name: 'b' }, wa_id: stop.from },
			],
			messages: [bad, stop],
			statuses: [statusObj({ id: 'wamid.poison-mixed.0', status: 'delivered' })],
		});
		const r = await post(body);
		expect(r.status).toBe(200);
		await gw.router.gateway.idle();
		const [s] = await ctx.db.query<{ status: string }>('SELECT status FROM subscribers WHERE phone = $1', [phone]);
		expect(s.status).toBe('opted_out');
		expect(gw.sender.sent.map((x) => x.to)).toEqual([phone]);
		expect(await gw.count('SELECT count(*)::int AS n FROM inbound_messages WHERE wamid = ANY($1::text[])', [[bad.id, stop.id]])).toBe(2);
		expect(await gw.statusRows('wamid.poison-mixed.0')).toBe(1);
	});

	test('a status whose error title has U+0000 is stored, not answered 503', async () => {
		const body = statusesBody([{ id: 'wamid.poison-status.1', status: 'failed', code: 131026 }]);
		const bytes = Buffer.from(metaBytes(body).toString().replace('"error 131026"', '"error\\u0000 131026"'));
		expect(bytes.toString()).toContain('\\u0000');
		expect((await post(bytes)).status).toBe(200);
		expect(await gw.statusRows('wamid.poison-status.1')).toBe(1);
	});

	test('a message PostgreSQL still refuses is dead-lettered unstored, the rest commit, and staff see it', async () => {
		// What the database refuses after repair cannot be produced from outside, so a database that
		// refuses one wamid as data (SQLSTATE 22P02) stands in for it; everything else is the real engine.
		const refusing = refusingDb(ctx.db, 'wamid.poison.refused', '22P02', 'invalid input syntax for type json');
		const delivery = Buffer.from('{"the":"bytes Meta signed"}');
		const base = { phoneNumberId: '100000000000001', type: 'text', sentAt: null, contactName: null, raw: {}, districtId: 1 };
		const out = await handleInbound(
			refusing,
			[
				{ ...base, wamid: 'wamid.poison.refused', from: '919876509020', body: 'odd' },
				{ ...base, wamid: 'wamid.poison.after', from: '919876509021', body: 'fine' },
			],
			[],
			delivery,
		);
		expect(out).toMatchObject({ stored: 1, deadLetters: 1 });
		expect(await gw.count(`SELECT count(*)::int AS n FROM inbound_messages WHERE wamid = 'wamid.poison.refused'`)).toBe(0);
		expect(await gw.count(`SELECT count(*)::int AS n FROM inbound_messages WHERE wamid = 'wamid.poison.after'`)).toBe(1);
		const [dl] = await letter('wamid.poison.refused');
		expect(dl.stored).toBe(false);
		expect(dl.reason).toMatch(/^refused: 22P02 invalid input syntax/);
		expect(Buffer.from(dl.raw_base64, 'base64').equals(delivery)).toBe(true);
		const list = await listDeadLetters(ctx.db, 1);
		expect(list.count).toBeGreaterThanOrEqual(5);
		const item = list.items.find((i) => i.wamid === 'wamid.poison.refused')!;
		expect(item).toMatchObject({ from: '+91 98XXXXX020', stored: false });
	});

	test('DPDP erasure deletes the dead letters from the number and those whose bytes name it', async () => {
		const phone = '+919876509030';
		await seedBroadcast(ctx.db, [{ phone }], 'poison-erase');
		const own = msg(phone.slice(1), 'mera naam\u0000 Sunita');
		const other = msg('919876509031', 'x\u0000');
		// The other citizen's dead letter carries the erased citizen's wa_id in the same delivery.
		const body = envelope('messages', {
			contacts: [
				{ profile: { name: 'Sunita' }, wa_id: own.from },
				{ profile: { name: 'b' }, wa_id: other.from },
			],
			messages: [own, other],
		});
		expect((await post(body)).status).toBe(200);
		const keep = msg('919876509032', 'y\u0000');
		expect((await post(envelope('messages', { contacts: [{ profile: { name: 'c' }, wa_id: keep.from }], messages: [keep] }))).status).toBe(
			200,
		);
		expect(
			await gw.count('SELECT count(*)::int AS n FROM inbound_dead_letters WHERE wamid = ANY($1::text[])', [[own.id, other.id, keep.id]]),
		).toBe(3);
		const receipt = await eraseCitizen(ctx.db, { phone, districtId: 1 }, { actor: 'test' }, { vacuum: 'none' });
		expect(receipt.counts.inbound_dead_letters).toBe(2);
		const left = await ctx.db.query<{ wamid: string }>('SELECT wamid FROM inbound_dead_letters WHERE wamid = ANY($1::text[])', [
			[own.id, other.id, keep.id],
		]);
		expect(left.map((r) => r.wamid)).toEqual([keep.id]);
	});

	test('a transient failure is not dead-lettered: the delivery is refused for Meta to retry', async () => {
		expect(isDataRefusal(Object.assign(new Error('x'), { code: '22P05' }))).toBe(true);
		expect(isDataRefusal(new RangeError('Maximum call stack size exceeded'))).toBe(true);
		expect(isDataRefusal(Object.assign(new Error('x'), { code: '40P01' }))).toBe(false);
		expect(isDataRefusal(Object.assign(new Error('x'), { code: '08006' }))).toBe(false);
		expect(isDataRefusal(new Error('connection refused'))).toBe(false);
		const deadlocked = refusingDb(ctx.db, 'wamid.poison.deadlock', '40P01', 'deadlock detected');
		const base = { phoneNumberId: '100000000000001', type: 'text', sentAt: null, contactName: null, raw: {}, districtId: 1 };
		await expect(
			handleInbound(deadlocked, [{ ...base, wamid: 'wamid.poison.deadlock', from: '919876509040', body: 'b' }], []),
		).rejects.toMatchObject({
			code: '40P01',
		});
		expect(await gw.count(`SELECT count(*)::int AS n FROM inbound_dead_letters WHERE wamid = 'wamid.poison.deadlock'`)).toBe(0);
	});
});
