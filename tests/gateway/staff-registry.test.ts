/**
 * The staff registry as the one owner of the workflows' staff numbers (issue 17): numbers by role as
 * the workflows read them, the one-time seed from the installed Settings nodes (upgrade) or the
 * placeholders (fresh install), and the live-credential refusal naming the role and field.
 */
import { addStaff, listStaff, removeStaff } from '../../core/staff';
import { assertStaffRegistryLive } from '../../core/staff/live';
import { groupByRole, staffByRole } from '../../core/staff/roles';
import { ensureStaffRegistrySeeded, liveNumbers, seedStaffRegistry, staffRegistrySeeded } from '../../core/staff/seed';
import { installedSettings } from '../../cli/n8n-imports';
import { describeEachEngine } from '../helpers/db';

const LIVE = { baseUrl: 'https://graph.example.invalid' };
const SANDBOX = { baseUrl: 'http://127.0.0.1:3900' };

// What a district had typed into its installed workflows' Settings nodes before the registry.
const installed = [
	{
		workflow: 'Police Mitan: complaint intake',
		values: {
			cyberCellPhone: '+919876500001',
			dutyOfficerPhone: '098765 00001', // the same officer, in another role
			leadershipPhones: '+919876500003, +910000000004',
			approverPhone: '+910000000010', // never changed: still the placeholder
		},
	},
	{ workflow: 'Police Mitan: daily broadcast 10:00', values: { cyberCellPhone: '+919876500001, 12345', other: 'x' } },
];

test('the live numbers of the Settings nodes, by role; placeholders and duplicates left out, a bad value named', () => {
	const { found, skipped } = liveNumbers(installed);
	expect(found.map((f) => `${f.duty} ${f.phone}`)).toEqual([
		'cyber_cell +919876500001',
		'duty_officer +919876500001',
		'leadership +919876500003',
	]);
	expect(found[0].from).toBe('workflow "Police Mitan: complaint intake", Settings field "cyberCellPhone"');
	expect(skipped).toEqual([expect.objectContaining({ from: expect.stringContaining('daily broadcast'), reason: expect.any(String) })]);
});

test("the installed Settings nodes as n8n holds them (only a Set node named Settings; today's workflows have none)", () => {
	const nodes = {
		A: [
			{
				name: 'Settings',
				type: 'n8n-nodes-base.set',
				parameters: { assignments: { assignments: [{ name: 'cyberCellPhone', value: '+919876500001' }] } },
			},
		],
		B: [{ name: 'Staff numbers', type: 'n8n-nodes-police-mitan.mitanNotify', parameters: { resource: 'staff' } }],
	};
	expect(
		installedSettings(
			[
				{ id: 'A', name: 'old' },
				{ id: 'B', name: 'new' },
				{ id: 'C', name: 'absent' },
			],
			nodes,
		),
	).toEqual([{ workflow: 'old', values: { cyberCellPhone: '+919876500001' } }]);
});

test('numbers by role as the workflows read them: lists joined, the first approver, a missing role empty', () => {
	const m = (duty: string, phone: string, name = 'x') =>
		({ id: 1, districtId: 1, phone, name, duty, addedBy: 't', createdAt: new Date() }) as never;
	const r = groupByRole([m('leadership', '+919876500003', 'SP'), m('leadership', '+919876500004', 'IG'), m('approver', '+919876500010')]);
	expect(r).toMatchObject({
		cyberCellPhone: '',
		dutyOfficerPhone: '',
		leadershipPhones: '+919876500003, +919876500004',
		approverPhone: '+919876500010',
	});
	expect(r.staff.leadership).toEqual([
		{ phone: '+919876500003', name: 'SP' },
		{ phone: '+919876500004', name: 'IG' },
	]);
});

describeEachEngine('staff registry seed and live check', (ctx) => {
	test('a fresh install: the placeholders, once; a removed one is never put back', async () => {
		const r = await seedStaffRegistry(ctx.db, { districtId: 1, installed: [], actor: 'system:upgrade' });
		expect(r).toMatchObject({ seeded: true, source: 'placeholders' });
		expect(await staffByRole(ctx.db, 1)).toMatchObject({
			cyberCellPhone: '+910000000001',
			dutyOfficerPhone: '+910000000002',
			leadershipPhones: '+910000000003, +910000000004',
			approverPhone: '+910000000010',
		});
		await expect(assertStaffRegistryLive(ctx.db, 1, SANDBOX)).resolves.toBeUndefined();
		await removeStaff(ctx.db, { phone: '+910000000004' }, { actor: 'test' });
		expect(await seedStaffRegistry(ctx.db, { districtId: 1, installed, actor: 'system:upgrade' })).toMatchObject({ seeded: false });
		expect(await staffRegistrySeeded(ctx.db, 1)).toBe(true);
		expect((await staffByRole(ctx.db, 1)).leadershipPhones).toBe('+910000000003');
	});

	test('a live credential is refused while an entry is a placeholder, naming the role and field; real numbers pass', async () => {
		let err: { code?: string; message?: string; details?: Record<string, unknown> } = {};
		await assertStaffRegistryLive(ctx.db, 1, LIVE).catch((e) => (err = e));
		expect(err.code).toBe('STAFF_PHONE_PLACEHOLDER');
		expect(err.message).toContain(
			'role duty officer / ड्यूटी अधिकारी (dutyOfficerPhone), field "phone" of "Duty officer (placeholder)": +910000000002',
		);
		expect(err.message).toContain('(approverPhone)');
		expect(err.details).toMatchObject({ field: 'phone', roles: ['approver', 'cyber_cell', 'duty_officer', 'leadership'] });
		for (const m of await listStaff(ctx.db, 1)) await removeStaff(ctx.db, { phone: m.phone, duty: m.duty }, { actor: 'test' });
		await addStaff(ctx.db, { phone: '+919876500010', name: 'Addl SP Rao', duty: 'approver' }, { actor: 'test' });
		await expect(assertStaffRegistryLive(ctx.db, 1, LIVE)).resolves.toBeUndefined();
	});

	test('an upgrade: the numbers a district typed become entries (audited with their workflow and field); the rest placeholders', async () => {
		const [{ id: d2 }] = await ctx.db.query<{ id: number }>(
			`INSERT INTO districts (code, name, name_hi) VALUES ('UPG', 'Upgraded', 'अपग्रेड') RETURNING id`,
		);
		// Added by hand before the upgrade: that role keeps its entry and gets no placeholder.
		await addStaff(ctx.db, { districtId: d2, phone: '+919876500020', name: 'Addl SP Rao', duty: 'approver' }, { actor: 'test' });
		const r = await seedStaffRegistry(ctx.db, { districtId: d2, installed, actor: 'system:upgrade' });
		expect(r).toMatchObject({ seeded: true, source: 'workflows' });
		expect(await staffByRole(ctx.db, d2)).toMatchObject({
			cyberCellPhone: '+919876500001',
			dutyOfficerPhone: '+919876500001',
			leadershipPhones: '+919876500003',
			approverPhone: '+919876500020',
		});
		const audit = await ctx.db.query<{ action: string; details: Record<string, unknown> }>(
			`SELECT action, details FROM audit_log WHERE district_id = $1 AND entity IN ('staff_number', 'staff_registry') ORDER BY id`,
			[d2],
		);
		expect(audit.map((a) => a.action)).toEqual(['staff.added', 'staff.added', 'staff.added', 'staff.added', 'staff.seeded']);
		expect(audit[1].details).toMatchObject({
			duty: 'cyber_cell',
			source: 'workflow "Police Mitan: complaint intake", Settings field "cyberCellPhone"',
		});
		expect(audit[4].details).toMatchObject({ source: 'workflows', added: 3, fromWorkflows: 3 });
		expect(JSON.stringify(audit)).not.toContain('9876500001');
	});

	test('a registry never seeded (the package in an n8n of its own) gets the placeholders on first use, once', async () => {
		const [{ id: d3 }] = await ctx.db.query<{ id: number }>(
			`INSERT INTO districts (code, name, name_hi) VALUES ('FRU', 'First use', 'पहला उपयोग') RETURNING id`,
		);
		await Promise.all([ensureStaffRegistrySeeded(ctx.db, d3), ensureStaffRegistrySeeded(ctx.db, d3)]);
		expect((await listStaff(ctx.db, d3)).map((m) => m.phone).sort()).toEqual([
			'+910000000001',
			'+910000000002',
			'+910000000003',
			'+910000000004',
			'+910000000010',
		]);
	});
});
