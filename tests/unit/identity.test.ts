/** The identifier rules that need no database: BSUID shape and masking, the hash, and `to` vs `recipient`. */
import { citizenHash, maskCitizen, sendAddress } from '../../core/identity';
import { isUserId, maskPhone, maskUserId } from '../../core/phone';
import { recipientField, templateMessage, textMessage } from '../../core/channels/whatsapp/messages';
import { MitanError } from '../../core/errors';

describe('business-scoped user ids', () => {
	test.each([
		['IN.1502576394655843', true],
		['US.ENT.11815799212886844830', true],
		['BR.abc123XYZ', true],
		['in.1502576394655843', false],
		['IN1502576394655843', false],
		['IN.', false],
		['+919876543210', false],
		['IN.' + '1'.repeat(129), false],
		['IN.15025 76394', false],
	])('%s is a BSUID: %s', (s, ok) => {
		expect(isUserId(s)).toBe(ok);
	});

	test('masked like a phone: country prefix, two first and three last characters', () => {
		expect(maskUserId('IN.1502576394655843')).toBe('IN.15XXXXXXXXXXX843');
		expect(maskUserId('US.ENT.11815799212886844830')).toBe('US.ENT.11XXXXXXXXXXXXXXX830');
		expect(maskUserId('IN.12345')).toBe('IN.XXX');
		expect(maskUserId(null)).toBe('—');
		// maskPhone recognises a BSUID, so a log line that holds either is masked either way.
		expect(maskPhone('IN.1502576394655843')).toBe('IN.15XXXXXXXXXXX843');
		expect(maskPhone('+919876543210')).toBe('+91 98XXXXX210');
		expect(maskCitizen({ phone: null, userId: 'IN.1502576394655843' })).toBe('IN.15XXXXXXXXXXX843');
		expect(maskCitizen({ phone: '+919876543210', userId: 'IN.1502576394655843' })).toBe('+91 98XXXXX210');
	});

	test('one hash per citizen: the number when known, else the BSUID', () => {
		const byPhone = citizenHash({ phone: '+919876543210', userId: 'IN.1502576394655843' });
		expect(byPhone).toBe(citizenHash('+919876543210'));
		expect(citizenHash({ phone: null, userId: 'IN.1502576394655843' })).toBe(citizenHash('IN.1502576394655843'));
		expect(citizenHash({ phone: null, userId: null })).toBeNull();
		expect(sendAddress({ phone: '+919876543210', waUserId: 'IN.1' })).toBe('+919876543210');
		expect(sendAddress({ phone: null, waUserId: 'IN.1502576394655843' })).toBe('IN.1502576394655843');
		expect(sendAddress({ phone: null, waUserId: null })).toBeNull();
	});
});

describe('the request builder picks to or recipient', () => {
	test('a number goes in to, a BSUID in recipient, never both', () => {
		expect(recipientField('+919876543210')).toEqual({ to: '919876543210' });
		expect(recipientField('IN.1502576394655843')).toEqual({ recipient: 'IN.1502576394655843' });
		const t = templateMessage('IN.1502576394655843', { name: 'daily_awareness', language: 'hi', bodyParams: ['x'] });
		expect(t.recipient).toBe('IN.1502576394655843');
		expect(t.to).toBeUndefined();
		expect(textMessage('+919876543210', 'hello')).toMatchObject({ to: '919876543210', type: 'text' });
	});

	test('anything else is refused naming the field', () => {
		const e = (() => {
			try {
				recipientField('in-1234');
			} catch (x) {
				return x;
			}
			return undefined;
		})();
		expect(e).toBeInstanceOf(MitanError);
		expect(e).toMatchObject({ code: 'WHATSAPP_RECIPIENT_INVALID', details: { field: 'to' } });
		expect((e as Error).message).toMatch(/not an E\.164 number or a WhatsApp user id/);
	});
});
