import { Router } from 'express';
import { pendingQueue } from '../../core/dashboard';
import { MitanError } from '../../core/errors';
import { FailureBackoff } from '../../core/media/backoff';
import { ingestImage } from '../../core/media/ingest';
import type { AppDeps } from '../deps';
import { locals, requireLogin } from './http';

/**
 * The image of a pending approval, for the approver's preview. The dashboard's CSP allows images
 * from 'self' only (no page may load from a host someone typed into a draft), so the image is
 * brought into the media store (through the SSRF guard, with back-off, core/media/ingest.ts) and
 * the browser is sent to its /media/<sha256>.jpg: the JPEG Instagram will get, seen before approval.
 * Only images of requests the user may see (their district's pending queue) are fetched.
 */
export function approvalImageRouter(deps: AppDeps): Router {
	const r = Router();
	const backoff = new FailureBackoff();
	r.get('/approvals/:id/image', requireLogin('viewer'), async (req, res, next) => {
		try {
			const raw = String(req.params['id']);
			const id = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
			if (!Number.isSafeInteger(id))
				throw new MitanError('DASHBOARD_BAD_ID', `"${raw.slice(0, 20)}" is not an approval id`, { field: 'id' });
			const item = (await pendingQueue(deps.db, { districtId: locals(res).user!.districtId })).find((p) => p.approvalId === id);
			if (!item?.content.imageUrl) {
				res.status(404).type('text/plain').send('no pending request with an image / कोई चित्र नहीं');
				return;
			}
			const media = await ingestImage(deps.db, { url: item.content.imageUrl }, deps.publicUrl, {
				backoff,
				unsafeAllowAddressesForTests: deps.unsafeMediaAddressesForTests,
			});
			res.set('cache-control', 'private, no-store').redirect(302, `/media/${media.hash}.jpg`);
		} catch (e) {
			next(e);
		}
	});
	return r;
}
