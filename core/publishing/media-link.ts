/**
 * How a process without sharp (an n8n node) gets an Instagram-ready JPEG URL for approved
 * content: it asks the gateway, which converts and serves it at /media/<sha256>.jpg. The request
 * carries a one-time ticket written to the shared database first (./ingest-tickets.ts): the
 * gateway answers nobody else.
 */
import type { Queryable } from '../db';
import { MitanError } from '../errors';
import { trimBase } from '../url';
import { INGEST_TICKET_HEADER, issueIngestTicket } from './ingest-tickets';

export const OWN_MEDIA_RE = /\/media\/[0-9a-f]{64}\.jpg$/;

export async function requestContentJpegUrl(db: Queryable, gatewayUrl: string, contentId: number, timeoutMs = 60_000): Promise<string> {
	const url = `${trimBase(gatewayUrl)}/media/ingest`;
	const ticket = await issueIngestTicket(db, contentId);
	let res: Response;
	try {
		res = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', [INGEST_TICKET_HEADER]: ticket },
			body: JSON.stringify({ contentId }),
			signal: AbortSignal.timeout(timeoutMs),
		});
	} catch (e) {
		throw new MitanError(
			'MEDIA_GATEWAY_UNREACHABLE',
			`gateway ${url} unreachable (${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}): check the Gateway URL`,
			{ field: 'gatewayUrl' },
		);
	}
	const body = (await res.json().catch(() => ({}))) as { url?: string; error?: { code?: string; message?: string; action?: string } };
	if (!res.ok || !body.url) {
		// The gateway's own error (code and action) comes back as it was raised there.
		const e = body.error;
		throw MitanError.from(e, 'MEDIA_GATEWAY_FAILED', {
			message: `gateway could not prepare the image of content ${contentId}: ${e?.message ?? `HTTP ${res.status}`}`,
			details: { contentId, httpStatus: res.status },
		});
	}
	return body.url;
}
