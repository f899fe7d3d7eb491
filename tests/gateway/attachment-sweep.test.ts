/**
 * Issue 17 §1.3a (audit gap G7): citizens' media the fetch after the webhook did not get is
 * fetched by the sweep later. Real sockets: the sandbox sends each message as a signed webhook to
 * the gateway, and the sweep reads the media back from the sandbox with the server's own clients
 * (core/channels/whatsapp/clients.ts). The sweep's clock is given, so no test waits.
 */
import { createHash, randomBytes } from 'crypto';
import { whatsappClients } from '../../core/channels/whatsapp/clients';
import type { MediaReader } from '../../core/channels/whatsapp/types';
import { resolveConfig } from '../../core/config';
import { sweepAttachments } from '../../core/conversation/attachment-sweep';
import { MEDIA_FETCH_RETRY, MEDIA_FETCH_ROUNDS, roundWaitMinutes } from '../../core/conversation/attachments';
import { describeEachEngine } from '../helpers/db';
import { call, WA_TOKEN } from '../sandbox/helpers';
import { startConversation, type Conversation } from './conversation-helpers';
import { gatewayEnv } from './helpers';

/** The product's retries, the back-off shortened from 1 s so the suite does not sleep. */
const RETRY = { ...MEDIA_FETCH_RETRY, backoffMs: 20 };

type Row = {
	id: number;
	meta_media_id: string;
	fetch_state: string;
	fetch_attempts: number;
	fetch_error: string | null;
	sha256: string | null;
	bytes: Uint8Array | null;
};

describeEachEngine('the media sweep', (ctx) => {
	let c: Conversation;
	/** Whether the gateway has a WhatsApp credential for its fetch after the commit (off: as before it is configured). */
	let credential = true;
	/** Every media id the sweep asked Meta for. */
	const asked: string[] = [];
	let close: () => void;
	let mediaFor: (phoneNumberId: string) => MediaReader | null;
	beforeAll(async () => {
		c = await startConversation(ctx, { gateway: { mediaRetry: RETRY, mediaFor: () => (credential ? c.client : null) } });
		// As dashboard/server.ts builds the sweep's readers: from the gateway's settings.
		const clients = whatsappClients(resolveConfig({}, gatewayEnv({ WHATSAPP_ACCESS_TOKEN: WA_TOKEN, GRAPH_BASE_URL: c.sb.url })).whatsapp);
		close = () => clients.close();
		mediaFor = (id) => {
			const r = clients.get(id);
			return r && { getMedia: (m) => (asked.push(m), r.getMedia(m)), downloadMedia: (i) => r.downloadMedia(i) };
		};
	});
	afterAll(async () => {
		close();
		await c.close();
	});

	/** One sweep as it would run `minutes` from now. */
	const sweep = (minutes: number) => sweepAttachments(ctx.db, mediaFor, { now: new Date(Date.now() + minutes * 60_000), retry: RETRY });
	const faults = (count: number) => call(c.sb.url, 'POST', '/_sandbox/faults/media', { body: { count } });
	const attachmentOf = async (wamid: string): Promise<Row> => {
		const row = await c.inbound(wamid);
		const [a] = await ctx.db.query<Row>(
			'SELECT id, meta_media_id, fetch_state, fetch_attempts, fetch_error, sha256, bytes FROM inbound_attachments WHERE inbound_message_id = $1',
			[row.id],
		);
		return { ...a, id: Number(a.id), fetch_attempts: Number(a.fetch_attempts) };
	};
	const audited = async (id: number) =>
		(
			await ctx.db.query<{ action: string }>(
				`SELECT action FROM audit_log WHERE entity = 'inbound_attachment' AND entity_id = $1 ORDER BY id`,
				[String(id)],
			)
		).map((r) => r.action);
	const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

	test('a voice note left pending (no credential yet) is fetched by the sweep once it is due, its SHA-256 checked', async () => {
		credential = false;
		const audio = Buffer.concat([Buffer.from('OggS'), randomBytes(3000)]);
		const v = await c.send({ from: '+919876543101', type: 'audio', dataBase64: audio.toString('base64') });
		credential = true;
		expect(await attachmentOf(v.wamid)).toMatchObject({ fetch_state: 'pending', fetch_attempts: 0, bytes: null });
		// The fetch after the commit may still be under way: the sweep leaves a fresh row alone.
		expect(await sweep(0)).toMatchObject({ fetched: 0 });
		expect(await sweep(MEDIA_FETCH_ROUNDS.pendingMinutes + 1)).toMatchObject({ fetched: 1, failed: 0 });
		const a = await attachmentOf(v.wamid);
		expect(a).toMatchObject({ fetch_state: 'fetched', fetch_error: null, sha256: sha(audio) });
		expect(Buffer.from(a.bytes!).equals(audio)).toBe(true);
		// Fetched: never asked for again.
		const before = asked.length;
		await sweep(3 * 24 * 60);
		expect(asked.slice(before)).not.toContain(a.meta_media_id);
	});

	test('a screenshot whose first round met Meta’s 5xx through every retry is fetched by the next round, not before its wait', async () => {
		const shot = randomBytes(2500);
		await faults(MEDIA_FETCH_RETRY.retries + 1);
		const s = await c.send({ from: '+919876543102', type: 'image', dataBase64: shot.toString('base64') });
		const failed = await attachmentOf(s.wamid);
		expect(failed).toMatchObject({ fetch_state: 'failed', fetch_attempts: 1, bytes: null });
		expect(failed.fetch_error).toMatch(/^WHATSAPP_131000: .*\(5 attempts\)$/);
		expect(await sweep(roundWaitMinutes(1) - 2)).toMatchObject({ fetched: 0, failed: 0 });
		expect(await sweep(roundWaitMinutes(1) + 1)).toMatchObject({ fetched: 1 });
		const a = await attachmentOf(s.wamid);
		expect(a).toMatchObject({ fetch_state: 'fetched', fetch_attempts: 1, fetch_error: null, sha256: sha(shot) });
		expect(Buffer.from(a.bytes!).equals(shot)).toBe(true);
		expect(await audited(a.id)).toEqual(['attachment.fetch_failed']);
	});

	test('media failing every round is given up after the last one, says so, and is not asked for again', async () => {
		await faults(1000);
		const d = await c.send({ from: '+919876543103', type: 'document', fileName: 'statement.pdf' });
		let minutes = 0;
		for (let round = 1; round < MEDIA_FETCH_ROUNDS.maxRounds; round++) {
			expect((await attachmentOf(d.wamid)).fetch_state).toBe('failed');
			minutes += roundWaitMinutes(round) + 1;
			await sweep(minutes);
		}
		await faults(0);
		const a = await attachmentOf(d.wamid);
		expect(a).toMatchObject({ fetch_state: 'given_up', fetch_attempts: MEDIA_FETCH_ROUNDS.maxRounds, bytes: null });
		expect(a.fetch_error).toMatch(/^WHATSAPP_131000: /);
		const trail = await audited(a.id);
		expect(trail.filter((x) => x === 'attachment.fetch_failed')).toHaveLength(MEDIA_FETCH_ROUNDS.maxRounds - 1);
		expect(trail[trail.length - 1]).toBe('attachment.fetch_given_up');
		const before = asked.length;
		await sweep(minutes + 7 * 24 * 60);
		expect(asked.slice(before)).not.toContain(a.meta_media_id);
	});

	test('media left pending past Meta’s 30 days is marked gone without asking', async () => {
		credential = false;
		const v = await c.send({ from: '+919876543104', type: 'audio' });
		credential = true;
		const pending = await attachmentOf(v.wamid);
		// As after a month without a credential.
		await ctx.db.query(`UPDATE inbound_attachments SET created_at = created_at - interval '31 days' WHERE id = $1`, [pending.id]);
		const before = asked.length;
		expect(await sweep(MEDIA_FETCH_ROUNDS.pendingMinutes + 1)).toMatchObject({ gone: 1 });
		expect(asked.slice(before)).not.toContain(pending.meta_media_id);
		const a = await attachmentOf(v.wamid);
		expect(a).toMatchObject({ fetch_state: 'gone', bytes: null });
		expect(a.fetch_error).toMatch(/^MEDIA_GONE: /);
		expect(await audited(a.id)).toEqual(['attachment.media_gone']);
	});

	test('media Meta deleted after 30 days (the sandbox’s clock) is marked gone on the sweep’s first ask, and not retried', async () => {
		credential = false;
		const v = await c.send({ from: '+919876543105', type: 'image' });
		credential = true;
		const pending = await attachmentOf(v.wamid);
		await call(c.sb.url, 'POST', '/_sandbox/clock', { body: { advanceMs: 31 * 86_400_000 } });
		expect(await sweep(MEDIA_FETCH_ROUNDS.pendingMinutes + 1)).toMatchObject({ gone: 1 });
		expect(asked.filter((m) => m === pending.meta_media_id)).toHaveLength(1);
		const a = await attachmentOf(v.wamid);
		expect(a).toMatchObject({ fetch_state: 'gone', fetch_attempts: 1, bytes: null });
		expect(a.fetch_error).toMatch(/^WHATSAPP_100/);
		expect(await audited(a.id)).toEqual(['attachment.media_gone']);
		await sweep(3 * 24 * 60);
		expect(asked.filter((m) => m === pending.meta_media_id)).toHaveLength(1);
	});
});
