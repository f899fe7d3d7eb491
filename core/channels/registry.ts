/**
 * The one list of channels: WhatsApp, Facebook, Instagram and X. Each entry carries the channel's
 * rules (limits, counting, validation, preview), its image rules when it holds the content's image
 * to a limit of its own, the credential it needs and, for the post channels, how to make its
 * publisher. Generic code (content validation, the editor's check, the media converter, the
 * approver's preview, the publish service, the insights pull, the n8n nodes) asks this registry
 * and never names a network itself.
 */
import { MitanError } from '../errors';
import { FACEBOOK_RULES, FacebookPublisher } from './facebook';
import type { MetaCredentials } from './graph/publisher';
import { INSTAGRAM_IMAGE_CHECK, INSTAGRAM_RULES, InstagramPublisher, type InstagramOptions } from './instagram';
import type { HttpOptions, Publisher } from './publisher';
import type { Problem } from '../problem';
import type { Channel, ChannelImageRules, ChannelRules, SocialChannel } from './types';
import { WHATSAPP_IMAGE_RULES } from './whatsapp/image';
import type { WhatsAppConfig } from './whatsapp/types';
import { WHATSAPP_RULES } from './whatsapp/rules';
import { X_RULES, XPublisher, type XCredentials } from './x';

/** The credentials of every channel, as core sees them (the n8n nodes map their credentials to these). */
export interface ChannelCredentials {
	whatsapp?: WhatsAppConfig;
	meta?: MetaCredentials;
	x?: XCredentials;
}
/** What the post channels need. */
export type SocialCredentials = Pick<ChannelCredentials, 'meta' | 'x'>;
export type CredentialKind = keyof ChannelCredentials;

/** The credential's name as people see it in n8n. */
export const CREDENTIAL_NAMES: Readonly<Record<CredentialKind, string>> = Object.freeze({
	whatsapp: 'Mitan WhatsApp',
	meta: 'Mitan Meta',
	x: 'Mitan X',
});

export interface PublisherOptions extends HttpOptions {
	instagram?: InstagramOptions;
	/** Override metric lists (tests of retired names; a future Graph version). */
	facebookPostMetrics?: Record<string, string>;
}

interface Entry {
	channel: Channel;
	credential: CredentialKind;
	rules: ChannelRules;
	/** The adapter's image rules (its own limits on the stored JPEG), when it has any. */
	image?: ChannelImageRules;
	/** Post channels only: the publisher, given the credential this entry names. */
	create?(creds: SocialCredentials, opts: PublisherOptions): Publisher;
}

const ENTRIES: Entry[] = [];

function register(e: Entry): void {
	if (ENTRIES.some((x) => x.channel === e.channel))
		throw new MitanError('CHANNEL_REGISTERED_TWICE', `channel ${e.channel} registered twice`);
	ENTRIES.push(e);
}

// WhatsApp broadcasts to each citizen (core/broadcast); it has rules and a credential, no publisher.
register({ channel: 'whatsapp', credential: 'whatsapp', rules: WHATSAPP_RULES, image: WHATSAPP_IMAGE_RULES });
register({
	channel: 'facebook',
	credential: 'meta',
	rules: FACEBOOK_RULES,
	create: (c, o) => new FacebookPublisher(c.meta!, { ...o, postMetrics: o.facebookPostMetrics }),
});
register({
	channel: 'instagram',
	credential: 'meta',
	rules: INSTAGRAM_RULES,
	image: INSTAGRAM_IMAGE_CHECK,
	create: (c, o) => new InstagramPublisher(c.meta!, { ...o, ...(o.instagram ?? {}) }),
});
register({ channel: 'x', credential: 'x', rules: X_RULES, create: (c, o) => new XPublisher(c.x!, o) });

function entry(channel: string): Entry {
	const e = ENTRIES.find((x) => x.channel === channel);
	if (!e)
		throw new MitanError('CHANNEL_UNKNOWN', `unknown channel "${channel}" (known: ${allChannels().join(', ')})`, {
			field: 'channel',
		});
	return e;
}

/** Every channel, in the registry's order. */
export function allChannels(): Channel[] {
	return ENTRIES.map((e) => e.channel);
}

/** The channels that post once per content (they have a publisher). */
export function postChannels(): SocialChannel[] {
	return ENTRIES.filter((e) => e.create).map((e) => e.channel as SocialChannel);
}

export function isPostChannel(s: string): s is SocialChannel {
	return ENTRIES.some((e) => e.channel === s && e.create);
}

/** A channel's rules: the one copy of its limits, counting, validation and preview. */
export function channelRules<C extends Channel>(channel: C): ChannelRules<C> {
	return entry(channel).rules as unknown as ChannelRules<C>;
}

/** A channel's image rules (WhatsApp's header image, Instagram's photo), or undefined when it has none. */
export function channelImageRules(channel: Channel): ChannelImageRules | undefined {
	return entry(channel).image;
}

/** What the chosen channels (null: every channel) would refuse in a stored image of `bytes`, each at `field`. */
export function imageProblems(chosen: readonly string[] | null, image: { bytes: number }, field: string): Problem[] {
	return ENTRIES.filter((e) => !chosen || chosen.includes(e.channel)).flatMap((e) => e.image?.problems(image, field) ?? []);
}

/** The largest image every channel takes: the media store's JPEG is made to fit it (core/media/convert.ts). */
export function imageMaxBytes(): number {
	return Math.min(...ENTRIES.flatMap((e) => (e.image ? [e.image.maxBytes] : [])));
}

export function credentialOf(channel: Channel): CredentialKind {
	return entry(channel).credential;
}

/** The channels of `list` whose credential is present. */
export function withCredentials<C extends Channel>(list: readonly C[], creds: ChannelCredentials): C[] {
	return list.filter((c) => !!creds[credentialOf(c)]);
}

export function createPublisher(channel: SocialChannel, creds: SocialCredentials, opts: PublisherOptions = {}): Publisher {
	const e = entry(channel);
	if (!e.create)
		throw new MitanError('SOCIAL_UNKNOWN_CHANNEL', `channel ${channel} does not post (known: ${postChannels().join(', ')})`, {
			field: 'channel',
		});
	if (!(creds as ChannelCredentials)[e.credential]) {
		throw new MitanError('SOCIAL_CREDENTIAL_MISSING', `channel ${channel} needs the ${CREDENTIAL_NAMES[e.credential]} credential`, {
			channel,
			credential: e.credential,
		});
	}
	return e.create(creds, opts);
}
