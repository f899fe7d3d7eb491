/** Shared plumbing for the gateway tests: an app with the gateway mounted, signed bodies, seed rows. */
import express from 'express';
import request from 'supertest';
import type { Db } from '../../core/db';
import { signBody } from '../../core/gateway/signature';
import type { Interactive } from '../../core/channels/whatsapp/interactive';
import type { ConversationSender, SendResult, TemplateMessage } from '../../core/channels/whatsapp/types';
import { errorHandler } from '../../dashboard/app';
import { gatewayRouter, type GatewayDeps, type GatewayRouter } from '../../dashboard/gateway';

export const APP_SECRET = 'sandbox-app-secret';
export const VERIFY_TOKEN = 'sandbox-verify-token';
export const PHONE_ID = '100000000000001';
export const WABA_ID = '200000000000001';

export function gatewayEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	return { META_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN, WHATSAPP_PHONE_NUMBER_ID: PHONE_ID, ...extra };
}

/** The gateway router on a bare app with the dashboard's error middleware, as createApp mounts it. */
export function gatewayApp(
	db: Db,
	opts: { env?: NodeJS.ProcessEnv; gateway?: GatewayDeps['gateway'] } = {},
): { app: express.Express; router: GatewayRouter } {
	const app = express();
	const router = gatewayRouter({
		db,
		publicUrl: 'http://localhost',
		env: opts.env ?? gatewayEnv(),
		gateway: { onError: () => undefined, ...opts.gateway },
	});
	app.use('/webhooks', router);
	app.use(errorHandler);
	return { app, router };
}

/** Meta writes non-ASCII as lowercase \uXXXX escapes and "/" as "\/"; sign exactly those bytes. */
export function metaBytes(obj: unknown): Buffer {
	const s = JSON.stringify(obj)
		.replace(/\//g, '\\/')
		.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
	return Buffer.from(s, 'utf8');
}

export function signed(body: Buffer, secret = APP_SECRET): string {
	return signBody(body, secret);
}

const meta = (phoneNumberId = PHONE_ID) => ({ display_phone_number: '917000000001', phone_number_id: phoneNumberId });

export function envelope(field: string, value: Record<string, unknown>, phoneNumberId = PHONE_ID): Record<string, unknown> {
	return {
		object: 'whatsapp_business_account',
		entry: [{ id: WABA_ID, changes: [{ field, value: { messaging_product: 'whatsapp', metadata: meta(phoneNumberId), ...value } }] }],
	};
}

export interface StatusSpec {
	id: string;
	status: string;
	ts?: number;
	recipient?: string;
	code?: number;
	pricing?: boolean;
}

export function statusObj(s: StatusSpec): Record<string, unknown> {
	return {
		id: s.id,
		status: s.status,
		timestamp: String(s.ts ?? 1_780_000_000),
		recipient_id: s.recipient ?? '919876500001',
		...(s.code ? { errors: [{ code: s.code, title: 'error ' + s.code, message: 'x', error_data: { details: 'd' } }] } : {}),
		...(s.pricing !== false && s.status !== 'failed'
			? { pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' } }
			: {}),
	};
}

export function statusesBody(list: StatusSpec[], phoneNumberId = PHONE_ID): Record<string, unknown> {
	return envelope('messages', { statuses: list.map(statusObj) }, phoneNumberId);
}

let inboundSeq = 0;
export function textMessageBody(
	from: string,
	text: string,
	opts: { id?: string; ts?: number; type?: string } = {},
): Record<string, unknown> {
	const id = opts.id ?? `wamid.in.${Date.now()}.${++inboundSeq}`;
	const base: Record<string, unknown> = {
		from,
		id,
		timestamp: String(opts.ts ?? Math.floor(Date.now() / 1000)),
		type: opts.type ?? 'text',
	};
	if ((opts.type ?? 'text') === 'text') base.text = { body: text };
	if (opts.type === 'button') base.button = { payload: text, text };
	return envelope('messages', { contacts: [{ profile: { name: 'नागरिक' }, wa_id: from }], messages: [base] });
}

export function preferenceBody(waId: string, value: string, ts: number): Record<string, unknown> {
	return envelope('user_preferences', {
		contacts: [{ wa_id: waId }],
		user_preferences: [{ wa_id: waId, detail: 'x', category: 'marketing_messages', value, timestamp: ts }],
	});
}

/** A subscriber, a broadcast and one delivery per wamid, as the broadcast sender leaves them. */
export async function seedBroadcast(
	db: Db,
	subs: { phone: string; policeStation?: string; language?: 'hi' | 'en' }[],
	tag: string,
	wamids?: (string | null)[],
	/** The broadcast's day: a citizen holds one awareness delivery a day (migration 115). */
	date = '2026-06-01',
): Promise<{ broadcastId: number; subscriberIds: number[]; deliveryIds: number[] }> {
	const subscriberIds: number[] = [];
	for (const s of subs) {
		const [r] = await db.query<{ id: number }>(
			`INSERT INTO subscribers (district_id, phone, language, police_station, consent_source) VALUES (1, $1, $2, $3, 'test')
       ON CONFLICT (district_id, phone) DO UPDATE SET police_station = EXCLUDED.police_station RETURNING id`,
			[s.phone, s.language ?? 'hi', s.policeStation ?? 'Kawardha'],
		);
		subscriberIds.push(r.id);
	}
	const [b] = await db.query<{ id: number }>(
		`INSERT INTO broadcasts (content_key, broadcast_date, segment_key, templates, status) VALUES ($1, $2::date, 'all', '{}'::jsonb, 'running') RETURNING id`,
		[tag, date],
	);
	const deliveryIds: number[] = [];
	for (let i = 0; i < subscriberIds.length; i++) {
		const w = wamids ? wamids[i] : `wamid.${tag}.${i}`;
		const [d] = await db.query<{ id: number }>(
			`INSERT INTO deliveries (broadcast_id, subscriber_id, language, state, wamid, sent_at) VALUES ($1, $2, 'hi', $3, $4, $5) RETURNING id`,
			[b.id, subscriberIds[i], w ? 'sent' : 'in_flight', w, w ? new Date() : null],
		);
		deliveryIds.push(d.id);
	}
	return { broadcastId: b.id, subscriberIds, deliveryIds };
}

/** A confirmation sender that records what it was asked to send (or fails, to prove nothing is undone). */
export class FakeSender implements ConversationSender {
	sent: { to: string; body: string }[] = [];
	interactive: { to: string; message: Interactive }[] = [];
	constructor(private readonly fail = false) {}
	async sendTemplate(): Promise<SendResult> {
		throw new Error('not used');
	}
	async sendText(to: string, body: string): Promise<SendResult> {
		if (this.fail) throw Object.assign(new Error('network down'), { code: 'WHATSAPP_NETWORK' });
		this.sent.push({ to, body });
		return { wamid: `wamid.confirm.${this.sent.length}` };
	}
	async sendInteractive(to: string, message: Interactive): Promise<SendResult> {
		if (this.fail) throw Object.assign(new Error('network down'), { code: 'WHATSAPP_NETWORK' });
		this.interactive.push({ to, message });
		return { wamid: `wamid.interactive.${this.interactive.length}` };
	}
}

/** A staff-alert sender that records each template it was asked to send (alerts never go as free text). */
export class AlertRecorder implements ConversationSender {
	sent: { to: string; template: TemplateMessage }[] = [];
	async sendTemplate(to: string, template: TemplateMessage): Promise<SendResult> {
		this.sent.push({ to, template });
		return { wamid: `wamid.alert.${this.sent.length}` };
	}
	async sendText(): Promise<SendResult> {
		throw new Error('staff alerts go as a template');
	}
	async sendInteractive(): Promise<SendResult> {
		throw new Error('staff alerts go as a template');
	}
}

/**
 * The webhook suites' shared setup on one engine's database: a gateway app whose confirmations
 * go to a FakeSender, a signed POST, and a row count. Registers its own beforeAll / afterAll.
 */
export function webhookSuite(ctx: { readonly db: Db }) {
	const gw = {} as { app: express.Express; router: GatewayRouter; sender: FakeSender } & {
		post(body: Buffer | object, sig?: string | null): request.Test;
		count(sql: string, params?: unknown[]): Promise<number>;
		statusRows(prefix: string): Promise<number>;
	};
	beforeAll(() => {
		gw.sender = new FakeSender();
		Object.assign(gw, gatewayApp(ctx.db, { gateway: { senderFor: () => gw.sender } }));
	});
	afterAll(async () => {
		await gw.router.gateway.close();
	});
	gw.post = (body, sig) => {
		const raw = Buffer.isBuffer(body) ? body : metaBytes(body);
		const r = request(gw.app).post('/webhooks/whatsapp').set('content-type', 'application/json');
		if (sig !== null) r.set('x-hub-signature-256', sig ?? signed(raw));
		// A string, not the Buffer: superagent would JSON-encode a Buffer sent as application/json.
		return r.send(raw.toString('utf8'));
	};
	gw.count = async (sql, params = []) => Number((await ctx.db.query<{ n: number }>(sql, params))[0].n);
	gw.statusRows = (prefix) => gw.count(`SELECT count(*)::int AS n FROM status_events WHERE wamid LIKE $1`, [prefix + '%']);
	return gw;
}
