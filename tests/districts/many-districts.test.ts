/**
 * Two districts in one store: `mitan district`, MITAN_DISTRICT as the default everywhere a
 * district is not given (references carry that district's code), --district on the CLI, and
 * each district's police-station list checked at import, at roster upsert and at complaint intake.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from '../../cli/args';
import { districtCommand, parseStations } from '../../cli/district';
import { importCommand } from '../../cli/import';
import { createBroadcast } from '../../core/broadcast';
import { ComplaintService } from '../../core/complaints';
import { findDistrict } from '../../core/districts';
import { claimPost } from '../../core/publishing/posts';
import { importRoster, RosterService } from '../../core/roster';
import { TEMPLATES } from '../broadcast/helpers';
import { describeEachEngine } from '../helpers/db';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-districts-'));
const csv = (name: string, body: string) => {
	const p = path.join(tmp, name);
	fs.writeFileSync(p, body);
	return p;
};
const by = { actor: 'test' };

describeEachEngine('many districts', (ctx) => {
	const saved = process.env.MITAN_DISTRICT;
	afterEach(() => {
		if (saved === undefined) delete process.env.MITAN_DISTRICT;
		else process.env.MITAN_DISTRICT = saved;
	});

	test('mitan district add / edit / list', async () => {
		const lines: string[] = [];
		const out = (s: string) => lines.push(s);
		await districtCommand(
			ctx.db,
			parseArgs([
				'add',
				'--code',
				'RPR',
				'--name',
				'Raipur',
				'--name-hi',
				'रायपुर',
				'--phone-number-id',
				'100000000000002',
				'--stations',
				'Civil Lines=सिविल लाइन्स, Telibandha',
			]),
			out,
		);
		expect(lines.pop()).toMatch(/^added district RPR \(Raipur \/ रायपुर\), id \d+, 2 police stations$/);
		await districtCommand(
			ctx.db,
			parseArgs(['edit', 'RPR', '--name', 'Raipur City', '--stations', 'Civil Lines=सिविल लाइन्स,Telibandha=तेलीबांधा,Kotwali']),
			out,
		);
		expect(lines.pop()).toBe('updated district RPR (Raipur City / रायपुर), 3 police stations');
		await districtCommand(ctx.db, parseArgs(['list']), out);
		expect(lines).toEqual([
			'KBD    Kabirdham / कबीरधाम  Asia/Kolkata  number (none)  (default)',
			'RPR    Raipur City / रायपुर  Asia/Kolkata  number 100000000000002',
			'       police stations: Civil Lines (सिविल लाइन्स), Kotwali, Telibandha (तेलीबांधा)',
		]);
		await expect(districtCommand(ctx.db, parseArgs(['add', '--code', 'RPR', '--name', 'X', '--name-hi', 'क']), out)).rejects.toMatchObject({
			code: 'DISTRICT_EXISTS',
		});
		await expect(districtCommand(ctx.db, parseArgs(['edit', 'NOPE', '--name', 'x']), out)).rejects.toMatchObject({
			code: 'DISTRICT_NOT_FOUND',
		});
		await expect(districtCommand(ctx.db, parseArgs(['edit', 'RPR']), out)).rejects.toMatchObject({ code: 'CLI_USAGE' });
		await expect(districtCommand(ctx.db, parseArgs(['add', '--code', 'DRG', '--name']), out)).rejects.toMatchObject({
			code: 'CLI_USAGE',
			details: { field: 'name' },
		});
		expect(parseStations('none')).toEqual([]);
	});

	test('MITAN_DISTRICT decides the district of a complaint given none: its code starts the reference', async () => {
		process.env.MITAN_DISTRICT = 'RPR';
		const r = await new ComplaintService(ctx.db).intake({ body: 'UPI fraud, 5000 rupees gone', fromPhone: '+919811100001' }, by);
		expect(r.complaint.ref).toMatch(/^RPR-\d{4}-000001$/);
		delete process.env.MITAN_DISTRICT;
		const k = await new ComplaintService(ctx.db).intake({ body: 'fake army officer call', fromPhone: '+919811100002' }, by);
		expect(k.complaint.ref).toMatch(/^KBD-\d{4}-\d{6}$/);
		process.env.MITAN_DISTRICT = 'NOPE';
		await expect(new ComplaintService(ctx.db).intake({ body: 'x y z', fromPhone: '+919811100003' }, by)).rejects.toMatchObject({
			code: 'DISTRICT_NOT_FOUND',
			details: { field: 'MITAN_DISTRICT' },
		});
	});

	test("import: a station not on the district's list is a rejected row with its line; listed ones take the list's spelling", async () => {
		const rpr = (await findDistrict(ctx.db, { code: 'RPR' }))!;
		const p = csv('rpr.csv', 'Mobile,Thana\n9876522221,civil lines\n9876522222,तेलीबांधा\n9876522223,Bodla\n9876522224,\n');
		const all = await importRoster(ctx.db, { path: p, consentSource: 'camp Raipur', districtId: rpr.id });
		expect(all).toMatchObject({ committed: false, rejected: [{ line: 4, code: 'police_station', column: 'Thana' }] });
		expect(all.rejected[0].reason).toContain('"Bodla"');
		const [none] = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM subscribers WHERE district_id = $1', [rpr.id]);
		expect(none.n).toBe(0);
		// The same file through the CLI with --district, keeping the good rows.
		const r = await importCommand(ctx.db, parseArgs([p, '--consent', 'camp Raipur', '--district', 'RPR', '--partial']));
		expect(r).toMatchObject({ committed: true, inserted: 3 });
		const rows = await ctx.db.query<{ police_station: string | null }>(
			'SELECT police_station FROM subscribers WHERE district_id = $1 ORDER BY phone',
			[rpr.id],
		);
		expect(rows.map((x) => x.police_station)).toEqual(['Civil Lines', 'Telibandha', null]);
		// Kabirdham lists no stations: any name is taken, as before.
		const k = await importRoster(ctx.db, { path: p, consentSource: 'camp Kawardha' });
		expect(k).toMatchObject({ committed: true, inserted: 4 });
		await expect(importCommand(ctx.db, parseArgs([p, '--consent', 'x', '--district', 'ZZZ']))).rejects.toMatchObject({
			code: 'DISTRICT_NOT_FOUND',
			details: { field: '--district' },
		});
	});

	test('roster upsert and complaint intake check the station against the district list', async () => {
		const rpr = (await findDistrict(ctx.db, { code: 'RPR' }))!;
		const roster = new RosterService(ctx.db, rpr.id);
		const s = await roster.upsert({ phone: '9876533331', policeStation: 'KOTWALI', consentSource: 'form' }, by);
		expect(s.subscriber.policeStation).toBe('Kotwali');
		await expect(roster.upsert({ phone: '9876533332', policeStation: 'Pandariya', consentSource: 'form' }, by)).rejects.toMatchObject({
			code: 'POLICE_STATION_UNKNOWN',
			details: { field: 'policeStation' },
		});
		expect(await roster.getByPhone('9876533332')).toBeUndefined();
		const svc = new ComplaintService(ctx.db, { districtId: rpr.id });
		await expect(
			svc.intake({ body: 'my phone was hacked', fromPhone: '+919811100009', policeStation: 'Pandariya' }, by),
		).rejects.toMatchObject({
			code: 'POLICE_STATION_UNKNOWN',
		});
		const ok = await svc.intake({ body: 'my phone was hacked', fromPhone: '+919811100009', policeStation: 'सिविल लाइन्स' }, by);
		expect(ok.complaint).toMatchObject({ policeStation: 'Civil Lines' });
		expect(ok.complaint.ref).toMatch(/^RPR-/);
	});

	test("a broadcast is refused on another district's number; with none given it is the default district's", async () => {
		const rpr = (await findDistrict(ctx.db, { code: 'RPR' }))!;
		await expect(
			createBroadcast(ctx.db, { contentKey: 'k:1', templates: TEMPLATES, date: '2030-01-01', phoneNumberId: '100000000000002' }),
		).rejects.toMatchObject({ details: { field: 'phoneNumberId' } });
		process.env.MITAN_DISTRICT = 'RPR';
		const { broadcast } = await createBroadcast(ctx.db, {
			contentKey: 'k:1',
			templates: TEMPLATES,
			date: '2030-01-01',
			phoneNumberId: '100000000000002',
		});
		expect(broadcast.districtId).toBe(rpr.id);
		const [n] = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM deliveries WHERE broadcast_id = $1', [broadcast.id]);
		const [active] = await ctx.db.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM subscribers WHERE district_id = $1 AND status = 'active'`,
			[rpr.id],
		);
		expect(n.n).toBe(active.n);
	});

	test('the same content key in two districts is two broadcasts and two posts (idempotency is per district)', async () => {
		const rpr = (await findDistrict(ctx.db, { code: 'RPR' }))!;
		const k = 'daily:state-wide:2030-02-01';
		const a = await createBroadcast(ctx.db, { contentKey: k, templates: TEMPLATES, date: '2030-02-01', districtId: 1 });
		const b = await createBroadcast(ctx.db, { contentKey: k, templates: TEMPLATES, date: '2030-02-01', districtId: rpr.id });
		expect(b.created).toBe(true);
		expect(b.broadcast.id).not.toBe(a.broadcast.id);
		expect(b.broadcast.districtId).toBe(rpr.id);
		const again = await createBroadcast(ctx.db, { contentKey: k, templates: TEMPLATES, date: '2030-02-01', districtId: rpr.id });
		expect(again).toMatchObject({ created: false, broadcast: { id: b.broadcast.id } });
		const post = (districtId: number) =>
			claimPost(ctx.db, {
				contentKey: 'inline:same',
				contentId: null,
				channel: 'facebook',
				districtId,
				worker: `w${districtId}`,
				leaseSeconds: 60,
			});
		const [p1, p2] = [await post(1), await post(rpr.id)];
		expect([p1.kind, p2.kind]).toEqual(['claimed', 'claimed']);
		expect(p1.row.id).not.toBe(p2.row.id);
	});
});
