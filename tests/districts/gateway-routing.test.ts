/**
 * One gateway for two districts: a webhook is the district of the number it came to
 * (metadata.phone_number_id → districts.wa_phone_number_id), so a citizen writing to Raipur's
 * number is Raipur's message and Raipur's complaint (RPR-…), and the same for Kabirdham.
 */
import { ComplaintService } from '../../core/complaints';
import { createDistrict, type District } from '../../core/districts';
import { describeEachEngine } from '../helpers/db';
import { envelope, webhookSuite } from '../gateway/helpers';
import { PHONE_ID } from '../sandbox/helpers';

const PHONE_2 = '100000000000002';

const textTo = (phoneNumberId: string, from: string, id: string, text: string) =>
	envelope(
		'messages',
		{
			contacts: [{ profile: { name: 'नागरिक' }, wa_id: from }],
			messages: [{ from, id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
		},
		phoneNumberId,
	);

describeEachEngine('gateway routes two districts by phone number id', (ctx) => {
	let raipur: District;
	// Before the gateway's first webhook: its number cache loads on first use.
	beforeAll(async () => {
		raipur = await createDistrict(ctx.db, { code: 'RPR', name: 'Raipur', nameHi: 'रायपुर', waPhoneNumberId: PHONE_2 }, { actor: 'test' });
		await ctx.db.query('UPDATE districts SET wa_phone_number_id = $1 WHERE id = 1', [PHONE_ID]);
	});
	const gw = webhookSuite(ctx);

	test("each number's messages land in its own district, and their complaints carry its code", async () => {
		expect((await gw.post(textTo(PHONE_2, '919876511001', 'wamid.rt.rpr.1', 'UPI से 2000 रुपये कट गए'))).status).toBe(200);
		expect((await gw.post(textTo(PHONE_ID, '919876511002', 'wamid.rt.kbd.1', 'fake army officer asked for money'))).status).toBe(200);
		const unknown = await gw.post(textTo('100000000000777', '919876511003', 'wamid.rt.none.1', 'hello'));
		expect(unknown.body.ignored).toEqual({ unknown_phone_number_id: 1 });
		await gw.router.gateway.idle();
		const rows = await ctx.db.query<{ wamid: string; district_id: number; id: number }>(
			`SELECT wamid, district_id, id FROM inbound_messages WHERE wamid LIKE 'wamid.rt.%' ORDER BY wamid`,
		);
		expect(rows.map((r) => [r.wamid, r.district_id])).toEqual([
			['wamid.rt.kbd.1', 1],
			['wamid.rt.rpr.1', raipur.id],
		]);
		// The complaint service is built with no district: the message's own district decides.
		const svc = new ComplaintService(ctx.db);
		const r = await svc.intake({ inboundMessageId: rows[1].id }, { actor: 'test' });
		const k = await svc.intake({ inboundMessageId: rows[0].id }, { actor: 'test' });
		expect(r.complaint.ref).toMatch(/^RPR-\d{4}-000001$/);
		expect(k.complaint.ref).toMatch(/^KBD-\d{4}-\d{6}$/);
		expect(r.complaint.districtId).toBe(raipur.id);
	});
});
