/**
 * The inspection API under /_sandbox/: what tests, benchmarks and trainers ask the sandbox
 * (what was sent, how it ended, duplicates, webhook delivery), and how they steer it (config,
 * clock, tokens, reset, injections). Not part of Meta's or X's surface.
 */
import { Router, type Request, type Response, type NextFunction } from 'express';
import { ConfigError, type SandboxConfig } from './config';
import { redactSecrets } from './inspect-guard';
import {
	injectInbound,
	injectQualityUpdate,
	injectUserIdChange,
	injectUserPreference,
	verifyHandshake,
	type InboundRequest,
	type QualityUpdateRequest,
} from './inject';
import { phoneShown, userIdOf, usernameOf } from './identities';
import { normaliseTo } from './whatsapp';
import { templateRoutes } from './inspect-templates';
import { TIER_LIMITS } from './limits';
import { seedTrainingTemplates } from './training-templates';
import { containerStatus } from './instagram';
import type { SandboxState } from './state';
import type { WebhookDispatcher } from './webhooks';
import type { WaMessageRecord } from './wa-store';

const limitOf = (q: unknown, dflt: number, max: number): number => Math.min(max, Math.max(1, Number(q ?? dflt) || dflt));
const qs = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function waStats(state: SandboxState): Record<string, unknown> {
	const wa = state.wa;
	const throughput: Record<string, unknown> = {};
	for (const phone of state.config.whatsapp.phoneNumbers) {
		const w = state.throughputOf(phone.id);
		const spanS = (w.lastAcceptMs - w.firstAcceptMs) / 1000;
		throughput[phone.id] = {
			limitPerSecond: phone.throughputPerSecond,
			accepted: w.totalAccepted,
			rejected130429: w.totalRejected,
			peakPerSecond: w.peakPerSecond,
			// (n - 1) / span: the rate between the first and the last accepted message.
			achievedPerSecond: spanS > 0 ? Math.round(((w.totalAccepted - 1) / spanS) * 100) / 100 : 0,
			lastSeconds: w.snapshot().slice(-10),
		};
	}
	const today = state.today(state.now());
	return {
		accepted: wa.accepted,
		rejected: wa.rejected,
		inbound: wa.inbound,
		syncErrors: wa.syncErrors,
		asyncErrors: wa.asyncErrors,
		byStatus: wa.byStatus,
		byTemplate: wa.byTemplate,
		// The delivery comparison: /messages against the Marketing Messages API.
		byEndpoint: Object.fromEntries(
			Object.entries(wa.byEndpoint).map(([k, e]) => [
				k,
				{ ...e, deliveredShare: e.accepted > 0 ? Math.round((e.delivered / e.accepted) * 10_000) / 10_000 : null },
			]),
		),
		day: today.day,
		messagingTier: state.config.whatsapp.messagingTier,
		tierLimit: Number.isFinite(TIER_LIMITS[state.config.whatsapp.messagingTier]) ? TIER_LIMITS[state.config.whatsapp.messagingTier] : null,
		businessInitiatedRecipientsToday: today.businessInitiated.size,
		expiredVersionCalls: state.expiredVersionCalls,
		throughput,
		duplicates: wa.duplicates(),
		memory: {
			messagesBuffered: wa.messages.size,
			messagesBufferCapacity: state.config.buffers.messages,
			pairLimiterEntries: state.pair.size,
			dailyRecipientEntries: today.businessInitiated.size + today.marketing.size,
		},
	};
}

function filterMessages(state: SandboxState, q: Request['query']): WaMessageRecord[] {
	const to = qs(q['to'])?.replace(/\D/g, '');
	const phone = qs(q['phoneNumberId']);
	const template = qs(q['template']);
	const status = qs(q['status']);
	const day = qs(q['day']);
	return state.wa.messages.findLatest(
		(m) =>
			(!to || m.waId === to) &&
			(!phone || m.phoneNumberId === phone) &&
			(!template || m.template === template) &&
			(!status || m.status === status) &&
			(!day || m.day === day),
		limitOf(q['limit'], 100, 10_000),
	);
}

export function inspectRouter(state: SandboxState, webhooks: WebhookDispatcher, initialConfig: SandboxConfig): Router {
	const r = Router();
	const h = (fn: (req: Request, res: Response) => unknown) => async (req: Request, res: Response, next: NextFunction) => {
		try {
			const out = await fn(req, res);
			if (out !== undefined && !res.headersSent) res.json(out);
		} catch (err) {
			next(err);
		}
	};
	const body = (req: Request): Record<string, unknown> =>
		req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};

	r.get(
		'/health',
		h(() => ({ ok: true, bootId: state.bootId, uptimeSeconds: Math.round(process.uptime()) })),
	);
	r.get(
		'/process',
		h(() => ({ pid: process.pid, cpuUsage: process.cpuUsage(), memoryUsage: process.memoryUsage(), uptimeSeconds: process.uptime() })),
	);
	// Only with node --expose-gc: lets the benchmark measure retained memory, not garbage.
	r.post(
		'/gc',
		h(() => {
			const gc = (globalThis as { gc?: () => void }).gc;
			if (gc) gc();
			return { gc: !!gc };
		}),
	);

	// Secrets stay out of what the API shows (the app secret signs webhooks to the real gateway).
	r.get(
		'/config',
		h(() => redactSecrets(state.config)),
	);
	r.patch(
		'/config',
		h((req) => redactSecrets(state.patchConfig(req.body))),
	);
	r.post(
		'/reset',
		h((req) => {
			if (req.query['config'] === 'initial' || body(req)['config'] === 'initial') state.config = structuredClone(initialConfig);
			state.reset();
			webhooks.resetStats();
			// Templates are the WABA's configuration, not traffic: kept unless asked (then re-seeded if configured).
			if (req.query['templates'] === 'clear' || body(req)['templates'] === 'clear') {
				state.templates.clear();
				if (state.config.whatsapp.seedTemplates) seedTrainingTemplates(state, webhooks);
			}
			return { ok: true };
		}),
	);

	r.get(
		'/clock',
		h(() => ({ now: new Date(state.now()).toISOString(), offsetMs: state.clockOffsetMs, day: state.dayOf(state.now()) })),
	);
	r.post(
		'/clock',
		h((req) => {
			const b = body(req);
			if (typeof b['advanceMs'] === 'number') state.clockOffsetMs += b['advanceMs'];
			else if (typeof b['offsetMs'] === 'number') state.clockOffsetMs = b['offsetMs'];
			else throw new ConfigError('give advanceMs or offsetMs (numbers)');
			return { now: new Date(state.now()).toISOString(), offsetMs: state.clockOffsetMs, day: state.dayOf(state.now()) };
		}),
	);

	r.post(
		'/tokens/expire',
		h((req) => {
			const t = body(req)['token'];
			if (typeof t !== 'string' || !t) throw new ConfigError('token is required');
			if (!state.config.expiredTokens.includes(t)) state.patchConfig({ expiredTokens: [...state.config.expiredTokens, t] });
			return { expiredTokens: state.config.expiredTokens };
		}),
	);
	r.post(
		'/tokens/renew',
		h((req) => {
			const t = body(req)['token'];
			state.patchConfig({ expiredTokens: state.config.expiredTokens.filter((x) => x !== t) });
			return { expiredTokens: state.config.expiredTokens };
		}),
	);

	r.get(
		'/whatsapp/stats',
		h(() => waStats(state)),
	);
	r.get(
		'/whatsapp/messages',
		h((req) => ({ data: filterMessages(state, req.query), buffered: state.wa.messages.size, totalAccepted: state.wa.accepted })),
	);
	r.get(
		'/whatsapp/messages/:wamid',
		h((req, res) => {
			const m = state.wa.get(String(req.params['wamid']));
			if (!m) {
				res.status(404).json({ error: 'unknown wamid (never sent, or evicted from the ring buffer)' });
				return undefined;
			}
			return m;
		}),
	);
	r.get(
		'/whatsapp/duplicates',
		h((req) => ({
			...state.wa.duplicates(),
			list: state.wa.duplicatesList.findLatest(() => true, limitOf(req.query['limit'], 100, 10_000)),
		})),
	);
	r.get(
		'/whatsapp/rejections',
		h((req) => {
			const code = Number(req.query['code'] ?? 0);
			return {
				data: state.wa.rejections.findLatest((x) => !code || x.code === code, limitOf(req.query['limit'], 100, 10_000)),
				total: state.wa.rejected,
			};
		}),
	);

	r.get(
		'/posts',
		h((req) => {
			const limit = limitOf(req.query['limit'], 100, 1_000);
			const network = qs(req.query['network']);
			const s = state.social;
			return {
				facebook: network && network !== 'facebook' ? undefined : s.fbPosts.ring.findLatest(() => true, limit),
				instagram:
					network && network !== 'instagram'
						? undefined
						: {
								media: s.igMedia.ring.findLatest(() => true, limit),
								containers: s.igContainers.ring.findLatest(() => true, limit).map((c) => ({ ...c, statusCode: containerStatus(state, c) })),
							},
				x: network && network !== 'x' ? undefined : s.tweets.ring.findLatest(() => true, limit),
			};
		}),
	);

	r.get(
		'/webhooks',
		h(() => ({ callbackUrl: state.config.webhook.callbackUrl, ...webhooks.snapshot() })),
	);
	r.get(
		'/webhooks/log',
		h((req) => ({ data: webhooks.log.findLatest(() => true, limitOf(req.query['limit'], 100, 10_000)) })),
	);
	r.post(
		'/webhooks/drain',
		h(async (req) => ({ drained: await webhooks.drain(limitOf(req.query['timeoutMs'], 10_000, 120_000)), ...webhooks.snapshot() })),
	);

	// The media endpoint fails the next `count` calls (transient 131000), then is healthy again.
	r.post(
		'/faults/media',
		h((req) => {
			const n = body(req)['count'];
			if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 1000) throw new ConfigError('count: a whole number 0..1000');
			state.mediaFaults = n;
			return { mediaFaults: state.mediaFaults };
		}),
	);
	r.post(
		'/inject/inbound',
		h((req) => injectInbound(state, webhooks, body(req) as unknown as InboundRequest)),
	);
	r.post(
		'/inject/user-preferences',
		h((req) =>
			injectUserPreference(
				state,
				webhooks,
				body(req) as unknown as { waId?: string; fromUserId?: string; value: 'stop' | 'resume'; phoneNumberId?: string },
			),
		),
	);
	r.post(
		'/inject/user-id-change',
		h((req) => injectUserIdChange(state, webhooks, body(req) as { from?: string; fromUserId?: string; phoneNumberId?: string })),
	);
	// Who a citizen is to the business: BSUID, username, whether Meta shows the number now.
	r.get(
		'/whatsapp/users/:number',
		h((req) => {
			const waId = normaliseTo(String(req.params['number']));
			if (!waId) throw new ConfigError('number must be a phone number (8-15 digits)');
			return {
				waId,
				userId: userIdOf(state, waId),
				username: usernameOf(state, waId) ?? null,
				phoneShown: phoneShown(state, waId, state.now(), state.lastInboundMs.get(waId)),
			};
		}),
	);
	r.post(
		'/inject/phone-quality',
		h((req) => injectQualityUpdate(state, webhooks, body(req) as QualityUpdateRequest)),
	);
	templateRoutes(r, h, state, webhooks);
	r.post(
		'/inject/verify',
		h((req) => verifyHandshake(state, body(req) as { callbackUrl?: string; verifyToken?: string })),
	);
	return r;
}
