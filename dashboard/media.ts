import express, { Router } from 'express';
import type { AppDeps } from './deps';
import { MitanError } from '../core/errors';
import { FailureBackoff } from '../core/media/backoff';
import { ingestContentImage } from '../core/media/ingest';
import { INGEST_TICKET_HEADER, redeemIngestTicket } from '../core/publishing/ingest-tickets';
import { getMedia, MEDIA_HASH_RE } from '../core/media/store';

/**
 * Approved images as JPEG at stable URLs, for Instagram's crawler (and Facebook's):
 *   GET  /media/<sha256>.jpg  the bytes, image/jpeg, cacheable forever (the name is the hash).
 *   POST /media/ingest {contentId}  converts an APPROVED content's image and answers its URL.
 * The ingest route takes only a content id, never a URL: it fetches nothing a caller chooses,
 * and n8n nodes use it so sharp stays out of the node bundle. It answers only a caller with a
 * one-time ticket (core/publishing/ingest-tickets.ts) and fetches through the SSRF guard.
 */
export function mediaRouter(deps: AppDeps): Router {
	const router = Router();

	router.get('/:file', async (req, res, next) => {
		try {
			const m = /^([0-9a-f]{64})\.jpg$/.exec(String(req.params['file']));
			if (!m || !MEDIA_HASH_RE.test(m[1])) {
				res.status(404).type('text/plain').send('not found');
				return;
			}
			const media = await getMedia(deps.db, m[1]);
			if (!media) {
				res.status(404).type('text/plain').send('not found');
				return;
			}
			res.set({
				'content-type': 'image/jpeg',
				'content-length': String(media.bytes.length),
				'cache-control': 'public, max-age=31536000, immutable',
				etag: `"${media.hash}"`,
				'last-modified': media.createdAt.toUTCString(),
			});
			if (req.headers['if-none-match'] === `"${media.hash}"`) {
				res.status(304).end();
				return;
			}
			res.end(media.bytes);
		} catch (e) {
			next(e);
		}
	});

	const backoff = new FailureBackoff();
	router.post('/ingest', express.json({ limit: '4kb' }), async (req, res, next) => {
		try {
			const raw = (req.body as { contentId?: unknown } | undefined)?.contentId;
			const contentId = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
			if (!Number.isSafeInteger(contentId) || contentId <= 0) {
				throw new MitanError('CONTENT_ID_INVALID', 'body must be {"contentId": <positive integer>}', { field: 'contentId' });
			}
			// Before anything is looked up: without a ticket every id gets this same answer.
			const ticket = req.headers[INGEST_TICKET_HEADER];
			if (typeof ticket !== 'string' || !(await redeemIngestTicket(deps.db, ticket, contentId))) {
				throw new MitanError(
					'MEDIA_INGEST_UNAUTHORIZED',
					`POST /media/ingest needs a one-time ticket in ${INGEST_TICKET_HEADER} (the Mitan Publish node writes one with its Mitan Database credential)`,
				);
			}
			res.json(
				await ingestContentImage(deps.db, contentId, deps.publicUrl, {
					backoff,
					unsafeAllowAddressesForTests: deps.unsafeMediaAddressesForTests,
				}),
			);
		} catch (e) {
			next(e);
		}
	});

	return router;
}
