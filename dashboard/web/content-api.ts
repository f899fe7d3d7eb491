import express, { Router } from 'express';
import type { Db } from '../../core/db';
import { webhookStarter, type ApprovalStartConfig } from '../../core/approvals';
import { Authoring, contentCalendar } from '../../core/content';
import { listDistricts, resolveScope } from '../../core/dashboard';
import { MitanError } from '../../core/errors';
import { ingestImage } from '../../core/media/ingest';
import { MAX_INPUT_BYTES, tooLargeInput } from '../../core/media/convert';
import { clientIp, locals, requireCsrf, requireLogin } from './http';
import type { TtlCache } from './cache';

/**
 * The Content page's JSON API: check a draft (problems at their fields + the per-channel preview,
 * nothing saved), save it, upload its image into the media store, send it for approval, read the
 * 14-day calendar. Every rule is core's (core/content/authoring.ts); this file maps HTTP to it.
 */

/** The district a request writes in: the user's own; a state-level user names one (?district=) or has only one. */
async function districtOf(db: Db, req: express.Request, res: express.Response): Promise<number> {
	const scope = resolveScope(locals(res).user!.districtId, req.query.district);
	if (scope.districtId !== null) return scope.districtId;
	const all = await listDistricts(db);
	if (all.length === 1) return all[0].id;
	throw new MitanError('DASHBOARD_BAD_DISTRICT', 'district: choose the district this content is for (?district=<id>)', {
		field: 'district',
	});
}

function idOf(req: express.Request): number {
	const id = Number(req.params.id);
	if (!Number.isSafeInteger(id) || id <= 0)
		throw new MitanError('CONTENT_ID_INVALID', `"${req.params.id}" is not a content id`, { field: 'id' });
	return id;
}

const actorOf = (res: express.Response) => `user:${locals(res).user!.username}`;

export function contentApiRouter(db: Db, apiCache: TtlCache<unknown>, publicUrl: string, approval: ApprovalStartConfig): Router {
	const r = Router();
	const json = express.json({ limit: '100kb' });
	// Raw bytes of the image, at most what the converter decodes: a larger file is a problem at the
	// image field (IMAGE_TOO_LARGE, in both languages), not the generic BODY_TOO_LARGE; nothing is stored.
	const rawBytes = express.raw({ type: () => true, limit: MAX_INPUT_BYTES });
	const raw: express.RequestHandler = (req, res, next) =>
		rawBytes(req, res, (err?: unknown) => {
			const e = err as { type?: unknown; length?: unknown } | undefined;
			if (e?.type === 'entity.too.large') return next(tooLargeInput(typeof e.length === 'number' ? e.length : null));
			next(err as Error | undefined);
		});
	const start = webhookStarter(approval);
	r.use(requireLogin('viewer'));

	r.get('/calendar', async (req, res) => {
		res.json(await contentCalendar(db, await districtOf(db, req, res)));
	});

	r.get('/content', async (req, res) => {
		const q = req.query as Record<string, string | undefined>;
		const list = await new Authoring(db, await districtOf(db, req, res)).list({ from: q.from, to: q.to, state: q.state || undefined });
		res.json({ content: list });
	});

	r.get('/content/:id', async (req, res) => {
		res.json({ content: await new Authoring(db, await districtOf(db, req, res)).get(idOf(req)) });
	});

	r.post('/content/check', json, requireCsrf(), requireLogin('editor'), async (req, res) => {
		const { draft: _draft, ...check } = await new Authoring(db, await districtOf(db, req, res)).check(req.body);
		res.json(check);
	});

	r.post('/content', json, requireCsrf(), requireLogin('editor'), async (req, res) => {
		const c = await new Authoring(db, await districtOf(db, req, res)).create(req.body, actorOf(res), clientIp(req));
		apiCache.clear();
		res.status(201).json({ content: c });
	});

	r.put('/content/:id', json, requireCsrf(), requireLogin('editor'), async (req, res) => {
		const c = await new Authoring(db, await districtOf(db, req, res)).update(idOf(req), req.body, actorOf(res), clientIp(req));
		apiCache.clear();
		res.json({ content: c });
	});

	r.post('/content/:id/submit', json, requireCsrf(), requireLogin('editor'), async (req, res) => {
		const c = await new Authoring(db, await districtOf(db, req, res)).submit(idOf(req), (x) => start(x));
		apiCache.clear();
		res.json({ content: c });
	});

	// The image goes into the media store as a JPEG every channel takes (Instagram's ratio and width,
	// no larger than WhatsApp's header image limit: core/media/convert.ts); the draft then refers to its URL.
	r.post('/content/image', requireCsrf(), requireLogin('editor'), raw, async (req, res) => {
		const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
		if (bytes.length === 0)
			throw new MitanError('IMAGE_MISSING', 'no image in the request: choose a JPEG or PNG file / कोई चित्र नहीं चुना गया', {
				field: 'imageUrl',
			});
		const m = await ingestImage(db, { bytes }, publicUrl);
		res.status(201).json({ url: m.url, path: `/media/${m.hash}.jpg`, width: m.width, height: m.height });
	});

	return r;
}
