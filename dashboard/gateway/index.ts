import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { resolveConfig } from '../../core/config';
import { httpErrorOf, MitanError } from '../../core/errors';
import { WhatsAppWebhookService, type GatewayOptions } from '../../core/gateway/service';
import type { AppDeps } from '../deps';
import { parseRecipients } from '../../core/channels/whatsapp/recipients';

/**
 * /webhooks/whatsapp: Meta's one callback URL for the app. GET is the subscription handshake,
 * POST carries statuses, citizens' messages and preferences. The route only moves bytes: the
 * work is in core/gateway/service.ts.
 *
 * The body is read raw (express.raw) so the signature is checked over the exact bytes Meta
 * signed. Limit 3 MB: Meta's documented maximum payload; anything larger is refused (413)
 * before it is read into memory.
 */
export const WEBHOOK_BODY_LIMIT = '3mb';

export interface GatewayDeps extends AppDeps {
	/** Test and tuning hooks (confirmation sender, batch sizes); settings come from env. */
	gateway?: Partial<Omit<GatewayOptions, 'db' | 'whatsapp'>>;
}

export type GatewayRouter = Router & { gateway: WhatsAppWebhookService };

export function gatewayRouter(deps: GatewayDeps): GatewayRouter {
	const env = deps.env ?? process.env;
	const config = resolveConfig({}, env);
	const whatsapp = config.whatsapp;
	const service = new WhatsAppWebhookService({
		db: deps.db,
		whatsapp,
		// Read when an erasure needs it: `npm start` adds n8n's API key to this env once n8n is up.
		n8nApi: () => resolveConfig({}, env).n8nApi,
		staffAlerts: {
			phones: config.staffAlertPhones ? parseRecipients(config.staffAlertPhones) : undefined,
			template: config.staffAlertTemplate,
		},
		onError: (e, where) => console.error(`[gateway] ${where}:`, (e as Error).message ?? e),
		...deps.gateway,
	});
	const router = Router() as GatewayRouter;
	router.gateway = service;

	router.get('/whatsapp', (req: Request, res: Response) => {
		const a = service.handshake(req.query as Record<string, unknown>);
		if (a.status === 200) res.status(200).type('text/plain').send(String(a.body));
		else res.status(a.status).json(a.body);
	});

	router.post(
		'/whatsapp',
		express.raw({ type: '*/*', limit: WEBHOOK_BODY_LIMIT }),
		async (req: Request, res: Response, next: NextFunction) => {
			try {
				const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
				const answer = await service.receive(raw, req.headers['x-hub-signature-256']);
				res.status(answer.status).json(answer.body);
				service.runAfter(answer);
			} catch (e) {
				next(e);
			}
		},
	);

	// Errors of this router answered here as JSON, so a bad body never reaches a page-rendering handler.
	router.use('/whatsapp', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
		if (res.headersSent) return next(err);
		const tooLarge = (err as { type?: unknown }).type === 'entity.too.large';
		const { status, body } = httpErrorOf(
			tooLarge ? new MitanError('BODY_TOO_LARGE', `webhook body is larger than ${WEBHOOK_BODY_LIMIT}`, { limit: WEBHOOK_BODY_LIMIT }) : err,
		);
		if (status >= 500) console.error('[gateway]', err);
		res.status(status).json(body);
	});
	return router;
}
