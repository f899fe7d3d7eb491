/**
 * Issue 18 §1 (security review H1, M4): after erasure nothing in the store names the citizen (every
 * column of every table, in every form of the number, her name and a text only she wrote), the
 * files of the embedded database do not hold her either, and an old camp file cannot add her back.
 * The entry point is RosterService.erase, which the Roster node calls, so the same test ran on the
 * code before (it found the number in status_events, inbound_messages, audit_log, ... and the import
 * re-added her).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gatewayApp, FakeSender, metaBytes, signed } from '../gateway/helpers';
import request from 'supertest';
import { openPglite, type Db } from '../../core/db';
import { migrate } from '../../core/db/migrate';
import { eraseCitizen, isSuppressed, liftSuppression } from '../../core/erasure';
import { checkedKey } from '../../core/erasure/key';
import { importRoster, RosterService } from '../../core/roster';
import { describeEachEngine } from '../helpers/db';
import { envelope, webhookSuite } from '../gateway/helpers';
import { filesHolding, needles, searchEverywhere, seedCitizen, wamidOf, X, Y } from './erasure-helpers';

const by = { actor: 'user:clerk', source: 'erasure test' };

describeEachEngine('erasure (issue 18 §1)', (ctx) => {
	const gw = webhookSuite(ctx);
	let refs: string[] = [];

	test('the seed names her in many tables (the search finds what it looks for)', async () => {
		refs = (await seedCitizen(ctx.db, gw)).complaintRefs;
		const tables = new Set((await searchEverywhere(ctx.db, needles())).map((h) => `${h.table}.${h.column}`));
		for (const where of [
			'subscribers.phone',
			'subscribers.name',
			'subscribers.wa_user_id',
			'inbound_messages.from_phone',
			'inbound_messages.payload',
			'inbound_messages.wamid',
			'inbound_attachments.bytes',
			'inbound_attachments.caption',
			'complaint_messages.body',
			'status_events.recipient',
			'status_events.error_title',
			'deliveries.wamid',
			'inbound_dead_letters.raw_base64',
			'audit_log.details',
			'audit_log.actor',
			'complaints.citizen_hash',
			'complaint_notes.body',
			'complaint_replies.body',
			'complaint_replies.wamid',
		])
			expect(tables).toContain(where);
	});

	test('after RosterService.erase no column of any table names her; the counts and Y stay', async () => {
		const complaintsBefore = await ctx.db.query('SELECT ref, category, money_loss, created_at::date AS day FROM complaints ORDER BY ref');
		const auditBefore = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
		const r = await new RosterService(ctx.db).erase(X.phone, by);
		expect(r.erased).toBe(true);
		expect(r.receipt.vacuum).toMatchObject({ mode: 'full' });
		expect(await searchEverywhere(ctx.db, needles())).toEqual([]);
		// Anonymised counts stay: every complaint with its category, day and money loss; every audit event.
		expect(await ctx.db.query('SELECT ref, category, money_loss, created_at::date AS day FROM complaints ORDER BY ref')).toEqual(
			complaintsBefore,
		);
		for (const ref of refs) expect(complaintsBefore.map((c) => c.ref)).toContain(ref);
		const [a] = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
		expect(a.n).toBe(auditBefore[0].n + 1);
		const [s] = await ctx.db.query('SELECT status, police_station, language FROM subscribers WHERE id = $1', [r.subscriberId]);
		expect(s).toEqual({ status: 'erased', police_station: 'Kawardha', language: 'hi' });
		// Y is untouched.
		const y = await ctx.db.query<{ n: number }>(
			`SELECT (SELECT count(*) FROM subscribers WHERE phone = $1 AND name = $2)::int
              + (SELECT count(*) FROM inbound_messages WHERE from_phone = $1 AND body = 'namaste, Y here')::int
              + (SELECT count(*) FROM status_events WHERE recipient = $3)::int AS n`,
			[Y.phone, Y.name, Y.digits],
		);
		expect(y[0].n).toBe(3);
	});

	test('statuses Meta sends after the erasure (late receipts, retries) do not bring her identifiers back', async () => {
		// A real wamid is her number in base64 (the "your data is erased" reply's own receipts carry it).
		const late = wamidOf(X.digits, 77);
		const lateStatuses = () =>
			envelope('messages', {
				statuses: [
					{
						id: late,
						status: 'delivered',
						timestamp: String(Math.floor(Date.now() / 1000)),
						recipient_id: X.digits,
						recipient_user_id: X.userId,
					},
					{
						id: late,
						status: 'failed',
						timestamp: String(Math.floor(Date.now() / 1000) + 1),
						recipient_id: X.digits,
						errors: [{ code: 131026, title: `Message undeliverable to ${X.digits}`, message: 'x', error_data: { details: 'd' } }],
					},
					{ id: wamidOf(Y.digits, 77), status: 'delivered', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: Y.digits },
				],
			});
		// Sent twice (Meta retries): still one row per status.
		for (let i = 0; i < 2; i++) {
			const r = await gw.post(lateStatuses());
			expect(r.status).toBe(200);
			await gw.router.gateway.idle();
		}
		// Stored for the counts, without her number, BSUID, Meta's title naming her or the wamid that is her number; Y's keeps his.
		expect(
			await ctx.db.query(
				`SELECT status, recipient, recipient_user_id, error_title FROM status_events WHERE wamid ~ '^erased:[0-9a-f]{32}$' ORDER BY status`,
			),
		).toEqual([
			{ status: 'delivered', recipient: null, recipient_user_id: null, error_title: null },
			{ status: 'failed', recipient: null, recipient_user_id: null, error_title: null },
		]);
		expect(await ctx.db.query('SELECT recipient FROM status_events WHERE wamid = $1', [wamidOf(Y.digits, 77)])).toEqual([
			{ recipient: Y.digits },
		]);
		expect(await searchEverywhere(ctx.db, needles())).toEqual([]);
	});

	test('the audit log is still append-only outside an erasure, and inside one it can only lose links', async () => {
		await expect(ctx.db.query(`UPDATE audit_log SET details = '{}' WHERE id = (SELECT min(id) FROM audit_log)`)).rejects.toThrow(
			/append-only/,
		);
		await expect(
			ctx.db.transaction(async (tx) => {
				await tx.query(`SELECT set_config('mitan.erasure', 'on', true)`);
				await tx.query(`UPDATE audit_log SET action = 'x' WHERE id = (SELECT min(id) FROM audit_log)`);
			}),
		).rejects.toThrow(/append-only/);
		await expect(
			ctx.db.transaction(async (tx) => {
				await tx.query(`SELECT set_config('mitan.erasure', 'on', true)`);
				await tx.query(`UPDATE audit_log SET details = details || '{"forged": 1}' WHERE id = (SELECT min(id) FROM audit_log)`);
			}),
		).rejects.toThrow(/append-only/);
		await expect(ctx.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
	});

	test('re-importing the old camp file: her row is refused with line, column and code; opted-out Y stays opted out', async () => {
		await ctx.db.query(`UPDATE subscribers SET status = 'opted_out', status_reason = 'keyword STOP' WHERE phone = $1`, [Y.phone]);
		const csv = ['Name,Mobile,Village', `${X.name},${X.digits.slice(-10)},gaon`, `${Y.name},${Y.phone},gaon`, 'Naya,9812399993,gaon'].join(
			'\n',
		);
		const r = await importRoster(ctx.db, { buffer: Buffer.from(csv), fileName: 'camp-2026-11.csv', consentSource: 'old camp sheet' });
		expect(r.committed).toBe(true);
		expect(r.refused).toEqual([
			{
				line: 2,
				phone: '+91 98XXXXX501',
				column: 'Mobile',
				code: 'CITIZEN_SUPPRESSED',
				reason: expect.stringMatching(/asked to be erased/),
			},
		]);
		expect(r.optedOut).toMatchObject([{ line: 3, code: 'OPTED_OUT' }]);
		expect(r.inserted).toBe(1);
		expect(r.message).toMatch(/1 erased on request/);
		expect(r.message).toMatch(/मिटाने/);
		const [y] = await ctx.db.query<{ status: string }>('SELECT status FROM subscribers WHERE phone = $1', [Y.phone]);
		expect(y.status).toBe('opted_out');
		expect(await searchEverywhere(ctx.db, [X.phone, X.digits.slice(-10)])).toEqual([]);
		// The staff form and the partial import refuse her too.
		await expect(new RosterService(ctx.db).upsert({ phone: X.phone, consentSource: 'walk-in' }, by)).rejects.toMatchObject({
			code: 'CITIZEN_SUPPRESSED',
		});
		const p = await importRoster(ctx.db, { buffer: Buffer.from(csv), fileName: 'again.csv', consentSource: 'x', partial: true });
		expect(p.refused.map((x) => x.line)).toEqual([2]);
	});

	test('every identifier is suppressed (phone, wa_id, BSUID); only her own new consent lifts it', async () => {
		expect(await isSuppressed(ctx.db, 1, { phone: X.digits.slice(-10) })).toBe(true);
		expect(await isSuppressed(ctx.db, 1, { waId: X.digits })).toBe(true);
		expect(await isSuppressed(ctx.db, 1, { waUserId: X.userId })).toBe(true);
		expect(await isSuppressed(ctx.db, 1, { phone: Y.phone })).toBe(false);
		expect(await isSuppressed(ctx.db, 2, { phone: X.phone })).toBe(false); // erasure is the district's
		await expect(liftSuppression(ctx.db, 1, { phone: X.phone }, { source: 'whatsapp JOIN', evidence: ' ' }, by)).rejects.toMatchObject({
			code: 'CONSENT_EVIDENCE_REQUIRED',
			details: { field: 'evidence' },
		});
		const join = { source: 'whatsapp JOIN', evidence: 'JOIN message wamid.x at 2026-12-02T03:00Z' };
		expect(await liftSuppression(ctx.db, 1, { phone: X.phone, waUserId: X.userId }, join, { actor: 'citizen' })).toBe(true);
		expect(await isSuppressed(ctx.db, 1, { phone: X.phone })).toBe(false);
		expect(await isSuppressed(ctx.db, 1, { waUserId: X.userId })).toBe(false);
		const added = await new RosterService(ctx.db).upsert(
			{ phone: X.phone, consentSource: join.source, consentEvidence: join.evidence },
			by,
		);
		expect(added.outcome).toBe('inserted');
		const [lifted] = await ctx.db.query<{ details: Record<string, unknown> }>(
			`SELECT details FROM audit_log WHERE action = 'citizen.suppression_lifted' ORDER BY id DESC LIMIT 1`,
		);
		expect(lifted.details).toMatchObject({ identifiers: 2, consentSource: 'whatsapp JOIN' });
		expect(JSON.stringify(lifted)).not.toContain('9812355501');
	});

	test('erasure by BSUID alone finds the roster row and its number; bad identifiers are refused by field', async () => {
		const roster = new RosterService(ctx.db);
		await roster.upsert({ phone: '+919812377701', name: 'Bsuid Only', consentSource: 'camp' }, by);
		await ctx.db.query(`UPDATE subscribers SET wa_user_id = 'IN.77BSUIDCASE' WHERE phone = '+919812377701'`);
		const r = await eraseCitizen(ctx.db, { waUserId: 'IN.77BSUIDCASE', districtId: 1 }, by, { vacuum: 'plain' });
		expect(r).toMatchObject({ erased: true, suppressed: 2, vacuum: { mode: 'plain' } });
		expect(await searchEverywhere(ctx.db, ['9812377701', 'Bsuid Only', 'IN.77BSUIDCASE'])).toEqual([]);
		expect(await isSuppressed(ctx.db, 1, { phone: '9812377701' })).toBe(true);
		await expect(eraseCitizen(ctx.db, { districtId: 1 }, by)).rejects.toMatchObject({ code: 'ERASURE_NO_IDENTIFIER' });
		await expect(eraseCitizen(ctx.db, { phone: '12345', districtId: 1 }, by)).rejects.toMatchObject({
			code: 'PHONE_INVALID',
			details: { field: 'phone' },
		});
		await expect(eraseCitizen(ctx.db, { waId: '91abc', districtId: 1 }, by)).rejects.toMatchObject({ details: { field: 'waId' } });
	});

	test('a process with another suppression key is refused, not silently blind', async () => {
		await expect(checkedKey(ctx.db, 'another-key')).rejects.toMatchObject({ code: 'SUPPRESSION_KEY_MISMATCH', action: 'configure' });
	});
});

describe('erasure on disk: the embedded database files (PGlite) after erase + vacuum', () => {
	let dir: string;
	let db: Db;
	beforeAll(async () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-erasure-'));
		db = await openPglite(dir);
		await migrate(db);
	});
	afterAll(async () => {
		await db.close();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	test('before erasure the files hold her; after it (VACUUM FULL, WAL switched) none does', async () => {
		const sender = new FakeSender();
		const { app, router } = gatewayApp(db, { gateway: { senderFor: () => sender } });
		const gw = {
			router,
			post: (body: object) => {
				const raw = metaBytes(body);
				return request(app)
					.post('/webhooks/whatsapp')
					.set('content-type', 'application/json')
					.set('x-hub-signature-256', signed(raw))
					.send(raw.toString('utf8'));
			},
		} as unknown as ReturnType<typeof webhookSuite>;
		try {
			await seedCitizen(db, gw);
		} finally {
			await router.gateway.close();
		}
		await db.query('CHECKPOINT');
		const list = [X.phone, X.digits.slice(-10), X.name, X.secret];
		expect(filesHolding(dir, list).length).toBeGreaterThan(0);
		const r = await new RosterService(db).erase(X.phone, by);
		expect(r.receipt.vacuum).toMatchObject({ mode: 'full', walCleared: true, notes: [] });
		expect(filesHolding(dir, list)).toEqual([]);
		// And Y is still in the files: the search would see a number.
		expect(filesHolding(dir, [Y.phone]).length).toBeGreaterThan(0);
	});
});
