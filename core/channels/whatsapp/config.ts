/**
 * The WhatsApp credential as the client needs it, checked before any socket is opened: each
 * problem names the credential field, so the operator knows what to correct.
 */
import { MitanError } from '../../errors';
import { isHttpUrl, trimBase } from '../../url';
import { GRAPH_API_VERSION, GRAPH_BASE_URL } from '../api';
import type { WhatsAppConfig } from './types';

export interface ResolvedWhatsAppConfig {
	token: string;
	phoneNumberId: string;
	graphVersion: string;
	/** Without trailing slashes. */
	baseUrl: string;
	base: URL;
}

const invalid = (message: string, field: string) => new MitanError('WHATSAPP_CONFIG_INVALID', message, { field });
const given = (s: string | undefined): string | undefined => (s && s.trim() !== '' ? s.trim() : undefined);

export function resolveWhatsAppConfig(config: WhatsAppConfig): ResolvedWhatsAppConfig {
	if (!config || typeof config.accessToken !== 'string' || config.accessToken.trim() === '')
		throw invalid('WhatsApp access token is missing (credential field "accessToken")', 'accessToken');
	if (typeof config.phoneNumberId !== 'string' || !/^\d+$/.test(config.phoneNumberId.trim()))
		throw invalid(
			`WhatsApp phone number id must be digits (credential field "phoneNumberId"), got "${String(config.phoneNumberId)}"`,
			'phoneNumberId',
		);
	const graphVersion = given(config.graphVersion) ?? GRAPH_API_VERSION;
	if (!/^v\d+\.\d+$/.test(graphVersion))
		throw invalid(`Graph API version must look like "v27.0" (credential field "graphVersion"), got "${graphVersion}"`, 'graphVersion');
	const baseUrl = trimBase(given(config.baseUrl) ?? GRAPH_BASE_URL);
	let base: URL;
	try {
		base = new URL(baseUrl);
	} catch {
		throw invalid(`WhatsApp base URL is not a URL (credential field "baseUrl"): "${baseUrl}"`, 'baseUrl');
	}
	if (!isHttpUrl(baseUrl)) throw invalid(`WhatsApp base URL must be http(s) (credential field "baseUrl"): "${baseUrl}"`, 'baseUrl');
	return { token: config.accessToken.trim(), phoneNumberId: config.phoneNumberId.trim(), graphVersion, baseUrl, base };
}
