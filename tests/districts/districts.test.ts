/**
 * Districts (issue 19 §1): create, edit, list, find, and the checks on every field; a refused
 * district leaves nothing behind (no row, no station, no audit entry).
 */
import type { Db } from '../../core/db';
import {
	checkPoliceStation,
	createDistrict,
	defaultDistrictId,
	editDistrict,
	findDistrict,
	listDistricts,
	resolveDistrict,
} from '../../core/districts';
import { describeEachEngine } from '../helpers/db';

const by = { actor: 'user:admin', ip: '127.0.0.1' };
const RAIPUR = {
	code: 'RPR',
	name: 'Raipur',
	nameHi: 'रायपुर',
	timezone: 'Asia/Kolkata',
	waPhoneNumberId: '100000000000002',
	policeStations: [
		{ name: 'Civil Lines', nameHi: 'सिविल लाइन्स' },
		{ name: 'Telibandha', nameHi: null },
	],
};

async function counts(db: Db) {
	const [r] = await db.query<{ d: number; s: number; a: number }>(
		`SELECT (SELECT count(*)::int FROM districts) AS d, (SELECT count(*)::int FROM police_stations) AS s,
            (SELECT count(*)::int FROM audit_log WHERE entity = 'district') AS a`,
	);
	return r;
}

describeEachEngine('districts', (ctx) => {
	const db = () => ctx.t.db;

	test('the installation starts with one district, the default when MITAN_DISTRICT is unset', async () => {
		const all = await listDistricts(db());
		expect(all.map((d) => d.code)).toEqual(['KBD']);
		expect(await defaultDistrictId(db(), {})).toBe(all[0].id);
		expect(await defaultDistrictId(db(), { defaultDistrict: 'KBD' })).toBe(all[0].id);
		await expect(defaultDistrictId(db(), { defaultDistrict: 'XYZ' })).rejects.toMatchObject({
			code: 'DISTRICT_NOT_FOUND',
			details: { field: 'MITAN_DISTRICT' },
		});
	});

	test('create, then find by id, code and WhatsApp number id; audited', async () => {
		const d = await createDistrict(db(), RAIPUR, by);
		expect(d).toMatchObject({ code: 'RPR', name: 'Raipur', nameHi: 'रायपुर', waPhoneNumberId: '100000000000002' });
		expect(d.policeStations).toEqual(RAIPUR.policeStations);
		expect(await findDistrict(db(), { id: d.id })).toEqual(d);
		expect(await findDistrict(db(), { code: 'RPR' })).toEqual(d);
		expect(await findDistrict(db(), { phoneNumberId: '100000000000002' })).toEqual(d);
		expect((await resolveDistrict(db(), 'RPR')).id).toBe(d.id);
		expect(await defaultDistrictId(db(), { defaultDistrict: 'RPR' })).toBe(d.id);
		const [a] = await db().query<{ actor: string; district_id: number }>(
			`SELECT actor, district_id FROM audit_log WHERE action = 'district.create' AND entity_id = $1`,
			[String(d.id)],
		);
		expect(a).toEqual({ actor: 'user:admin', district_id: d.id });
	});

	test.each([
		['a lower-case code', { code: 'rpr2' }, 'code'],
		['a code of seven letters', { code: 'RAIPURX' }, 'code'],
		['an empty Hindi name', { code: 'DRG', nameHi: '  ' }, 'nameHi'],
		['a Hindi name in Latin letters', { code: 'DRG', nameHi: 'Durg' }, 'nameHi'],
		['an empty English name', { code: 'DRG', name: '' }, 'name'],
		['a name that is a spreadsheet formula', { code: 'DRG', name: '=HYPERLINK("x")' }, 'name'],
		['an unknown time zone', { code: 'DRG', timezone: 'Asia/Raipur' }, 'timezone'],
		['a zone abbreviation', { code: 'DRG', timezone: 'IST' }, 'timezone'],
		['a phone number id that is not one', { code: 'DRG', waPhoneNumberId: '+91 98765 43210' }, 'waPhoneNumberId'],
		[
			'a station listed twice',
			{
				code: 'DRG',
				policeStations: [
					{ name: 'Kotwali', nameHi: null },
					{ name: 'kotwali ', nameHi: null },
				],
			},
			'policeStations[1].name',
		],
		['a station with no name', { code: 'DRG', policeStations: [{ name: ' ', nameHi: null }] }, 'policeStations[0].name'],
	])('refuses %s, naming the field, and saves nothing', async (_what, over, field) => {
		const before = await counts(db());
		await expect(
			createDistrict(db(), { ...{ code: 'DRG', name: 'Durg', nameHi: 'दुर्ग', timezone: 'Asia/Kolkata' }, ...over } as never, by),
		).rejects.toMatchObject({ code: 'DISTRICT_INVALID', action: 'fix_input', details: { field } });
		expect(await counts(db())).toEqual(before);
	});

	test.each([
		['a duplicate code', { code: 'RPR', waPhoneNumberId: null }, 'code'],
		['a duplicate WhatsApp number id', { code: 'DRG', waPhoneNumberId: '100000000000002' }, 'waPhoneNumberId'],
	])('refuses %s with DISTRICT_EXISTS and saves nothing', async (_what, over, field) => {
		const before = await counts(db());
		const err = await createDistrict(
			db(),
			{ name: 'Durg', nameHi: 'दुर्ग', policeStations: [{ name: 'Kotwali', nameHi: null }], ...over } as never,
			by,
		).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(err).toMatchObject({ code: 'DISTRICT_EXISTS', details: { field } });
		expect((err as Error).message).toContain('RPR');
		expect(await counts(db())).toEqual(before);
	});

	test('edit changes only what it names; a refused edit changes nothing', async () => {
		const d = await editDistrict(
			db(),
			{ code: 'RPR' },
			{ name: 'Raipur City', policeStations: [{ name: 'Kotwali', nameHi: 'कोतवाली' }] },
			by,
		);
		expect(d).toMatchObject({ code: 'RPR', name: 'Raipur City', nameHi: 'रायपुर', timezone: 'Asia/Kolkata' });
		expect(d.policeStations).toEqual([{ name: 'Kotwali', nameHi: 'कोतवाली' }]);
		const before = await counts(db());
		await expect(editDistrict(db(), { id: d.id }, { name: 'Raipur', nameHi: '' }, by)).rejects.toMatchObject({
			code: 'DISTRICT_INVALID',
			details: { field: 'nameHi' },
		});
		await expect(editDistrict(db(), { id: d.id }, { waPhoneNumberId: 'abc' }, by)).rejects.toMatchObject({
			details: { field: 'waPhoneNumberId' },
		});
		await expect(editDistrict(db(), { id: d.id }, { code: 'KBD' }, by)).rejects.toMatchObject({
			code: 'DISTRICT_EXISTS',
			details: { field: 'code' },
		});
		await expect(editDistrict(db(), { code: 'NONE' }, { name: 'x' }, by)).rejects.toMatchObject({ code: 'DISTRICT_NOT_FOUND' });
		expect(await counts(db())).toEqual(before);
		expect(await findDistrict(db(), { id: d.id })).toEqual(d);
	});

	test('the code stays once the district has issued a complaint reference', async () => {
		const d = (await findDistrict(db(), { code: 'RPR' }))!;
		await db().query(`INSERT INTO complaints (ref, district_id, category, status) VALUES ('RPR-2026-000001', $1, 'other', 'new')`, [d.id]);
		await expect(editDistrict(db(), { id: d.id }, { code: 'RAI' }, by)).rejects.toMatchObject({
			code: 'DISTRICT_CODE_IN_USE',
			details: { field: 'code' },
		});
		expect((await findDistrict(db(), { id: d.id }))!.code).toBe('RPR');
	});

	test('police stations: matched without case or by Hindi name; a district with no list takes any', async () => {
		const rpr = (await findDistrict(db(), { code: 'RPR' }))!;
		expect(await checkPoliceStation(db(), rpr.id, 'KOTWALI')).toBe('Kotwali');
		expect(await checkPoliceStation(db(), rpr.id, 'कोतवाली')).toBe('Kotwali');
		await expect(checkPoliceStation(db(), rpr.id, 'Bodla', 'police_station')).rejects.toMatchObject({
			code: 'POLICE_STATION_UNKNOWN',
			details: { field: 'police_station' },
		});
		const kbd = (await findDistrict(db(), { code: 'KBD' }))!;
		expect(await checkPoliceStation(db(), kbd.id, 'Anywhere')).toBe('Anywhere');
	});
});
