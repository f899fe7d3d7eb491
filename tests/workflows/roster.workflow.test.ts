import type { INodeParameters } from 'n8n-workflow';
import { closeAllPools } from '../../nodes/shared/db';
import { describeEachEngine } from '../helpers/db';
import { N8nHarness, nodeType, type WorkflowJson } from '../helpers/n8n';

const wf = (operationParams: INodeParameters, extra: Partial<WorkflowJson['nodes'][number]> = {}): WorkflowJson => ({
	name: 'roster test',
	nodes: [
		{
			id: 'r1',
			name: 'Roster',
			type: nodeType('mitanRoster'),
			typeVersion: 1,
			position: [0, 0],
			parameters: operationParams,
			credentials: { mitanDatabaseApi: { id: '1', name: 'Mitan DB' } },
			...extra,
		},
		{
			id: 'r2',
			name: 'Count',
			type: nodeType('mitanRoster'),
			typeVersion: 1,
			position: [200, 0],
			parameters: { resource: 'roster', operation: 'count', dimension: 'police_station' },
			credentials: { mitanDatabaseApi: { id: '1', name: 'Mitan DB' } },
			executeOnce: true,
		},
	],
	connections: { Roster: { main: [[{ node: 'Count', type: 'main', index: 0 }]] } },
	settings: { timezone: 'Asia/Kolkata', executionOrder: 'v1' },
});

describeEachEngine('Mitan Roster node in n8n-core', (ctx) => {
	let h: N8nHarness;
	beforeAll(() => {
		h = new N8nHarness({ credentials: { mitanDatabaseApi: { connectBy: 'url', url: ctx.t.url } } });
	});
	afterAll(() => closeAllPools());

	test('upsert per item with expressions, pairedItem on every output, then count', async () => {
		const r = await h.run(
			wf({
				resource: 'subscriber',
				operation: 'upsert',
				phone: '={{ $json.mobile }}',
				consentSource: 'camp',
				fields: { name: '={{ $json.name }}', policeStation: '={{ $json.ps }}' },
			}),
			{
				input: [
					{ mobile: '९८७६५४३२१०', name: 'आशा', ps: 'Kawardha' },
					{ mobile: '+91-98765-43211', name: 'Ravi', ps: 'Bodla' },
				],
			},
		);
		expect(r.status).toBe('success');
		const out = r.items('Roster');
		expect(out.map((i) => i.json.phone)).toEqual(['+919876543210', '+919876543211']);
		expect(out.map((i) => i.json.phoneMasked)).toEqual(['+91 98XXXXX210', '+91 98XXXXX211']);
		expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(r.output('Count')).toEqual([
			{ police_station: 'Bodla', count: 1 },
			{ police_station: 'Kawardha', count: 1 },
		]);
	});

	test('a bad item fails the run with its index, or continues with the error when continueOnFail', async () => {
		const params = { resource: 'subscriber', operation: 'upsert', phone: '={{ $json.mobile }}', consentSource: 'camp' };
		const failed = await h.run(wf(params), { input: [{ mobile: '9876543212' }, { mobile: '12345' }] });
		expect(failed.status).toBe('error');
		expect(failed.error?.message).toMatch(/phone "12345": too short/);
		expect((failed.error as unknown as { context: { itemIndex: number } }).context.itemIndex).toBe(1);

		const cont = await h.run(wf(params, { onError: 'continueRegularOutput' }), {
			input: [{ mobile: '9876543213' }, { mobile: '011 2345 6789' }],
		});
		expect(cont.status).toBe('success');
		const out = cont.output('Roster');
		expect(out[0].phone).toBe('+919876543213');
		expect(out[1]).toMatchObject({ code: 'PHONE_INVALID', action: 'fix_input', error: expect.stringMatching(/landline/) });
	});

	test('import a CSV from binary data and export the segment', async () => {
		const csv = Buffer.from('मोबाइल,नाम,थाना\n9876500101,A,Kawardha\n9876500102,B,Kawardha\n9876500101,A,Kawardha\n');
		const json: WorkflowJson = {
			name: 'import',
			nodes: [
				{
					id: 'a',
					name: 'Import',
					type: nodeType('mitanRoster'),
					typeVersion: 1,
					position: [0, 0],
					parameters: { resource: 'roster', operation: 'import', binaryPropertyName: 'data', consentSource: 'form' },
					credentials: { mitanDatabaseApi: { id: '1', name: 'db' } },
				},
				{
					id: 'b',
					name: 'Export',
					type: nodeType('mitanRoster'),
					typeVersion: 1,
					position: [200, 0],
					parameters: { resource: 'roster', operation: 'export', filters: { policeStation: 'Kawardha' } },
					credentials: { mitanDatabaseApi: { id: '1', name: 'db' } },
				},
			],
			connections: { Import: { main: [[{ node: 'Export', type: 'main', index: 0 }]] } },
		};
		const withBinary = await h.run(json, {
			items: [{ json: {}, binary: { data: { data: csv.toString('base64'), mimeType: 'text/csv', fileName: 'camp.csv' } } }],
		});
		expect(withBinary.status).toBe('success');
		expect(withBinary.output('Import')[0]).toMatchObject({ committed: true, inserted: 2, duplicates: [{ line: 4, firstLine: 2 }] });
		const exported = withBinary.items('Export')[0];
		expect(exported.json.rows).toBe(3);
		expect(Buffer.from(exported.binary!.data.data, 'base64').toString()).toContain('+919876500101,A,hi,Kawardha');
	});

	test('erase goes through core/erasure: the citizen is gone, and the node cannot add them back', async () => {
		const add = { resource: 'subscriber', operation: 'upsert', phone: '9876544401', consentSource: 'camp', fields: { name: 'Lata' } };
		expect((await h.run(wf(add), { input: [{}] })).status).toBe('success');
		const erased = await h.run(wf({ resource: 'subscriber', operation: 'erase', phone: '9876544401' }), { input: [{}] });
		expect(erased.status).toBe('success');
		expect(erased.output('Roster')[0]).toMatchObject({ erased: true, receipt: { counts: { subscribers: 1 }, suppressed: 1 } });
		expect(JSON.stringify(erased.output('Roster'))).not.toMatch(/44401|Lata/);
		const again = await h.run(wf(add), { input: [{}] });
		expect(again.status).toBe('error');
		expect(again.error?.message).toMatch(/asked to be erased/);
	});
});
