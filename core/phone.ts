import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * The one owner of phone-number rules:
 * - what a clerk types or a sheet holds → the roster's E.164 (+91 and ten digits 6-9xxxxxxxxx),
 *   everything else rejected with a reason a cyber cell clerk can act on (normalisePhone);
 * - a WhatsApp id (wa_id: digits, country code first, no plus) → E.164 (e164FromWaId, phoneFromWaId);
 * - E.164 → the digits WhatsApp's `to` takes (waDigits), and the shape of E.164 itself (isE164);
 * - masking for logs and screens (maskPhone; a business-scoped user id is masked the same way, maskUserId);
 * - the shape of Meta's business-scoped user id (BSUID, isUserId), the other identifier a citizen may have;
 * - the placeholder staff numbers of the exported workflows (isPlaceholderPhone, normaliseStaffPhone).
 */
export type PhoneRejection = 'empty' | 'two_numbers' | 'not_a_number' | 'too_short' | 'too_long' | 'foreign' | 'landline' | 'invalid';

export type NormalisedPhone = { ok: true; e164: string } | { ok: false; reason: PhoneRejection; message: string };

const MESSAGES: Record<PhoneRejection, string> = {
	empty: 'no phone number',
	two_numbers: 'the cell holds more than one phone number; put one number per row',
	not_a_number: 'not a phone number (letters or symbols)',
	too_short: 'too short for an Indian mobile number (need 10 digits)',
	too_long: 'too long for an Indian mobile number',
	foreign: 'not an Indian number',
	landline: 'a landline, not a mobile: WhatsApp messages need a mobile number',
	invalid: 'not a valid Indian mobile number (must be 10 digits starting with 6, 7, 8 or 9)',
};

/** Devanagari (and a few other Indic) digits to ASCII: camp sheets are often written in Hindi. */
const INDIC_ZEROES = [
	0x0966 /* Devanagari */, 0x09e6 /* Bengali */, 0x0a66 /* Gurmukhi */, 0x0ae6 /* Gujarati */, 0x0b66, 0x0be6, 0x0c66, 0x0ce6, 0x0d66,
];
export function toAsciiDigits(s: string): string {
	let out = '';
	for (const ch of s) {
		const cp = ch.codePointAt(0)!;
		const zero = INDIC_ZEROES.find((z) => cp >= z && cp <= z + 9);
		out += zero === undefined ? ch : String(cp - zero);
	}
	return out;
}

function reject(reason: PhoneRejection): NormalisedPhone {
	return { ok: false, reason, message: MESSAGES[reason] };
}

export function normalisePhone(raw: unknown): NormalisedPhone {
	if (raw === null || raw === undefined) return reject('empty');
	// Excel stores long numbers as floats: 9876543210 arrives as a number.
	let s = typeof raw === 'number' ? String(Math.trunc(raw)) : String(raw);
	s = toAsciiDigits(s.normalize('NFKC')).trim();
	if (s === '') return reject('empty');
	// Excel's "text" marker and a leading apostrophe from spreadsheet exports.
	s = s.replace(/^'+/, '');
	// A number cell formatted as text by a spreadsheet: "9876543210.0" or "9.87654321E9" are one number.
	if (/^\d{10,12}\.0+$/.test(s)) s = s.replace(/\.0+$/, '');
	if (/^\d(\.\d+)?e\+?\d+$/i.test(s)) s = String(Math.round(Number(s)));
	const digits = s.replace(/\D/g, '');
	if (/[/,;|&]|\bor\b|\band\b/i.test(s) && digits.length >= 20) return reject('two_numbers');
	if (/[a-z]/i.test(s.replace(/\b(ext|x)\b/gi, ''))) return reject('not_a_number');
	if (digits.length >= 20) return reject('two_numbers');
	if (digits.length === 0) return reject('not_a_number');
	if (digits.length < 10) return reject('too_short');

	// "0091 98765 43210" is the international prefix dialled from India.
	let candidate = s.replace(/^\s*00\s*/, '+');
	// "91 9876543210" / "919876543210" without the plus: a country code, not a 12-digit number.
	if (!candidate.startsWith('+') && digits.length === 12 && digits.startsWith('91')) candidate = '+' + digits;
	const parsed = parsePhoneNumberFromString(candidate, 'IN');
	if (!parsed) return digits.length > 13 ? reject('too_long') : reject('invalid');
	if (parsed.countryCallingCode !== '91') return reject('foreign');
	const national = String(parsed.nationalNumber);
	if (national.length > 10) return reject('too_long');
	if (national.length < 10) return reject('too_short');
	// getType() is undefined for an invalid number, so it answers "valid?" and "mobile?" in one
	// metadata walk (isValid() would be a second one: half the cost of a 50,000-row import).
	const type = parsed.getType();
	// A 10-digit number starting 1-5 typed without the trunk 0 or +91 is more likely a typo than a landline.
	const dialledAsLandline = /^\s*(\+|0)/.test(s);
	if (!/^[6-9]/.test(national)) return dialledAsLandline && type === 'FIXED_LINE' ? reject('landline') : reject('invalid');
	if (type === 'FIXED_LINE') return reject('landline');
	if (type === undefined) return reject('invalid');
	return { ok: true, e164: `+91${national}` };
}

/**
 * Placeholder staff numbers, +91 00000 00000 to +91 00000 00999 (E.164 +910000000xxx): the exported
 * workflows ship with these until a district types its own. An Indian number never starts with 0 after
 * +91 (0 is the trunk prefix), so none of them can ring anyone's phone, unlike a made-up 98… mobile.
 * The sandbox accepts them; a live WhatsApp credential refuses to send while one is configured
 * (core/channels/whatsapp/placeholders.ts).
 */
export const PLACEHOLDER_PHONE_RANGE = '+91 00000 00000 … +91 00000 00999';
// With or without the plus (a WhatsApp id is the digits alone); the country code is required.
const PLACEHOLDER = /^\+?910000000\d{3}$/;

export function isPlaceholderPhone(raw: unknown): boolean {
	return typeof raw === 'string' && PLACEHOLDER.test(toAsciiDigits(raw).replace(/[\s\-().]/g, ''));
}

/** A staff number (alert recipient, approver): an Indian mobile as normalisePhone says, or a placeholder. */
export function normaliseStaffPhone(raw: unknown): NormalisedPhone & { placeholder?: boolean } {
	if (isPlaceholderPhone(raw)) return { ok: true, e164: '+' + toAsciiDigits(String(raw)).replace(/\D/g, ''), placeholder: true };
	return normalisePhone(raw);
}

/** E.164: a plus, then 8 to 15 digits (country code first). Any country: WhatsApp answers whoever writes. */
const E164 = /^\+\d{8,15}$/;

export function isE164(s: string): boolean {
	return E164.test(s);
}

/** The roster's number for a WhatsApp id, or null when it is not an Indian mobile (the roster holds no other). */
export function e164FromWaId(waId: string): string | null {
	const p = normalisePhone('+' + waId);
	return p.ok ? p.e164 : null;
}

/** Any WhatsApp id as E.164, for answering and the record: the roster's form when it is an Indian mobile, else a plus and its digits. */
export function phoneFromWaId(waId: string): string {
	return e164FromWaId(waId) ?? '+' + waId;
}

/** The digits WhatsApp's `to` takes for an E.164 number (the plus may be left out); null when it is not one. */
export function waDigits(to: string): string | null {
	const digits = String(to ?? '').replace(/^\+/, '');
	return isE164('+' + digits) ? digits : null;
}

/**
 * Meta's business-scoped user id (since April 2026): a two-letter country code, a dot, up to 128
 * letters and digits (IN.1502576394655843); a parent id across portfolios adds ENT (IN.ENT.…).
 * The database holds the same rule (migration 102).
 */
const USER_ID = /^[A-Z]{2}\.([A-Z]{3}\.)?[A-Za-z0-9]{1,128}$/;

export function isUserId(s: unknown): boolean {
	return typeof s === 'string' && USER_ID.test(s);
}

/** IN.1502576394655843 → IN.15XXXXXXXXXXX843: an identifier like a phone, masked like one. */
export function maskUserId(userId: string | null | undefined): string {
	if (!userId) return '—';
	const m = /^([A-Z]{2}\.(?:[A-Z]{3}\.)?)(.*)$/.exec(userId);
	const [prefix, rest] = m ? [m[1], m[2]] : ['', userId];
	return rest.length > 6 ? prefix + rest.slice(0, 2) + 'X'.repeat(rest.length - 5) + rest.slice(-3) : prefix + 'XXX';
}

/** +919876543210 → +91 98XXXXX210: enough to recognise, not enough to misuse. A BSUID is masked as one. */
export function maskPhone(e164: string | null | undefined): string {
	if (!e164) return '—';
	if (isUserId(e164)) return maskUserId(e164);
	const m = /^\+91(\d{2})(\d{5})(\d{3})$/.exec(e164);
	if (m) return `+91 ${m[1]}XXXXX${m[3]}`;
	return e164.length > 6 ? e164.slice(0, 4) + 'X'.repeat(e164.length - 7) + e164.slice(-3) : 'XXX';
}
