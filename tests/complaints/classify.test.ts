import { classify, detectLanguage } from '../../core/complaints/classify';
import { detectMoneyLoss, findAmounts } from '../../core/complaints/money';
import { complaintReply } from '../../core/complaints/reply';
import { TABLE } from './classify.table';

describe('complaint classifier', () => {
	test('the table has at least 60 messages in Hindi, Hinglish and English', () => {
		expect(TABLE.length).toBeGreaterThanOrEqual(60);
		expect(TABLE.filter(([m]) => /[\u0900-\u097f]/.test(m)).length).toBeGreaterThanOrEqual(12);
	});

	test.each(TABLE)('%s → %s (money lost: %s, amount: %s)', (message, category, moneyLoss, amount) => {
		const c = classify(message);
		expect({ category: c.category, moneyLoss: c.moneyLoss }).toEqual({ category, moneyLoss });
		if (amount !== null) expect(c.amountInr).toBe(amount);
		expect(c.confidence).toBeGreaterThan(0);
		expect(c.confidence).toBeLessThanOrEqual(0.99);
	});

	test('whole-table accuracy is recorded (every line must pass above; this prints the figure)', () => {
		const ok = TABLE.filter(([m, cat, loss]) => classify(m).category === cat && classify(m).moneyLoss === loss).length;
		expect(ok).toBe(TABLE.length);
	});

	test('the done case: OTP and 20000 lost → online financial fraud, money loss, confident', () => {
		const c = classify('mere account se 20000 kat gaye OTP diya tha');
		expect(c).toMatchObject({ category: 'online_financial_fraud', moneyLoss: true, amountInr: 20000, language: 'hi' });
		expect(c.confidence).toBeGreaterThanOrEqual(0.7);
		expect(c.matched).toEqual(expect.arrayContaining(['otp', '(money lost)']));
	});

	test('amounts: Indian grouping, k, Hindi number words; OTPs and phone numbers are not amounts', () => {
		expect(findAmounts('1,20,000 kat gaye')).toEqual([120000]);
		expect(findAmounts('₹5k')).toEqual([5000]);
		expect(findAmounts('Rs. 4999')).toEqual([4999]);
		expect(findAmounts('बीस हज़ार')).toEqual([20000]);
		expect(findAmounts('ek lakh')).toEqual([100000]);
		expect(findAmounts('२०००० रुपये')).toEqual([20000]);
		expect(findAmounts('OTP 482913 diya tha')).toEqual([]);
		expect(findAmounts('is number se call aaya 9876543210')).toEqual([]);
		expect(detectMoneyLoss('OTP 482913 maang raha hai')).toEqual({ moneyLoss: false, amountInr: null });
	});

	test('language: Devanagari and Hinglish → Hindi, English → English, unclear → null', () => {
		expect(detectLanguage('मेरा फोन गुम हो गया')).toBe('hi');
		expect(detectLanguage('mera phone chori ho gaya hai')).toBe('hi');
		expect(detectLanguage('My phone was stolen from the bus')).toBe('en');
		expect(detectLanguage('OTP')).toBeNull();
	});

	test('empty and junk text → other with low confidence', () => {
		expect(classify('')).toMatchObject({ category: 'other', confidence: 0.2, moneyLoss: false });
		expect(classify('🙏🙏🙏 ???')).toMatchObject({ category: 'other', confidence: 0.2 });
	});

	test('replies: money loss leads with 1930 and the portal, in Hindi and English', () => {
		const hi = complaintReply({
			ref: 'KBD-2026-000123',
			category: 'online_financial_fraud',
			moneyLoss: true,
			language: 'hi',
			policeStation: 'Kawardha',
		});
		expect(hi.split('\n')[0]).toMatch(/तुरंत 1930 पर कॉल करें/);
		expect(hi).toContain('cybercrime.gov.in');
		expect(hi).toContain('KBD-2026-000123');
		const en = complaintReply({ ref: 'KBD-2026-000123', category: 'online_financial_fraud', moneyLoss: true, language: 'en' });
		expect(en.split('\n')[0]).toMatch(/CALL 1930 NOW/);
		const wc = complaintReply({ ref: 'KBD-2026-000124', category: 'women_child', moneyLoss: false, language: 'en' });
		expect(wc).toMatch(/112/);
		expect(wc).toMatch(/1098/);
	});
});
