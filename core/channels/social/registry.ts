/**
 * The one list of social publishers. Generic code (the publish service, the metrics pull, the
 * n8n node) asks this registry for a channel and never names a network itself.
 */
import { MitanError } from '../../errors';
import type { HttpOptions, Publisher, SocialChannel } from '../publisher';
import { FacebookPublisher } from './facebook';
import type { MetaCredentials } from './graph';
import { InstagramPublisher, type InstagramOptions } from './instagram';
import { XPublisher, type XCredentials } from './x';

export interface SocialCredentials {
	meta?: MetaCredentials;
	x?: XCredentials;
}

export interface PublisherOptions extends HttpOptions {
	instagram?: InstagramOptions;
	/** Override metric lists (tests of retired names; a future Graph version). */
	facebookPostMetrics?: Record<string, string>;
}

interface Entry {
	channel: SocialChannel;
	/** Which credential the channel needs, for the error when it is missing. */
	credential: keyof SocialCredentials;
	create(creds: SocialCredentials, opts: PublisherOptions): Publisher;
}

const ENTRIES: Entry[] = [];

function register(e: Entry): void {
	if (ENTRIES.some((x) => x.channel === e.channel)) throw new Error(`publisher for ${e.channel} registered twice`);
	ENTRIES.push(e);
}

register({
	channel: 'facebook',
	credential: 'meta',
	create: (c, o) => new FacebookPublisher(c.meta!, { ...o, postMetrics: o.facebookPostMetrics }),
});
register({ channel: 'instagram', credential: 'meta', create: (c, o) => new InstagramPublisher(c.meta!, { ...o, ...(o.instagram ?? {}) }) });
register({ channel: 'x', credential: 'x', create: (c, o) => new XPublisher(c.x!, o) });

export function registeredChannels(): SocialChannel[] {
	return ENTRIES.map((e) => e.channel);
}

const CREDENTIAL_NAMES: Record<keyof SocialCredentials, string> = { meta: 'Mitan Meta', x: 'Mitan X' };

export function createPublisher(channel: SocialChannel, creds: SocialCredentials, opts: PublisherOptions = {}): Publisher {
	const e = ENTRIES.find((x) => x.channel === channel);
	if (!e)
		throw new MitanError('SOCIAL_UNKNOWN_CHANNEL', `unknown social channel "${channel}" (known: ${registeredChannels().join(', ')})`, {
			field: 'channel',
		});
	if (!creds[e.credential]) {
		throw new MitanError('SOCIAL_CREDENTIAL_MISSING', `channel ${channel} needs the ${CREDENTIAL_NAMES[e.credential]} credential`, {
			channel,
			credential: e.credential,
		});
	}
	return e.create(creds, opts);
}

export function isSocialChannel(s: string): s is SocialChannel {
	return ENTRIES.some((e) => e.channel === s);
}
