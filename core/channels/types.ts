/**
 * What every channel shares: the names, the rules each channel's adapter owns (limits, how it
 * counts, what it refuses, how it shows a preview) and the shapes a post passes through.
 * Generic code asks core/channels/registry.ts for a channel's rules; it never names a network.
 */
import type { Content, ContentVariants } from '../content/types';
import type { Problem } from '../problem';

/** Channels that post once per content (a page, an account). */
export type SocialChannel = 'facebook' | 'instagram' | 'x';
/** Every channel: the social ones and WhatsApp, which broadcasts to each citizen. */
export type Channel = 'whatsapp' | SocialChannel;

/** Limits are data with their reason beside them, not code paths. */
export interface ChannelLimits {
	/** Longest text, counted as `textLengthRule` says. */
	maxTextLength: number;
	textLengthRule: string;
	requiresImage: boolean;
	/** Anything else worth knowing (quota, cost). */
	note?: string;
}

/**
 * How a channel uses the content's image: not at all; the original or a prepared JPEG, whichever
 * there is; or only a JPEG the gateway prepared (Instagram fetches it itself and takes only JPEG).
 */
export type ImageUse = 'none' | 'optional' | 'prepared_jpeg';

/**
 * What a channel takes as the content's image, checked on the JPEG the media store holds (the
 * bytes every channel is given): its adapter owns the limit and the words; the registry lists it.
 */
export interface ChannelImageRules {
	readonly maxBytes: number;
	/** What this channel would refuse in an image of `bytes`, reported at `field`, in English / Hindi. */
	problems(image: { bytes: number }, field: string): Problem[];
}

/** One channel's part of the approver's preview: exactly what will go out. */
export type ChannelPreview =
	| { channel: 'whatsapp'; language: 'hi' | 'en'; template: string; templateLanguage: string; params: string[] }
	| { channel: 'x'; text: string; weightedLength: number; limit: number }
	| { channel: 'instagram'; caption: string; length: number; limit: number; imageUrl: string | null }
	| { channel: 'facebook'; text: string; link: string | null; imageUrl: string | null };

/** A channel's rules, pure (no credentials, no network): the one copy every caller uses. */
export interface ChannelRules<C extends Channel = Channel> {
	readonly channel: C;
	readonly limits: ChannelLimits;
	readonly image: ImageUse;
	/** Length of a text as this channel counts it. */
	length(text: string): number;
	/** What this channel would refuse in a text of its own (length, hashtags…), reported at `field`. */
	textProblems(text: string, field: string): Problem[];
	/** Checks the channel's variant of a draft (untrusted JSON at `variants.<channel>`); the cleaned variant, or undefined. */
	validateVariant(value: unknown, problems: Problem[]): ContentVariants[C] | undefined;
	/** The approver's preview of this channel's variant (none when the content has no variant for it). */
	preview(content: Content): ChannelPreview[];
	/**
	 * A channel that sends each language's body itself (WhatsApp: as the body of a Meta template)
	 * checks the bodies here, so a draft the Additional SP approves is one Meta will accept.
	 */
	bodyProblems?(body: { bodyHi: string; bodyEn: string; imageUrl: string | null }): Problem[];
	/**
	 * Post channels: the post this channel makes of the content (its variant, else the bilingual
	 * body). The publisher posts exactly this; the editor's preview and checks show exactly this.
	 */
	compose?(content: SocialContent): PostDraft;
}

/** The approved content, channel-neutral; each publisher composes its own post from it. */
export interface SocialContent {
	bodyHi: string;
	bodyEn: string;
	/** A public image URL (for Instagram: a JPEG the gateway serves, see core/media). */
	imageUrl?: string | null;
	variants: ContentVariants;
}

/** What one network will actually receive. */
export interface PostDraft {
	text: string;
	link?: string;
	imageUrl?: string;
	altText?: string;
}
