import { e164FromWaId, isE164, maskPhone, normalisePhone, phoneFromWaId, toAsciiDigits, waDigits } from '../../core/phone';

const OK = '+919876543210';
// Real forms seen on camp sheets, Google Forms and WhatsApp forwards.
const accepted: [string | number, string][] = [
	['9876543210', OK],
	['098765 43210', OK],
	['+91-98765-43210', OK],
	['91 9876543210', OK],
	['(+91) 98765 43210', OK],
	['९८७६५४३२१०', OK],
	['919876543210', OK],
	['0091 98765 43210', OK],
	['+91 98765 43210', OK],
	['98765-43210', OK],
	['98765 43210', OK],
	['+919876543210', OK],
	['098765-43210', OK],
	[' 9876543210 ', OK],
	["'9876543210", OK],
	['+91 (987) 654-3210', OK],
	['9876543210.0', OK],
	['9.87654321E9', OK],
	[9876543210, OK],
	['०९८७६५४३२१०', OK],
	['+९१ ९८७६५ ४३२१०', OK],
	['+91.98765.43210', OK],
	['91-9876543210', OK],
	['+91 9876 543 210', OK],
	['987 654 3210', OK],
	['\u00a09876543210\u00a0', OK],
	['９８７６５４３２１０', OK],
	['+91 - 98765 43210', OK],
	['6000000000', '+916000000000'],
	['7000012345', '+917000012345'],
	['8123456789', '+918123456789'],
	['9191919191', '+919191919191'],
	['০৯৮৭৬৫৪৩২১০', OK],
];
const rejected: [string, string][] = [
	['011 2345 6789', 'landline'],
	['01123456789', 'landline'],
	['+911123456789', 'landline'],
	['080 2345 6789', 'landline'],
	['+91 80 2345 6789', 'landline'],
	['100', 'too_short'],
	['1930', 'too_short'],
	['12345', 'too_short'],
	['98765432', 'too_short'],
	['+1 415 555 2671', 'foreign'],
	['+44 7911 123456', 'foreign'],
	['+92 300 1234567', 'foreign'],
	['+971 50 123 4567', 'foreign'],
	['5876543210', 'invalid'],
	['1234567890', 'invalid'],
	['9876543210 / 9123456789', 'two_numbers'],
	['9876543210, 9123456789', 'two_numbers'],
	['98765432109123456789', 'two_numbers'],
	['abc', 'not_a_number'],
	['call me', 'not_a_number'],
	['98765432101234', 'too_long'],
	['', 'empty'],
	['   ', 'empty'],
	['---', 'not_a_number'],
];

describe('normalisePhone', () => {
	expect(accepted.length + rejected.length).toBeGreaterThanOrEqual(40);
	test.each(accepted)('accepts %j as %s', (raw, e164) => {
		expect(normalisePhone(raw)).toEqual({ ok: true, e164 });
	});
	test.each(rejected)('rejects %j (%s) with a reason', (raw, reason) => {
		const r = normalisePhone(raw);
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(r.reason).toBe(reason);
			expect(r.message.length).toBeGreaterThan(5);
		}
	});
	test('null and undefined are empty', () => {
		expect(normalisePhone(null)).toMatchObject({ ok: false, reason: 'empty' });
		expect(normalisePhone(undefined)).toMatchObject({ ok: false, reason: 'empty' });
	});
});

describe('helpers', () => {
	test('Devanagari digits become ASCII', () => expect(toAsciiDigits('थाना १२३')).toBe('थाना 123'));
	test('masking keeps enough to recognise a number', () => {
		expect(maskPhone('+919876543210')).toBe('+91 98XXXXX210');
		expect(maskPhone(null)).toBe('—');
	});
});

describe('WhatsApp ids and E.164', () => {
	test('a wa_id of an Indian mobile is the roster number; anything else is not', () => {
		expect(e164FromWaId('919876543210')).toBe('+919876543210');
		expect(e164FromWaId('14155552671')).toBeNull(); // foreign
		expect(e164FromWaId('911123456789')).toBeNull(); // landline
		expect(e164FromWaId('')).toBeNull();
	});
	test('any wa_id has an address to answer: the roster form, else a plus and its digits', () => {
		expect(phoneFromWaId('919876543210')).toBe('+919876543210');
		expect(phoneFromWaId('14155552671')).toBe('+14155552671');
	});
	test("E.164 to WhatsApp's digits: the plus is optional, the shape is not", () => {
		expect(waDigits('+919876543210')).toBe('919876543210');
		expect(waDigits('14155552671')).toBe('14155552671');
		expect(waDigits('+91 98765 43210')).toBeNull();
		expect(waDigits('+1234567')).toBeNull(); // 7 digits
		expect(waDigits('+1234567890123456')).toBeNull(); // 16 digits
		expect(waDigits('')).toBeNull();
		expect(isE164('+919876543210')).toBe(true);
		expect(isE164('919876543210')).toBe(false);
		expect(isE164('=1+2')).toBe(false);
	});
	test('a country code other than 91 is foreign, whatever the parser guesses the country to be', () => {
		expect(normalisePhone('+1 415 555 2671')).toMatchObject({ ok: false, reason: 'foreign' });
		expect(normalisePhone('+880 1712 345678')).toMatchObject({ ok: false, reason: 'foreign' });
	});
});
