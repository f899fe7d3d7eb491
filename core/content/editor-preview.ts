/**
 * The editor's live preview: for each chosen channel, exactly what that channel will post, made by
 * the channel's own compose and counted by its own length rule (core/channels registry). The
 * approver's preview (core/approvals/preview.ts) shows the approved content; this one shows a
 * draft while it is being written, before anything is saved.
 */
import { allChannels, channelRules } from '../channels/registry';
import type { Channel } from '../channels/types';
import { AWARENESS_FIXED } from '../channels/whatsapp/awareness-template';
import type { ContentDraft } from './types';

export interface ChannelPostPreview {
	channel: Channel;
	/** One text per language for a channel that sends each citizen their language (WhatsApp); one post otherwise. */
	texts: Array<{ lang: 'hi' | 'en' | 'both'; text: string; length: number }>;
	limit: number;
	lengthRule: string;
	imageUrl: string | null;
	link: string | null;
	/** WhatsApp: the footer and quick-reply buttons of the daily template. */
	footer?: { hi: string; en: string };
	buttons?: Array<{ hi: string; en: string }>;
	requiresImage: boolean;
}

/** `draft` may be partly written (the page asks while typing): empty texts preview as empty. */
export function editorPreview(draft: Partial<ContentDraft>): ChannelPostPreview[] {
	const picked = allChannels().filter((c) => draft.channels?.includes(c));
	const chosen = picked.length ? picked : allChannels();
	const content = {
		bodyHi: draft.bodyHi ?? '',
		bodyEn: draft.bodyEn ?? '',
		imageUrl: draft.imageUrl ?? null,
		variants: draft.variants ?? {},
	};
	return chosen.map((channel) => {
		const rules = channelRules(channel);
		const base = {
			channel,
			limit: rules.limits.maxTextLength,
			lengthRule: rules.limits.textLengthRule,
			requiresImage: rules.limits.requiresImage,
		};
		if (!rules.compose) {
			// Each citizen gets their own language, with the daily template's header image, footer and buttons.
			return {
				...base,
				texts: (['hi', 'en'] as const).map((lang) => {
					const text = lang === 'hi' ? content.bodyHi : content.bodyEn;
					return { lang, text, length: rules.length(text) };
				}),
				imageUrl: content.imageUrl,
				link: null,
				// The very words the template carries (one copy: awareness-template.ts).
				footer: { hi: AWARENESS_FIXED.hi.footer, en: AWARENESS_FIXED.en.footer },
				buttons: (['report', 'stop'] as const).map((k) => ({ hi: AWARENESS_FIXED.hi[k], en: AWARENESS_FIXED.en[k] })),
			};
		}
		const post = rules.compose(content);
		return {
			...base,
			texts: [{ lang: 'both' as const, text: post.text, length: rules.length(post.text) }],
			imageUrl: rules.image === 'none' ? null : (post.imageUrl ?? null),
			link: post.link ?? null,
		};
	});
}
