/**
 * For the nodes that post or read posts (Mitan Publish: publish, metrics; Mitan Reach: pull
 * insights): the "Channels" parameter written once, the one reader that checks it against the
 * channel registry, the credentials the chosen channels need, and the X credential test.
 */
import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IExecuteFunctions,
	INodeCredentialTestResult,
	INodeProperties,
} from 'n8n-workflow';
import { credentialOf, isPostChannel, postChannels, type ChannelCredentials } from '../../core/channels/registry';
import type { Channel, SocialChannel } from '../../core/channels/types';
import { XPublisher } from '../../core/channels/x';
import { MitanError } from '../../core/errors';
import { credentialOfKind, xFromCredential } from './credentials';

/** How each post channel is named in the node UI (a test keeps this equal to the registry). */
export const POST_CHANNEL_OPTIONS: { name: string; value: SocialChannel }[] = [
	{ name: 'Facebook Page', value: 'facebook' },
	{ name: 'Instagram', value: 'instagram' },
	{ name: 'X', value: 'x' },
];

export function postChannelsParameter(name: string, show: Record<string, string[]>, description?: string): INodeProperties {
	return {
		displayName: 'Channels',
		name,
		type: 'multiOptions',
		options: POST_CHANNEL_OPTIONS,
		default: POST_CHANNEL_OPTIONS.map((o) => o.value),
		...(description ? { description } : {}),
		displayOptions: { show },
	};
}

/** The chosen channels, deduplicated; an unknown or empty choice is refused naming the parameter. */
export function readPostChannels(ctx: IExecuteFunctions, name: string, i: number): SocialChannel[] {
	const raw = ctx.getNodeParameter(name, i, []) as string[] | string;
	const list = (Array.isArray(raw) ? raw : [raw]).map((c) => String(c).trim().toLowerCase());
	const bad = list.filter((c) => !isPostChannel(c));
	if (bad.length)
		throw new MitanError('SOCIAL_UNKNOWN_CHANNEL', `unknown channel(s) ${bad.join(', ')} (known: ${postChannels().join(', ')})`, {
			field: name,
		});
	if (!list.length) throw new MitanError('SOCIAL_NO_CHANNEL', 'choose at least one channel', { field: name });
	return [...new Set(list)] as SocialChannel[];
}

/** Reads only the credentials the chosen channels need; a missing one becomes that channel's error. */
export async function channelCredentials(ctx: IExecuteFunctions, channels: readonly Channel[]): Promise<ChannelCredentials> {
	const out: ChannelCredentials = {};
	for (const kind of new Set(channels.map(credentialOf))) {
		try {
			Object.assign(out, { [kind]: await credentialOfKind(ctx, kind) });
		} catch {
			// Not set on the node: the channels that need it fail with SOCIAL_CREDENTIAL_MISSING, the others go on.
		}
	}
	return out;
}

export async function mitanXConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const me = await new XPublisher(xFromCredential(credential.data ?? {}), { timeoutMs: 15_000, maxRateLimitWaitMs: 0 }).whoAmI();
		return { status: 'OK', message: `Connected as ${me.username ?? me.id}` };
	} catch (e) {
		return { status: 'Error', message: (e as Error).message };
	}
}
