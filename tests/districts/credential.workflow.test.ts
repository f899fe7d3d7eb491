/**
 * Nodes take their district from the Mitan Database credential's District Code (n8n-core runs
 * the real node code): the same Roster node writes into Raipur with Raipur's credential and into
 * the first district with a credential that names none; an unknown code fails naming the field.
 */
import type { INodeParameters } from 'n8n-workflow';
import { createDistrict } from '../../core/districts';
import { closeAllPools } from '../../nodes/shared/db';
import { describeEachEngine } from '../helpers/db';
import { N8nHarness, nodeType, type WorkflowJson } from '../helpers/n8n';

const wf = (params: INodeParameters): WorkflowJson => ({
	name: 'district credential',
	nodes: [
		{
			id: 'r1',
			name: 'Roster',
			type: nodeType('mitanRoster'),
			typeVersion: 1,
			position: [0, 0],
			parameters: params,
			credentials: { mitanDatabaseApi: { id: '1', name: 'Mitan DB' } },
		},
	],
	connections: {},
	settings: { executionOrder: 'v1' },
});

const upsert = (phone: string, ps = '') =>
	wf({ resource: 'subscriber', operation: 'upsert', phone, consentSource: 'camp', fields: ps ? { policeStation: ps } : {} });

describeEachEngine('nodes take the district from the credential', (ctx) => {
	let rpr: number;
	beforeAll(async () => {
		rpr = (
			await createDistrict(
				ctx.db,
				{ code: 'RPR', name: 'Raipur', nameHi: 'रायपुर', policeStations: [{ name: 'Civil Lines', nameHi: 'सिविल लाइन्स' }] },
				{ actor: 'test' },
			)
		).id;
	});
	afterAll(async () => {
		await closeAllPools();
	});
	const harness = (district?: string) =>
		new N8nHarness({
			credentials: { mitanDatabaseApi: { connectBy: 'url', url: ctx.t.url, ...(district !== undefined ? { district } : {}) } },
		});
	const districtOf = async (phone: string) =>
		(
			await ctx.db.query<{ district_id: number; police_station: string | null }>(
				'SELECT district_id, police_station FROM subscribers WHERE phone = $1',
				[phone],
			)
		)[0];

	test("Raipur's credential: Raipur's roster, checked against Raipur's stations", async () => {
		const r = await harness('RPR').run(upsert('9876544401', 'सिविल लाइन्स'));
		expect(r.status).toBe('success');
		expect(await districtOf('+919876544401')).toEqual({ district_id: rpr, police_station: 'Civil Lines' });
		const bad = await harness('RPR').run(upsert('9876544402', 'Bodla'));
		expect(bad.status).toBe('error');
		expect(bad.error?.message).toMatch(/policeStation: "Bodla" is not one of this district's police stations/);
		expect(await districtOf('+919876544402')).toBeUndefined();
	});

	test('no District Code: the first district; an unknown one fails naming the credential field', async () => {
		expect((await harness('').run(upsert('9876544403'))).status).toBe('success');
		expect((await districtOf('+919876544403')).district_id).toBe(1);
		const bad = await harness('ZZZ').run(upsert('9876544404'));
		expect(bad.status).toBe('error');
		expect(bad.error?.message).toMatch(/Mitan Database credential: District Code: no district with code "ZZZ" \(known: KBD, RPR\)/);
		expect(await districtOf('+919876544404')).toBeUndefined();
	});
});
