import { Router } from 'express';
import { readAttachment } from '../../core/conversation/attachments';
import type { Db } from '../../core/db';
import { parseId } from '../../core/ids';
import { clientIp, locals, requireLogin } from './http';

/**
 * GET /api/complaints/:id/attachments/:aid: the bytes of a voice note, screenshot or document a
 * citizen sent, for the complaint desk's player / viewer. Cyber-cell staff and up (editor role:
 * a viewer watches trends and needs no citizen's voice); women / child cases only for those
 * core/complaints/visibility.ts allows, and only within the user's district. Each read is audited.
 * Never cached, and served as an attachment unless it is audio or an image (no document renders
 * in the dashboard's origin).
 */
export function attachmentsRouter(db: Db): Router {
	const r = Router();
	r.get('/complaints/:id/attachments/:aid', requireLogin('editor'), async (req, res, next) => {
		try {
			const complaintId = parseId(req.params['id'], 'id');
			const attachmentId = parseId(req.params['aid'], 'aid');
			const user = locals(res).user!;
			const a = await readAttachment(
				db,
				{ districtId: user.districtId, complaintId, attachmentId },
				{ role: user.role },
				{ actor: `user:${user.username}`, ip: clientIp(req) },
			);
			const inline = /^(audio|image)\//.test(a.mimeType) && a.mimeType !== 'image/svg+xml';
			res
				.status(200)
				.set('cache-control', 'private, no-store')
				.set('x-content-type-options', 'nosniff')
				.set('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${a.complaintRef}-${a.id}"`)
				.type(a.mimeType.split(';')[0])
				.send(a.bytes);
		} catch (e) {
			next(e);
		}
	});
	return r;
}
