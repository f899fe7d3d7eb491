/**
 * The conversation end to end: the sandbox (as strict as Meta) sends each citizen's message as a
 * signed webhook to the gateway on a real socket; the gateway's answers go back to the sandbox
 * through the real WhatsApp client, and its record of what it accepted is what the tests read.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { createWhatsAppClient, type WhatsAppClient } from '../../core/channels/whatsapp/client';
import type { Db } from '../../core/db';
import type { GatewayRouter } from '../../dashboard/gateway';
import { call, PHONE_ID, startSandbox, WA_TOKEN, type Started } from '../sandbox/helpers';
import { gatewayApp, gatewayEnv } from './helpers';

export interface Conversation {
	sb: Started;
	router: GatewayRouter;
	client: WhatsAppClient;
	/** The gateway's HTTP server (for a hand-made signed POST). */
	server: http.Server;
	/** The citizen (digits or +E.164) sends a message; resolves once the gateway has handled it and its after-work is done. */
	send(body: Record<string, unknown>): Promise<{ wamid: string }>;
	/** What the sandbox accepted for this number (newest first). */
	sentTo(phone: string): Promise<{ wamid: string; type: string; text?: string; status: string; errorCode?: number }[]>;
	/** Waits for every webhook the sandbox scheduled (answers' statuses included) and the gateway's after-work. */
	settle(): Promise<void>;
	inbound(
		wamid: string,
	): Promise<{ id: number; conversation_kind: string; queue_state: string; subscriber_id: number | null; from_phone: string | null }>;
	close(): Promise<void>;
}

export async function startConversation(
	ctx: { readonly db: Db },
	opts: { gateway?: NonNullable<Parameters<typeof gatewayApp>[1]>['gateway'] } = {},
): Promise<Conversation> {
	const sb = await startSandbox();
	const built = gatewayApp(ctx.db, { env: gatewayEnv({ WHATSAPP_ACCESS_TOKEN: WA_TOKEN, GRAPH_BASE_URL: sb.url }), gateway: opts.gateway });
	const server = http.createServer(built.app);
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
	const patched = await call(sb.url, 'PATCH', '/_sandbox/config', { body: { webhook: { callbackUrl } } });
	if (patched.status !== 200) throw new Error(`sandbox config: ${JSON.stringify(patched.body)}`);
	const client = createWhatsAppClient({ accessToken: WA_TOKEN, phoneNumberId: PHONE_ID, baseUrl: sb.url });
	const settle = async () => {
		const d = await call(sb.url, 'POST', '/_sandbox/webhooks/drain?timeoutMs=20000');
		if (d.status !== 200) throw new Error(`drain: ${JSON.stringify(d.body)}`);
		await built.router.gateway.idle();
		// The answers' own status webhooks, scheduled by the sends the after-work made.
		await call(sb.url, 'POST', '/_sandbox/webhooks/drain?timeoutMs=20000');
		await built.router.gateway.idle();
	};
	return {
		sb,
		router: built.router,
		client,
		server,
		async send(body) {
			// The citizen reads the last answer before writing again: past Meta's 6-second pair limit
			// (131056), which the sandbox keeps, so each answer can be sent.
			await call(sb.url, 'POST', '/_sandbox/clock', { body: { advanceMs: 7_000 } });
			// A citizen whose number Meta shows (no username, or a known contact): the conversation by
			// BSUID alone is the identity work's (tests/gateway/hidden-identity.test.ts).
			const r = await call(sb.url, 'POST', '/_sandbox/inject/inbound', { body: { identity: 'phone', ...body } });
			if (r.status !== 200) throw new Error(`inject: ${r.status} ${JSON.stringify(r.body)}`);
			await settle();
			return { wamid: r.body.wamid as string };
		},
		async sentTo(phone) {
			const r = await call(sb.url, 'GET', `/_sandbox/whatsapp/messages?to=${phone.replace(/\D/g, '')}&limit=100`);
			return r.body.data;
		},
		settle,
		async inbound(wamid) {
			const [row] = await ctx.db.query<{
				id: number;
				conversation_kind: string;
				queue_state: string;
				subscriber_id: number | null;
				from_phone: string | null;
			}>('SELECT id, conversation_kind, queue_state, subscriber_id, from_phone FROM inbound_messages WHERE wamid = $1', [wamid]);
			if (!row) throw new Error(`no inbound row for ${wamid}`);
			return { ...row, id: Number(row.id) };
		},
		async close() {
			client.close();
			await built.router.gateway.close();
			server.closeAllConnections();
			await new Promise<void>((r) => server.close(() => r()));
			await sb.running.close();
		},
	};
}

export const complaintsOf = async (db: Db, phone: string): Promise<number> =>
	Number(
		(
			await db.query<{ n: number }>(
				`SELECT count(*)::int AS n FROM complaints c JOIN complaint_messages m ON m.complaint_id = c.id
         JOIN inbound_messages i ON i.id = m.inbound_message_id WHERE i.from_phone = $1`,
				[phone],
			)
		)[0].n,
	);
