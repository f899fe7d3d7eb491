/**
 * WhatsApp's rule for the content's image: the daily template's IMAGE header (core/channels/whatsapp/
 * awareness-template.ts). Its sample goes to Meta through the Resumable Upload API, and the
 * header's image is at most 5 MB, JPEG or PNG (WhatsApp's media limits, channels.md; the sandbox
 * refuses more in sandbox/wa-uploads.ts, as Meta does). This is the one copy of that limit. The
 * registry lists it with Instagram's, the converter keeps the media store's JPEG under it, and the
 * editor's check and the template submission hold a stored image to it.
 */
import type { Problem } from '../../problem';
import type { ChannelImageRules } from '../types';

const MB = 1024 * 1024;

export const WHATSAPP_IMAGE_RULES: ChannelImageRules = Object.freeze({
	maxBytes: 5 * MB,
	problems(image: { bytes: number }, field: string): Problem[] {
		if (image.bytes <= WHATSAPP_IMAGE_RULES.maxBytes) return [];
		const size = (image.bytes / MB).toFixed(1);
		const max = WHATSAPP_IMAGE_RULES.maxBytes / MB;
		return [
			{
				field,
				code: 'WHATSAPP_IMAGE_TOO_LARGE',
				message: `is ${size} MB; WhatsApp takes at most ${max} MB as the message's header image: upload the image again on the Content page (it is then made to fit) or leave WhatsApp out / चित्र ${size} MB का है; WhatsApp संदेश के चित्र की सीमा ${max} MB है: Content पेज पर चित्र फिर से अपलोड करें या WhatsApp हटाएँ`,
			},
		];
	},
});
