/**
 * Inspection routes for templates (/_sandbox/whatsapp/templates…): what the WABA holds, and
 * Meta's later decisions a trainer or a test plays: pause, disable, reinstate, flag, quality,
 * category. Each change sends Meta's webhook (template-review.ts).
 */
import type { NextFunction, Request, Response, Router } from 'express';
import { ConfigError, type TemplateCategory } from './config';
import { disableTemplate, flagTemplate, pauseTemplate, reinstateTemplate, setCategory, setQuality, sweepPauses } from './template-review';
import type { SandboxState } from './state';
import { templateNode, type QualityScore, type TemplateRecord } from './wa-templates';
import type { WebhookDispatcher } from './webhooks';

type Handler = (fn: (req: Request) => unknown) => (req: Request, res: Response, next: NextFunction) => Promise<void>;

const EVENTS: Record<string, (s: SandboxState, w: WebhookDispatcher, t: TemplateRecord) => void> = {
	PAUSED: pauseTemplate,
	DISABLED: disableTemplate,
	REINSTATED: reinstateTemplate,
	FLAGGED: flagTemplate,
};

const view = (t: TemplateRecord) => ({
	...templateNode(t),
	pauses: t.pauses,
	pausedUntil: t.pausedUntilMs ? new Date(t.pausedUntilMs).toISOString() : null,
});

export function templateRoutes(r: Router, h: Handler, state: SandboxState, webhooks: WebhookDispatcher): void {
	const one = (req: Request): TemplateRecord => {
		const t = state.templates.get(String(req.params['id']));
		if (!t) throw new ConfigError(`no template with id ${String(req.params['id'])}`);
		return t;
	};
	const field = (req: Request, key: string): string => {
		const b = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
		const v = b[key];
		if (typeof v !== 'string' || !v) throw new ConfigError(`${key} is required`);
		return v.toUpperCase();
	};
	r.get(
		'/whatsapp/templates',
		h((req) => {
			sweepPauses(state, webhooks);
			const name = typeof req.query['name'] === 'string' ? req.query['name'] : undefined;
			return {
				data: state.templates
					.all()
					.filter((t) => !name || t.name === name)
					.map(view),
			};
		}),
	);
	r.post(
		'/whatsapp/templates/:id/status',
		h((req) => {
			const t = one(req);
			const event = field(req, 'event');
			const apply = EVENTS[event];
			if (!apply) throw new ConfigError(`event must be one of ${Object.keys(EVENTS).join(', ')}`);
			apply(state, webhooks, t);
			return view(t);
		}),
	);
	r.post(
		'/whatsapp/templates/:id/quality',
		h((req) => {
			const t = one(req);
			setQuality(state, webhooks, t, field(req, 'score') as QualityScore);
			return view(t);
		}),
	);
	r.post(
		'/whatsapp/templates/:id/category',
		h((req) => {
			const t = one(req);
			setCategory(state, webhooks, t, field(req, 'category') as TemplateCategory);
			return view(t);
		}),
	);
}
