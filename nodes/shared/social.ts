/**
 * The Mitan Meta / Mitan X credentials as core's SocialCredentials, and the X credential test.
 * Shared by Mitan Publish and Mitan Reach (pull social insights).
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IExecuteFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import type { SocialChannel } from '../../core/channels/publisher';
import type { MetaCredentials } from '../../core/channels/social/graph';
import type { SocialCredentials } from '../../core/channels/social/registry';
import { XPublisher, type XCredentials } from '../../core/channels/social/x';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

export function metaFromCredential(c: ICredentialDataDecryptedObject): MetaCredentials {
	return {
		pageId: str(c.pageId),
		pageToken: str(c.pageToken) ?? '',
		igUserId: str(c.igUserId),
		graphVersion: str(c.graphVersion),
		baseUrl: str(c.baseUrl),
	};
}

export function xFromCredential(c: ICredentialDataDecryptedObject): XCredentials {
	return {
		authType: c.authType === 'oauth2' ? 'oauth2' : 'oauth1',
		consumerKey: str(c.consumerKey),
		consumerSecret: str(c.consumerSecret),
		accessToken: str(c.accessToken),
		accessTokenSecret: str(c.accessTokenSecret),
		oauth2Token: str(c.oauth2Token),
		baseUrl: str(c.baseUrl),
	};
}

/** Reads only the credentials the chosen channels need; a missing one becomes that channel's error. */
export async function socialCredentials(ctx: IExecuteFunctions, channels: SocialChannel[]): Promise<SocialCredentials> {
	const out: SocialCredentials = {};
	const tryGet = async (name: string) => {
		try {
			return await ctx.getCredentials(name);
		} catch {
			return undefined;
		}
	};
	if (channels.some((c) => c === 'facebook' || c === 'instagram')) {
		const m = await tryGet('mitanMetaApi');
		if (m) out.meta = metaFromCredential(m);
	}
	if (channels.includes('x')) {
		const x = await tryGet('mitanXApi');
		if (x) out.x = xFromCredential(x);
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
