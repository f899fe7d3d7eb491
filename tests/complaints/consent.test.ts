import { ComplaintService } from '../../core/complaints/service';
import { consentRecord } from '../../core/roster/consent';
import { importRoster, RosterService } from '../../core/roster';
import { describeEachEngine } from '../helpers/db';

/**
 * The consent record (issue 17 §3): the real time from the import file when it has one (and a
 * mark when it is only the import's clock), the notice version and language, withdrawal by STOP
 * recorded whoever applies it, the history in the audit log.
 */
describeEachEngine('consent record', (ctx) => {
	const by = { actor: 'test:consent' };
	const id = async (phone: string) => (await ctx.db.query<{ id: number }>('SELECT id FROM subscribers WHERE phone = $1', [phone]))[0].id;

	test('the file’s consent time is kept as given; a file without one is marked as the import’s time', async () => {
		const csv = Buffer.from(
			'phone,name,language,police station,consent date\n' +
				'9826100001,Asha,hi,Kawardha,2026-11-20 10:30:00+05:30\n' +
				'9826100002,Ravi,en,Bodla,\n',
		);
		const r = await importRoster(ctx.db, {
			buffer: csv,
			fileName: 'camp.csv',
			consentSource: 'camp Kawardha 2026-11-20',
			noticeVersion: 'notice-v3',
		});
		expect(r.committed).toBe(true);
		const asha = (await consentRecord(ctx.db, await id('+919826100001')))!;
		expect(asha).toMatchObject({
			source: 'camp Kawardha 2026-11-20',
			atSource: 'file',
			noticeVersion: 'notice-v3',
			language: 'hi',
			withdrawnAt: null,
		});
		expect(asha.at!.toISOString()).toBe('2026-11-20T05:00:00.000Z');
		const ravi = (await consentRecord(ctx.db, await id('+919826100002')))!;
		expect(ravi).toMatchObject({ atSource: 'import', language: 'en', noticeVersion: 'notice-v3' });
		expect(Date.now() - ravi.at!.getTime()).toBeLessThan(10 * 60_000);
	});

	test('a bad consent time is refused with its line and column, nothing written', async () => {
		const csv = Buffer.from('phone,consent date\n9826100010,kal subah\n');
		const r = await importRoster(ctx.db, { buffer: csv, fileName: 'bad.csv', consentSource: 'camp' });
		expect(r.committed).toBe(false);
		expect(r.rejected[0]).toMatchObject({ line: 2, code: 'consent_date' });
		expect(r.rejected[0].column).toBeDefined();
		expect(await ctx.db.query('SELECT 1 FROM subscribers WHERE phone = $1', ['+919826100010'])).toEqual([]);
	});

	test('STOP withdraws consent (time recorded, whoever applies it); START clears it; both in the history', async () => {
		const roster = new RosterService(ctx.db);
		await roster.upsert({ phone: '9826100020', language: 'hi', consentSource: 'thana Pandariya' }, by);
		await roster.optOut('+919826100020', 'STOP', { actor: 'citizen', source: 'whatsapp' });
		const out = (await consentRecord(ctx.db, await id('+919826100020')))!;
		expect(out.withdrawnAt).toBeInstanceOf(Date);
		expect(out.status).toBe('opted_out');
		await roster.optIn('+919826100020', 'START', { actor: 'citizen', source: 'whatsapp' });
		const back = (await consentRecord(ctx.db, await id('+919826100020')))!;
		expect(back.withdrawnAt).toBeNull();
		expect(back.history.map((h) => h.action)).toEqual(['subscriber.inserted', 'subscriber.opt_out', 'subscriber.opt_in']);
		// A STOP written straight into the store (as the gateway's batch does) is recorded too.
		await ctx.db.query(`UPDATE subscribers SET status = 'opted_out', status_changed_at = now() WHERE phone = '+919826100020'`);
		expect((await consentRecord(ctx.db, await id('+919826100020')))!.withdrawnAt).toBeInstanceOf(Date);
	});

	test('the case page data carries the citizen’s consent record', async () => {
		const svc = new ComplaintService(ctx.db);
		const [m] = await ctx.db.query<{ id: number }>(
			`INSERT INTO inbound_messages (wamid, subscriber_id, from_phone, type, body) VALUES ('wamid.consent.1', $1, '+919826100001', 'text', 'UPI fraud hua') RETURNING id`,
			[await id('+919826100001')],
		);
		const r = await svc.intake({ inboundMessageId: m.id }, by);
		const { DeskService } = await import('../../core/complaints/desk');
		const view = await new DeskService(ctx.db, svc, { districtId: 1, sender: () => null }).caseOf(r.complaint.ref, { role: 'approver' });
		expect(view.consent).toMatchObject({ source: 'camp Kawardha 2026-11-20', atSource: 'file', noticeVersion: 'notice-v3' });
	});
});
