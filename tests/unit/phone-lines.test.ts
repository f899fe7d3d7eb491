import { PhoneLines } from '../../core/roster/phone-lines';

describe('PhoneLines (first line of each number in one import)', () => {
	test('keeps the first line of 200,000 numbers across growth, and knows what it has not seen', () => {
		const m = new PhoneLines();
		for (let i = 0; i < 200_000; i++) m.set(`+91${6000000000 + i * 79}`, i + 2);
		expect(m.size).toBe(200_000);
		for (const i of [0, 1, 65_535, 65_536, 199_999]) expect(m.get(`+91${6000000000 + i * 79}`)).toBe(i + 2);
		expect(m.get('+916000000001')).toBeUndefined();
		expect(m.get('+14155552671')).toBeUndefined();
	});

	test('setting a number again replaces its line without counting it twice', () => {
		const m = new PhoneLines();
		m.set('+919876543210', 5);
		m.set('+919876543210', 9);
		expect(m.size).toBe(1);
		expect(m.get('+919876543210')).toBe(9);
	});

	test('refuses what is not E.164', () => {
		expect(() => new PhoneLines().set('9876543210x', 1)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
	});
});
