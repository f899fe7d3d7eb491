/**
 * The Mitan WhatsApp, Mitan Meta and Mitan X credentials as core sees them: the one mapping from
 * n8n credential fields to core's types, and which n8n credential each kind lives in. Types only
 * from core here: a WhatsApp node does not carry the social publishers.
 */
import type { ICredentialDataDecryptedObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import type { MetaCredentials } from '../../core/channels/graph/publisher';
import type { ChannelCredentials, CredentialKind } from '../../core/channels/registry';
import type { WhatsAppConfig } from '../../core/channels/whatsapp/types';
import type { XCredentials } from '../../core/channels/x';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

export function whatsAppFromCredential(c: ICredentialDataDecryptedObject): WhatsAppConfig {
	return {
		accessToken: String(c.accessToken ?? ''),
		phoneNumberId: String(c.phoneNumberId ?? '').trim(),
		wabaId: str(c.wabaId),
		appId: str(c.appId),
		appSecret: str(c.appSecret),
		graphVersion: str(c.graphVersion),
		baseUrl: str(c.baseUrl),
		marketingMessages: c.marketingMessages === true,
	};
}

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

/** Each credential kind: its n8n credential type and how its fields become core's. */
const CREDENTIAL_TYPES: {
	[K in CredentialKind]: { type: string; read(c: ICredentialDataDecryptedObject): NonNullable<ChannelCredentials[K]> };
} = {
	whatsapp: { type: 'mitanWhatsAppApi', read: whatsAppFromCredential },
	meta: { type: 'mitanMetaApi', read: metaFromCredential },
	x: { type: 'mitanXApi', read: xFromCredential },
};

/** The credential of one kind; throws n8n's own error when the node has none set. */
export async function credentialOfKind<K extends CredentialKind>(
	ctx: IExecuteFunctions | IWebhookFunctions,
	kind: K,
): Promise<NonNullable<ChannelCredentials[K]>> {
	const t = CREDENTIAL_TYPES[kind];
	return t.read(await ctx.getCredentials(t.type)) as NonNullable<ChannelCredentials[K]>;
}
