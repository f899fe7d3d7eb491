/**
 * Media citizens send, as Meta serves them to the business: `GET /{v}/{media-id}` (bearer token)
 * answers {messaging_product, url, mime_type, sha256 (hex), file_size, id}; the url is on a
 * separate host path, needs the same bearer token, and works for five minutes (then GET the
 * media id again, as on Meta). Meta keeps the media 30 days; after that (by the sandbox's clock)
 * the id is unknown, as on Meta. Bytes are kept in a bounded store (oldest evicted first).
 */
import { createHash, randomBytes } from 'crypto';
import type { Request, Response, Router } from 'express';
import express from 'express';
import { GraphError } from './errors';
import type { SandboxState } from './state';

export interface SandboxMedia {
	id: string;
	mimeType: string;
	bytes: Buffer;
	sha256Hex: string;
	fileName?: string;
	createdMs: number;
}

/** Meta's media URLs stop working after five minutes. */
export const MEDIA_URL_TTL_MS = 5 * 60 * 1000;
export const MEDIA_PATH = '/whatsapp_business/attachments/';
/** Meta deletes a citizen's media 30 days after it was sent. */
export const MEDIA_KEPT_MS = 30 * 86_400_000;

export class MediaStore {
	private byId = new Map<string, SandboxMedia>();
	constructor(private max = 500) {}
	add(m: SandboxMedia): void {
		this.byId.set(m.id, m);
		while (this.byId.size > this.max) this.byId.delete(this.byId.keys().next().value as string);
	}
	/** The media, unless it is older than Meta keeps media at `nowMs` (the sandbox's clock). */
	get(id: string, nowMs: number): SandboxMedia | undefined {
		const m = this.byId.get(id);
		return m && nowMs - m.createdMs <= MEDIA_KEPT_MS ? m : undefined;
	}
	clear(): void {
		this.byId.clear();
	}
}

/** Bytes standing in for a citizen's file when a test gives none: shaped like the type (magic bytes first). */
export function sampleBytes(kind: string, size = 2048): Buffer {
	const magic: Record<string, number[]> = {
		audio: [0x4f, 0x67, 0x67, 0x53], // OggS (WhatsApp voice notes are Opus in Ogg)
		image: [0xff, 0xd8, 0xff, 0xe0], // JPEG
		document: [0x25, 0x50, 0x44, 0x46], // %PDF
		video: [0x00, 0x00, 0x00, 0x18, 0x66, 0x74, 0x79, 0x70], // ftyp (MP4)
		sticker: [0x52, 0x49, 0x46, 0x46], // RIFF (WebP)
	};
	return Buffer.concat([Buffer.from(magic[kind] ?? []), randomBytes(size)]);
}

export function storeMedia(state: SandboxState, m: { id: string; mimeType: string; bytes: Buffer; fileName?: string }): SandboxMedia {
	const rec: SandboxMedia = { ...m, sha256Hex: createHash('sha256').update(m.bytes).digest('hex'), createdMs: state.now() };
	state.media.add(rec);
	return rec;
}

function signUrl(state: SandboxState, id: string, issuedMs: number): string {
	return createHash('sha256').update(`${state.bootId}|${id}|${issuedMs}`).digest('hex').slice(0, 32);
}

/** The Graph answer for GET /{v}/{media-id}, with a fresh five-minute URL on the host the caller used. */
export function mediaInfo(state: SandboxState, m: SandboxMedia, req: Request): Record<string, unknown> {
	const issued = state.now();
	const url = `${req.protocol}://${req.get('host')}${MEDIA_PATH}?mid=${m.id}&ext=${issued}&hash=${signUrl(state, m.id, issued)}`;
	return { messaging_product: 'whatsapp', url, mime_type: m.mimeType, sha256: m.sha256Hex, file_size: m.bytes.length, id: m.id };
}

/** The media download: bearer token required (401 without, as lookaside answers), URL valid five minutes. */
export function mediaDownloadRouter(state: SandboxState): Router {
	const r = express.Router();
	r.get(MEDIA_PATH, (req: Request, res: Response) => {
		const auth = req.get('authorization') ?? '';
		const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
		if (!token || !state.config.whatsapp.accessTokens.includes(token) || state.isExpired(token)) {
			res.status(401).json(new GraphError(401, 190, 'Invalid OAuth access token - Cannot parse access token').toBody());
			return;
		}
		const id = String(req.query['mid'] ?? '');
		const issued = Number(req.query['ext'] ?? NaN);
		const m = state.media.get(id, state.now());
		if (!m || !Number.isFinite(issued) || req.query['hash'] !== signUrl(state, id, issued)) {
			res.status(404).json(new GraphError(404, 100, 'Invalid media URL').toBody());
			return;
		}
		if (state.now() - issued > MEDIA_URL_TTL_MS) {
			res.status(404).json(new GraphError(404, 100, 'Media URL expired; request a new one with GET /{media-id}').toBody());
			return;
		}
		res.status(200).set('content-type', m.mimeType).set('content-length', String(m.bytes.length)).end(m.bytes);
	});
	return r;
}
