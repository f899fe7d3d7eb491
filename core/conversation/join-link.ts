import qrcode from 'qrcode-generator';
import type { Queryable } from '../db';
import { MitanError } from '../errors';

/**
 * Joining from a poster or a camp: WhatsApp's click-to-chat link to the district's business
 * number with "JOIN" typed in (the citizen presses send, which is their own message and the
 * start of the consent flow), and the same link as a QR code. The QR is drawn by
 * qrcode-generator (MIT, pinned) as one SVG path: no script, no external image, prints sharp.
 */
export const JOIN_WORD = 'JOIN';

export function clickToChatLink(displayDigits: string): string {
	const digits = displayDigits.replace(/\D/g, '');
	if (!/^\d{8,15}$/.test(digits))
		throw new MitanError(
			'JOIN_NUMBER_INVALID',
			`number "${displayDigits.slice(0, 20)}": the business WhatsApp number in digits, country code first`,
			{
				field: 'number',
			},
		);
	return `https://wa.me/${digits}?text=${JOIN_WORD}`;
}

/** An SVG of the QR code for `text` (error correction M: a poster survives a fold or a stain). */
export function qrSvg(text: string, opts: { moduleSize?: number; margin?: number; title?: string } = {}): string {
	const qr = qrcode(0, 'M');
	qr.addData(text, 'Byte');
	qr.make();
	const n = qr.getModuleCount();
	const margin = opts.margin ?? 4;
	const size = n + margin * 2;
	let d = '';
	for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c + margin} ${r + margin}h1v1h-1z`;
	const px = size * (opts.moduleSize ?? 8);
	const title = opts.title ? `<title>${opts.title.replace(/[<>&"]/g, '')}</title>` : '';
	return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="${px}" height="${px}" shape-rendering="crispEdges" role="img">${title}<rect width="${size}" height="${size}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`;
}

/** The district's business number as Meta last reported it (digits), or null when not read yet. */
export async function businessNumberOf(db: Queryable, districtId: number): Promise<string | null> {
	const [r] = await db.query<{ display_phone_number: string | null }>(
		`SELECT display_phone_number FROM whatsapp_numbers WHERE district_id = $1 AND display_phone_number IS NOT NULL ORDER BY checked_at DESC LIMIT 1`,
		[districtId],
	);
	return r?.display_phone_number ?? null;
}
