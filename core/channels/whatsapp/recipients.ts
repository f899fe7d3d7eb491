import { MitanError } from '../../errors';
import { normaliseStaffPhone } from '../../phone';

/**
 * Staff numbers from a parameter: a list, or text separated by commas, semicolons or new lines.
 * Each goes through core/phone (the one owner of the rules; the exported workflows' placeholders
 * are accepted here and refused for a live credential by ./placeholders.ts); duplicates are sent once.
 */
export function parseRecipients(raw: unknown): string[] {
	const parts = (Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(/[,;\n]/)).map((s) => s.trim()).filter((s) => s !== '');
	if (parts.length === 0)
		throw new MitanError('NOTIFY_NO_RECIPIENT', 'Recipients (parameter "recipients") is empty: give at least one staff WhatsApp number', {
			field: 'recipients',
		});
	const out: string[] = [];
	parts.forEach((p, k) => {
		const n = normaliseStaffPhone(p);
		if (!n.ok)
			throw new MitanError('NOTIFY_RECIPIENT_INVALID', `Recipients (parameter "recipients"), entry ${k + 1} "${p}": ${n.message}`, {
				field: 'recipients',
				entry: k + 1,
			});
		if (!out.includes(n.e164)) out.push(n.e164);
	});
	return out;
}
