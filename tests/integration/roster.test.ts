import { auditTrail } from '../../core/audit';
import { MitanError } from '../../core/errors';
import { exportSegmentCsv, RosterService } from '../../core/roster';
import { describeEachEngine } from '../helpers/db';

const by = { actor: 'user:test', source: 'test' };

describeEachEngine('roster service', (ctx) => {
	let roster: RosterService;
	beforeAll(async () => {
		roster = new RosterService(ctx.db);
		const people = [
			{ phone: '9876500001', name: 'Asha', language: 'hi' as const, policeStation: 'Kawardha', block: 'Kawardha', tags: ['camp'] },
			{ phone: '9876500002', name: 'Ravi', language: 'en' as const, policeStation: 'Kawardha', block: 'Pandariya' },
			{ phone: '9876500003', name: 'Sita', language: 'hi' as const, policeStation: 'Bodla', block: 'Bodla', tags: ['school', 'camp'] },
			{ phone: '9876500004', name: '=HYPERLINKish', language: 'hi' as const, policeStation: 'Bodla' },
		];
		for (const p of people.slice(0, 3)) await roster.upsert({ ...p, consentSource: 'camp' }, by);
	});

	test('upsert is idempotent and reports what happened', async () => {
		const again = await roster.upsert({ phone: '+91 98765 00001', name: 'Asha', consentSource: 'camp' }, by);
		expect(again.outcome).toBe('unchanged');
		const changed = await roster.upsert({ phone: '09876500001', village: 'Ramnagar' }, by);
		expect(changed.outcome).toBe('updated');
		expect(changed.subscriber.village).toBe('Ramnagar');
		expect(changed.subscriber.name).toBe('Asha'); // an empty field never erases
	});

	test('bad input: invalid phone, formula, missing consent', async () => {
		await expect(roster.upsert({ phone: '12345', consentSource: 'x' }, by)).rejects.toMatchObject({
			code: 'PHONE_INVALID',
			action: 'fix_input',
		});
		await expect(roster.upsert({ phone: '9876500009', name: '=cmd|calc', consentSource: 'x' }, by)).rejects.toMatchObject({
			code: 'FORMULA_IN_FIELD',
		});
		await expect(roster.upsert({ phone: '9876500009' }, by)).rejects.toMatchObject({ code: 'CONSENT_REQUIRED' });
		expect(await roster.getByPhone('9876500009')).toBeUndefined();
	});

	test('search with filters and cursor pagination', async () => {
		const page1 = await roster.search({ policeStation: 'Kawardha' }, undefined, 1);
		expect(page1.items).toHaveLength(1);
		expect(page1.nextCursor).not.toBeNull();
		const page2 = await roster.search({ policeStation: 'Kawardha' }, page1.nextCursor!, 1);
		expect(page2.items[0].id).toBeGreaterThan(page1.items[0].id);
		const tagged = await roster.search({ tag: 'camp' });
		expect(tagged.items.map((s) => s.name).sort()).toEqual(['Asha', 'Sita']);
		await expect(roster.search({}, 'garbage')).rejects.toMatchObject({ code: 'CURSOR_INVALID' });
	});

	test('count by segment', async () => {
		expect(await roster.countBy('police_station')).toEqual([
			{ key: 'Kawardha', count: 2 },
			{ key: 'Bodla', count: 1 },
		]);
		expect(await roster.countBy('language')).toEqual([
			{ key: 'hi', count: 2 },
			{ key: 'en', count: 1 },
		]);
		expect(await roster.countBy('tag')).toEqual([
			{ key: 'camp', count: 2 },
			{ key: '', count: 1 },
			{ key: 'school', count: 1 },
		]);
	});

	test('opt out and back in, audited, idempotent', async () => {
		const out = await roster.optOut('9876500002', 'STOP', { actor: 'citizen', source: 'whatsapp' });
		expect(out.status).toBe('opted_out');
		await roster.optOut('9876500002', 'STOP', { actor: 'citizen', source: 'whatsapp' });
		// A re-import must not resubscribe a citizen who said STOP.
		await roster.upsert({ phone: '9876500002', name: 'Ravi K', consentSource: 'camp' }, by);
		expect((await roster.getByPhone('9876500002'))!.status).toBe('opted_out');
		const back = await roster.optIn('9876500002', 'START', { actor: 'citizen', source: 'whatsapp' });
		expect(back.status).toBe('active');
		const trail = await auditTrail(ctx.db, 'subscriber', back.id);
		expect(trail.map((a) => a.action)).toEqual(expect.arrayContaining(['subscriber.opt_out', 'subscriber.opt_in']));
		expect(trail.filter((a) => a.action === 'subscriber.opt_out')).toHaveLength(1);
		expect(JSON.stringify(trail)).not.toContain('9876500002');
	});

	test('erase removes personal fields, keeps the anonymised count', async () => {
		const before = await roster.countBy('police_station', { status: ['active', 'opted_out', 'erased'] });
		const r = await roster.erase('9876500003', by);
		expect(r.erased).toBe(true);
		const [row] = await ctx.db.query('SELECT phone, name, tags, status, police_station FROM subscribers WHERE id = $1', [r.subscriberId]);
		expect(row).toMatchObject({ phone: null, name: null, tags: [], status: 'erased', police_station: 'Bodla' });
		const after = await roster.countBy('police_station', { status: ['active', 'opted_out', 'erased'] });
		expect(after).toEqual(before);
		// The events stay in the audit log, no longer linked to the erased row; the erasure is on record.
		expect(await auditTrail(ctx.db, 'subscriber', r.subscriberId!)).toEqual([]);
		const [e] = await ctx.db.query<{ entity_id: string | null; details: Record<string, unknown> }>(
			`SELECT entity_id, details FROM audit_log WHERE action = 'citizen.erase' ORDER BY id DESC LIMIT 1`,
		);
		expect(e).toMatchObject({ entity_id: null, details: { subscribers: 1, source: 'test' } });
		expect(JSON.stringify(e)).not.toContain('500003');
		await expect(roster.upsert({ phone: '9876500003', consentSource: 'old camp sheet' }, by)).rejects.toMatchObject({
			code: 'CITIZEN_SUPPRESSED',
			details: { field: 'phone' },
		});
		await expect(roster.optIn('9876500003', 'START', by)).rejects.toBeInstanceOf(MitanError);
	});

	test('export neutralises formula cells', async () => {
		await ctx.db.query(`INSERT INTO subscribers (phone, name, consent_source) VALUES ('+919876500005', '=1+2', '@camp')`);
		let csv = '';
		for await (const line of exportSegmentCsv(ctx.db, { districtId: 1 })) csv += line;
		expect(csv.split('\r\n')[0]).toBe('phone,name,language,police_station,block,village,tags,status,consent_source,consent_at');
		expect(csv).toContain(`+919876500005,"'=1+2",hi,,,,,active,"'@camp"`);
		expect(csv).not.toMatch(/(^|,)=1\+2/m);
	});
});
