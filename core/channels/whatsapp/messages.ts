/**
 * The JSON bodies of the messages this project sends, checked against WhatsApp's rules
 * (core/channels/whatsapp/text.ts) before they leave: a refused body never costs a request.
 */
import { MitanError } from '../../errors';
import { isUserId, waDigits } from '../../phone';
import { freeTextProblems, languageProblems, refuse, templateNameProblems } from './text';
import type { TemplateMessage } from './types';

/** E.164 ("+91…") → the digits WhatsApp's `to` takes. */
export function toWaDigits(to: string): string {
	const digits = waDigits(to);
	if (digits === null)
		throw new MitanError(
			'WHATSAPP_RECIPIENT_INVALID',
			`recipient "${String(to)}" is not an E.164 number or a WhatsApp user id (field "to")`,
			{
				field: 'to',
			},
		);
	return digits;
}

/**
 * The recipient field of a message, chosen in this one place: an E.164 number goes in `to`, a
 * business-scoped user id (a citizen whose number Meta withheld) in `recipient`.
 */
export function recipientField(to: string): { to: string } | { recipient: string } {
	return isUserId(to) ? { recipient: to } : { to: toWaDigits(to) };
}

export function templateMessage(to: string, template: TemplateMessage): Record<string, unknown> {
	refuse([...templateNameProblems(template?.name, 'template.name'), ...languageProblems(template?.language, 'template.language')]);
	const components: unknown[] = [];
	if (template.headerImageUrl)
		components.push({ type: 'header', parameters: [{ type: 'image', image: { link: template.headerImageUrl } }] });
	if (template.bodyParams && template.bodyParams.length > 0)
		components.push({ type: 'body', parameters: template.bodyParams.map((text) => ({ type: 'text', text: String(text) })) });
	if (template.callbackData !== undefined && (typeof template.callbackData !== 'string' || template.callbackData.length > 512))
		throw new MitanError('WHATSAPP_TEMPLATE_INVALID', 'template.callbackData must be text of at most 512 characters', {
			field: 'template.callbackData',
		});
	(template.urlButtonParams ?? []).forEach((text, index) =>
		components.push({ type: 'button', sub_type: 'url', index: String(index), parameters: [{ type: 'text', text: String(text) }] }),
	);
	return {
		...recipientField(to),
		type: 'template',
		template: {
			name: template.name,
			language: { code: template.language, policy: 'deterministic' },
			...(components.length ? { components } : {}),
		},
		...(template.callbackData ? { biz_opaque_callback_data: template.callbackData } : {}),
	};
}

export function textMessage(to: string, body: string, opts: { previewUrl?: boolean } = {}): Record<string, unknown> {
	refuse(freeTextProblems(body, 'body'));
	return { ...recipientField(to), type: 'text', text: { body, preview_url: opts.previewUrl ?? false } };
}
