import express, { Router } from 'express';
import { createWhatsAppClient, type WhatsAppClient } from '../../core/channels/whatsapp/client';
import { resolveConfig } from '../../core/config';
import { DeskService, type QueueInput } from '../../core/complaints/desk';
import { ComplaintService } from '../../core/complaints/service';
import type { Db } from '../../core/db';
import { httpStatusOf, isMitanError, MitanError } from '../../core/errors';
import { parseOptionalId } from '../../core/ids';
import type { AppDeps } from '../deps';
import type { TtlCache } from './cache';
import { caseHtml, queueHtml, type FormError } from './desk-pages';
import { clientIp, locals, requireCsrf, requireLogin } from './http';
import { t } from './i18n';
import { context, render } from './page-frame';

/**
 * The complaint desk's pages and form posts (routes → DeskService → repositories). Staff
 * (editor) and above; viewers are refused. Every post carries the session's CSRF token; a
 * refused one re-renders the case with the error next to its form, naming the field.
 */
const ACTIONS = ['acknowledge', 'category', 'assign', 'forward', 'note', 'reply', 'close'] as const;
type Action = (typeof ACTIONS)[number];

export function deskRouter(deps: AppDeps, apiCache: TtlCache<unknown>, defaultZone: string): Router {
	const r = Router();
	const db: Db = deps.db;
	const form = express.urlencoded({ extended: false, limit: '16kb' });
	// One WhatsApp client per app, made on first use from the installation's settings.
	let client: WhatsAppClient | null | undefined;
	const sender = () => {
		if (client !== undefined) return client;
		const w = resolveConfig({}, deps.env ?? process.env).whatsapp;
		client =
			w.accessToken && w.phoneNumberId
				? createWhatsAppClient(
						{ accessToken: w.accessToken, phoneNumberId: w.phoneNumberId, baseUrl: w.baseUrl, graphVersion: w.graphVersion },
						{ timeoutMs: 15_000 },
					)
				: null;
		return client;
	};
	const serviceFor = (res: express.Response) => {
		const u = locals(res).user!;
		return new DeskService(db, new ComplaintService(db, { districtId: u.districtId ?? undefined }), { districtId: u.districtId, sender });
	};
	const viewerOf = (res: express.Response) => ({ role: locals(res).user!.role });
	const actor = (req: express.Request, res: express.Response) => ({ actor: `dashboard:${locals(res).user!.username}`, ip: clientIp(req) });

	r.use('/desk', requireLogin('editor'));

	r.get('/desk', async (req, res) => {
		const ctx = await context(db, defaultZone, req, res, false);
		const svc = serviceFor(res);
		const q = req.query as QueueInput;
		const [out, stations] = await Promise.all([svc.queue(q, viewerOf(res)), svc.stations()]);
		render(res, ctx, 'desk', t(ctx.lang, 'desk_title'), queueHtml(ctx.lang, ctx.timeZone, q, stations, out), req);
	});

	const showCase = async (req: express.Request, res: express.Response, done?: string, error?: FormError & { status: number }) => {
		const ctx = await context(db, defaultZone, req, res, false);
		const view = await serviceFor(res).caseOf(String(req.params.ref), viewerOf(res));
		if (error) res.status(error.status);
		render(res, ctx, 'desk', view.complaint.ref, caseHtml(ctx.lang, ctx.timeZone, locals(res).session!.csrfToken, view, done, error), req);
	};

	r.get('/desk/:ref', async (req, res) => {
		const done = typeof req.query.done === 'string' && (ACTIONS as readonly string[]).includes(req.query.done) ? req.query.done : undefined;
		await showCase(req, res, done);
	});

	r.get('/desk/:ref/attachments/:aid', async (req, res) => {
		const aid = parseOptionalId(req.params.aid, 'aid', 'COMPLAINT_BAD_INPUT');
		if (aid === null) throw new MitanError('COMPLAINT_BAD_INPUT', 'aid: an attachment id is needed', { field: 'aid' });
		const a = await serviceFor(res).attachment(String(req.params.ref), aid, viewerOf(res));
		res.set('Cache-Control', 'private, no-store');
		// The citizen's bytes are shown, never interpreted as a page of this origin.
		res.set('Content-Security-Policy', "default-src 'none'; sandbox");
		res.set('X-Content-Type-Options', 'nosniff');
		res.type(a.mimeType).send(a.bytes);
	});

	const run: Record<
		Action,
		(svc: DeskService, ref: string, body: Record<string, unknown>, req: express.Request, res: express.Response) => Promise<unknown>
	> = {
		acknowledge: (svc, ref, _b, req, res) => svc.acknowledge(ref, viewerOf(res), actor(req, res)),
		category: (svc, ref, b, req, res) => svc.correctCategory(ref, b.category, viewerOf(res), actor(req, res)),
		assign: (svc, ref, b, req, res) =>
			svc.assign(ref, { policeStation: b.policeStation, officer: b.officer }, viewerOf(res), actor(req, res)),
		forward: (svc, ref, b, req, res) => svc.forward(ref, { ncrpAck: b.ncrpAck }, viewerOf(res), actor(req, res)),
		note: (svc, ref, b, req, res) => svc.note(ref, b.note, viewerOf(res), actor(req, res)),
		reply: (svc, ref, b, req, res) => svc.reply(ref, b.text, viewerOf(res), actor(req, res)),
		close: (svc, ref, b, req, res) => svc.close(ref, { outcome: b.outcome, note: b.note }, viewerOf(res), actor(req, res)),
	};

	r.post('/desk/:ref/:action', form, requireCsrf(), async (req, res) => {
		const action = String(req.params.action);
		if (!(ACTIONS as readonly string[]).includes(action))
			throw new MitanError('API_NOT_FOUND', `no desk action "${action}" (${ACTIONS.join(', ')})`);
		const ref = String(req.params.ref);
		try {
			await run[action as Action](serviceFor(res), ref, (req.body ?? {}) as Record<string, unknown>, req, res);
		} catch (e) {
			// Input an officer can correct: the case again, the error beside its form. Anything else: the error page.
			// A refused send is recorded on the case: shown there too.
			if (!isMitanError(e) || e.code === 'COMPLAINT_NOT_FOUND' || (httpStatusOf(e) >= 500 && e.code !== 'COMPLAINT_REPLY_FAILED')) throw e;
			const field = typeof e.details?.field === 'string' ? e.details.field : undefined;
			return showCase(req, res, undefined, { action, field, message: e.message, status: httpStatusOf(e) });
		}
		// Closing and forwarding change the complaints figures: cached answers must not hide them.
		apiCache.clear();
		if (req.accepts(['html', 'json']) === 'json') return res.json({ ok: true });
		res.redirect(303, `/desk/${encodeURIComponent(ref)}?done=${action}`);
	});
	return r;
}
