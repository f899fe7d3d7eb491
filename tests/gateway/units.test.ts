import { matchKeyword } from '../../core/gateway/keywords';
import { parseWebhook } from '../../core/gateway/payload';
import { signBody, verifySignature } from '../../core/gateway/signature';
import { toStatusRows } from '../../core/statuses/rows';
import { metaBytes, statusesBody, textMessageBody } from './helpers';

describe('keyword table', () => {
	test.each([
		['STOP', 'stop'],
		['stop.', 'stop'],
		[' Stop 🙏 ', 'stop'],
		['UNSUBSCRIBE', 'stop'],
		['बंद', 'stop'],
		['बंद करो', 'stop'],
		['रोकें', 'stop'],
		['band karo', 'stop'],
		['Mat bhejo', 'stop'],
		['START', 'start'],
		['शुरू', 'start'],
		['shuru karo', 'start'],
	])('%s → %s', (text, kw) => expect(matchKeyword(text)).toBe(kw));
	test.each(['stop calling me', 'please stop', 'मेरा खाता बंद हो गया', 'bus stop par chori hui', 'started', '', 'STOP '.repeat(50)])(
		'"%s" is not a keyword',
		(text) => {
			expect(matchKeyword(text)).toBeNull();
		},
	);
});

describe('signature over raw bytes', () => {
	test('Hindi and emoji, escaped as Meta writes them; one changed byte fails', () => {
		const raw = metaBytes(textMessageBody('919876500001', 'धोखा 🙏'));
		const sig = signBody(raw, 's3cret');
		expect(verifySignature(raw, sig, 's3cret')).toBe(true);
		expect(verifySignature(raw, sig.toUpperCase().replace('SHA256=', 'sha256='), 's3cret')).toBe(true);
		const tampered = Buffer.from(raw);
		tampered[tampered.length - 3] ^= 1;
		expect(verifySignature(tampered, sig, 's3cret')).toBe(false);
		expect(verifySignature(raw, sig, '')).toBe(false);
		expect(verifySignature(raw, undefined, 's3cret')).toBe(false);
		expect(verifySignature(raw, [sig], 's3cret')).toBe(false);
	});
});

describe('status rows', () => {
	test('dedupe by (wamid, status); a read adds an inferred delivered that a real one replaces', () => {
		const parsed = parseWebhook(
			statusesBody([
				{ id: 'w1', status: 'read', ts: 20 },
				{ id: 'w1', status: 'read', ts: 20 },
				{ id: 'w2', status: 'read', ts: 9 },
				{ id: 'w2', status: 'delivered', ts: 5 },
			]),
		);
		const rows = toStatusRows(parsed.statuses.map((s) => ({ ...s, districtId: 1 })));
		expect(rows.map((r) => `${r.wamid}:${r.status}:${r.inferred}`)).toEqual([
			'w1:delivered:true',
			'w1:read:false',
			'w2:delivered:false',
			'w2:read:false',
		]);
	});
});
