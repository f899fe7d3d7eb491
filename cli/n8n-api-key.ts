import * as fs from 'fs';
import * as path from 'path';
import type { N8nApiSettings } from '../core/erasure';
import { MitanError } from '../core/errors';

/**
 * The n8n API key `npm start` hands to the gateway (MITAN_N8N_API_URL / MITAN_N8N_API_KEY), so
 * an erasure also deletes the executions n8n kept that name the citizen
 * (core/erasure/n8n-executions.ts). Made once through n8n's own REST API as the owner, with only
 * the execution scopes the erasure needs, and kept (mode 600) in n8n's user folder like the
 * encryption key; made again when n8n no longer accepts the kept one (a fresh n8n database).
 */
export const ERASURE_API_SCOPES = ['execution:list', 'execution:read', 'execution:delete'];
const LABEL = 'police mitan erasure';

interface OwnerSession {
	baseUrl: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	rest(method: string, path: string, body?: unknown): Promise<any>;
}

async function accepted(baseUrl: string, apiKey: string): Promise<boolean> {
	try {
		const r = await fetch(`${baseUrl}/api/v1/executions?limit=1`, {
			headers: { 'X-N8N-API-KEY': apiKey },
			signal: AbortSignal.timeout(5000),
		});
		return r.ok;
	} catch {
		return false;
	}
}

export async function erasureApiKey(n8n: OwnerSession, userFolder: string): Promise<N8nApiSettings> {
	const file = path.join(userFolder, 'api.key');
	const kept = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
	if (kept && (await accepted(n8n.baseUrl, kept))) return { url: n8n.baseUrl, apiKey: kept };
	const made = await n8n.rest('POST', '/api-keys', { label: LABEL, scopes: ERASURE_API_SCOPES, expiresAt: null });
	const apiKey = String(made?.rawApiKey ?? '');
	if (!apiKey) throw new MitanError('ERASURE_N8N_REFUSED', 'n8n made no API key (no rawApiKey in its answer)');
	fs.writeFileSync(file, apiKey, { mode: 0o600 });
	return { url: n8n.baseUrl, apiKey };
}
