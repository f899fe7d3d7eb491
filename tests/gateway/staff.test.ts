/** The staff registry (core/staff) and `mitan staff`: the one answer to "is this a staff number". */
import { staffCommand } from '../../cli/staff';
import { parseArgs } from '../../cli/args';
import { addStaff, isStaffNumber, listStaff, removeStaff } from '../../core/staff';
import { describeEachEngine } from '../helpers/db';

describeEachEngine('staff registry', (ctx) => {
	const by = { actor: 'test' };

	test('add (any spelling of the number), list, a second duty, rename, remove; every change audited with the number masked', async () => {
		const r = await addStaff(ctx.db, { phone: '098765 43210', name: 'Inspector Sahu', duty: 'duty_officer' }, by);
		expect(r).toMatchObject({ outcome: 'added', member: { phone: '+919876543210', duty: 'duty_officer' } });
		expect(await isStaffNumber(ctx.db, 1, '+919876543210')).toBe(true);
		expect(await isStaffNumber(ctx.db, 1, '919876543210')).toBe(true); // a WhatsApp id's digits
		expect(await isStaffNumber(ctx.db, 2, '+919876543210')).toBe(false); // another district's
		expect(await isStaffNumber(ctx.db, 1, '+919876543211')).toBe(false);
		// One officer in two roles (a small district's cyber cell in-charge is also the duty officer).
		expect((await addStaff(ctx.db, { phone: '+919876543210', name: 'Inspector Sahu', duty: 'cyber_cell' }, by)).outcome).toBe('added');
		expect((await listStaff(ctx.db, 1, 'cyber_cell')).map((m) => m.phone)).toContain('+919876543210');
		expect((await listStaff(ctx.db, 1, 'duty_officer')).map((m) => m.phone)).toContain('+919876543210');
		expect((await addStaff(ctx.db, { phone: '+919876543210', name: 'Insp. R. Sahu', duty: 'cyber_cell' }, by)).outcome).toBe('updated');
		// The exported workflows' placeholders are accepted, as in their Settings nodes.
		await addStaff(ctx.db, { phone: '+910000000002', name: 'Duty officer (placeholder)', duty: 'duty_officer' }, by);
		expect((await removeStaff(ctx.db, { phone: '+919876543210', duty: 'cyber_cell' }, by)).map((m) => m.duty)).toEqual(['cyber_cell']);
		expect(await isStaffNumber(ctx.db, 1, '+919876543210')).toBe(true); // still the duty officer
		await addStaff(ctx.db, { phone: '+919876543210', name: 'Inspector Sahu', duty: 'leadership' }, by);
		expect((await removeStaff(ctx.db, { phone: '+919876543210' }, by)).map((m) => m.duty).sort()).toEqual(['duty_officer', 'leadership']);
		expect(await isStaffNumber(ctx.db, 1, '+919876543210')).toBe(false);
		const audit = await ctx.db.query<{ action: string; details: { phone: string } }>(
			`SELECT action, details FROM audit_log WHERE entity = 'staff_number' ORDER BY id`,
		);
		expect(audit.map((a) => a.action)).toEqual([
			'staff.added',
			'staff.added',
			'staff.updated',
			'staff.added',
			'staff.removed',
			'staff.added',
			'staff.removed',
			'staff.removed',
		]);
		expect(JSON.stringify(audit)).not.toContain('9876543210');
	});

	test.each([
		[{ phone: '12345', name: 'x' }, 'phone'],
		[{ phone: '+919876543212', name: '  ' }, 'name'],
		[{ phone: '+919876543212', name: 'x', duty: 'chief' }, 'duty'],
	])('bad input %j is refused naming the field, nothing written', async (input, field) => {
		await expect(addStaff(ctx.db, input, by)).rejects.toMatchObject({ code: 'STAFF_BAD_INPUT', details: { field } });
		expect(await isStaffNumber(ctx.db, 1, '+919876543212')).toBe(false);
	});

	test('removing a number that is not registered says so', async () => {
		await expect(removeStaff(ctx.db, { phone: '+919876543299' }, by)).rejects.toMatchObject({ code: 'STAFF_NOT_FOUND' });
		await expect(removeStaff(ctx.db, { phone: '+919876543299', duty: 'chief' }, by)).rejects.toMatchObject({
			code: 'STAFF_BAD_INPUT',
			details: { field: 'duty' },
		});
	});

	test('mitan staff add / list / remove', async () => {
		const out: string[] = [];
		const run = (argv: string[]) => staffCommand(ctx.db, parseArgs(argv), (s) => out.push(s));
		expect(await run(['add', '+919876543220', '--name', 'SI Verma', '--duty', 'leadership'])).toBe(0);
		expect(out.pop()).toBe('added: +91 98XXXXX220 (leadership, SI Verma)');
		await run(['list', '--duty', 'leadership']);
		expect(out.pop()).toMatch(/^\+919876543220\s+leadership\s+SI Verma$/);
		await run(['remove', '+919876543220']);
		expect(out.pop()).toBe('removed: +91 98XXXXX220 (leadership)');
		await expect(run(['fire', '+919876543220'])).rejects.toMatchObject({ code: 'STAFF_BAD_INPUT', details: { field: 'command' } });
		await expect(run(['add'])).rejects.toMatchObject({ code: 'STAFF_BAD_INPUT', details: { field: 'phone' } });
	});
});
