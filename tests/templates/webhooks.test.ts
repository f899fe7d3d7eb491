/**
 * Template status followed to the end, through the gateway (signed POSTs, deduplicated, stored),
 * on both engines: the broadcast of a content waits for APPROVED; REJECTED tells staff at once
 * with Meta's reason; PAUSED / DISABLED / quality RED pause the running broadcast with the reason
 * and leave every row pending; REINSTATED / quality back resume it (and restart its sender); FLAGGED
 * still sends and is shown; a new category is stored, shown and routes the send.
 *
 * The template rows are made as submission leaves them (submit.ts; against the sandbox's creation
 * API in sandbox.test.ts), so this is about the webhooks alone; resubmit.test.ts goes through the
 * sandbox's creation API and review: a rejected template fixed and submitted again.
 */
import express from 'express';
import request from 'supertest';
import { broadcastStatus, createBroadcast, startBroadcast } from '../../core/broadcast';
import { templatesByLanguage } from '../../core/broadcast/sender/requests';
import type { BroadcastTemplates } from '../../core/broadcast/types';
import { approvedTemplatesOf } from '../../core/templates/for-broadcast';
import { awarenessTemplates } from '../../core/channels/whatsapp/awareness-template';
import { type Content } from '../../core/content';
import type { Db } from '../../core/db';
import { recordSubmitted, templatesOfContent, upsertPlanned } from '../../core/templates/repository';
import type { GatewayRouter } from '../../dashboard/gateway';
import { describeEachEngine } from '../helpers/db';
import { approvedContent, districtToday } from '../workflows/helpers';
import { contentCalendar } from '../../core/content/calendar';
import { addDays } from '../../core/time';
import { AlertRecorder, gatewayApp, metaBytes, signed, WABA_ID } from '../gateway/helpers';
import { seedRoster, TEMPLATES } from '../broadcast/helpers';

const STAFF_PHONE = '+919811100009';

let metaSeq = 7_000_000;
async function submitted(db: Db, c: Content): Promise<{ name: string; ids: Record<'hi' | 'en', string> }> {
	const set = awarenessTemplates(c);
	const ids = {} as Record<'hi' | 'en', string>;
	for (const lang of ['hi', 'en'] as const) {
		const row = await upsertPlanned(db, {
			districtId: 1,
			contentId: c.id,
			language: lang,
			name: set.name,
			payload: set.payloads[lang],
			setHash: set.hash,
		});
		ids[lang] = String(++metaSeq);
		await recordSubmitted(db, row.id, { metaId: ids[lang], status: 'PENDING', category: 'MARKETING' });
	}
	return { name: set.name, ids };
}

const body = (field: string, value: object, time: number) => ({
	object: 'whatsapp_business_account',
	entry: [{ id: WABA_ID, time, changes: [{ field, value }] }],
});
const status = (id: string, event: string, time: number, reason = 'NONE') =>
	body('message_template_status_update', { event, message_template_id: Number(id), reason }, time);
const quality = (id: string, score: string, time: number) =>
	body('message_template_quality_update', { message_template_id: Number(id), new_quality_score: score }, time);
const category = (id: string, from: string, to: string, time: number) =>
	body('template_category_update', { message_template_id: Number(id), previous_category: from, new_category: to }, time);

describeEachEngine('template webhooks through the gateway', (ctx) => {
	let app: express.Express;
	let router: GatewayRouter;
	const alerts = new AlertRecorder();
	const restarted: number[] = [];
	let t = Math.floor(Date.now() / 1000);

	beforeAll(async () => {
		({ app, router } = gatewayApp(ctx.db, {
			gateway: {
				senderFor: () => alerts,
				staffAlerts: { phones: [STAFF_PHONE], template: 'mitan_alert' },
				restartSender: async (id) => {
					restarted.push(id);
				},
			},
		}));
		await seedRoster(ctx.db, 6);
	});
	afterAll(async () => {
		await router.gateway.close();
	});

	const post = async (obj: object, sig?: string) => {
		const raw = metaBytes(obj);
		const r = await request(app)
			.post('/webhooks/whatsapp')
			.set('content-type', 'application/json')
			.set('x-hub-signature-256', sig ?? signed(raw))
			.send(raw.toString('utf8'));
		await router.gateway.idle();
		return r;
	};
	const contentOf = async (broadcastId: number) =>
		Number((await ctx.db.query<{ c: number }>(`SELECT content_id AS c FROM broadcasts WHERE id = $1`, [broadcastId]))[0].c);
	const rows = async (contentId: number) => Object.fromEntries((await templatesOfContent(ctx.db, contentId)).map((r) => [r.language, r]));

	test('PENDING refuses the broadcast; APPROVED lets it through with the content’s own templates', async () => {
		const c = await approvedContent(ctx.db, { targetDate: '2031-03-01' });
		const { name, ids } = await submitted(ctx.db, c);
		await expect(createBroadcast(ctx.db, { contentId: c.id, templates: TEMPLATES, date: '2031-03-01' })).rejects.toMatchObject({
			code: 'TEMPLATE_NOT_APPROVED',
			message: expect.stringMatching(/en: PENDING; hi: PENDING/),
		});
		expect((await ctx.db.query(`SELECT 1 FROM broadcasts WHERE content_id = $1`, [c.id])).length).toBe(0);
		expect((await post(status(ids.hi, 'APPROVED', ++t))).status).toBe(200);
		await expect(createBroadcast(ctx.db, { contentId: c.id, templates: TEMPLATES, date: '2031-03-01' })).rejects.toMatchObject({
			message: expect.stringMatching(/en: PENDING/),
		});
		const r = await post(status(ids.en, 'APPROVED', ++t));
		expect(r.body.templates).toMatchObject({ stored: 1, replays: 0 });
		const { broadcast } = await createBroadcast(ctx.db, { contentId: c.id, templates: TEMPLATES, date: '2031-03-01' });
		expect(broadcast.templates).toEqual({
			hi: { name, language: 'hi', params: [], category: 'MARKETING' },
			en: { name, language: 'en', params: [], category: 'MARKETING' },
		});
		expect(broadcast.targeted).toBe(6);
	});

	test('REJECTED: staff are told at once with Meta’s reason, audited; a late older APPROVED does not undo it', async () => {
		const c = await approvedContent(ctx.db, { targetDate: '2031-03-02' });
		const { ids } = await submitted(ctx.db, c);
		const before = alerts.sent.length;
		const at = (t += 10);
		await post(status(ids.hi, 'REJECTED', at, 'INVALID_FORMAT'));
		const sent = alerts.sent.slice(before);
		expect(sent).toHaveLength(1);
		expect(sent[0].to).toBe(STAFF_PHONE);
		expect(sent[0].template.name).toBe('mitan_alert');
		expect(sent[0].template.bodyParams![0]).toMatch(
			new RegExp(`अस्वीकार.*#${c.id}.*INVALID_FORMAT.*Meta rejected the template of content #${c.id} \\(hi\\): INVALID_FORMAT`),
		);
		const [a] = await ctx.db.query<{ details: { reason: string } }>(
			`SELECT details FROM audit_log WHERE action = 'template.rejected' AND entity_id = $1`,
			[String(c.id)],
		);
		expect(a.details.reason).toBe('INVALID_FORMAT');
		// Meta's repeat of the same change: stored once, no second alert.
		const again = await post(status(ids.hi, 'REJECTED', at, 'INVALID_FORMAT'));
		expect(again.body.templates).toMatchObject({ stored: 0, replays: 1 });
		expect(alerts.sent.length).toBe(before + 1);
		await post(status(ids.hi, 'APPROVED', at - 5));
		expect((await rows(c.id)).hi).toMatchObject({ status: 'REJECTED', reason: 'INVALID_FORMAT' });
		await expect(createBroadcast(ctx.db, { contentId: c.id, templates: TEMPLATES, date: '2031-03-02' })).rejects.toMatchObject({
			message: expect.stringMatching(/hi: REJECTED — INVALID_FORMAT/),
		});
	});

	async function runningBroadcast(date: string) {
		const c = await approvedContent(ctx.db, { targetDate: date });
		const { ids } = await submitted(ctx.db, c);
		await post(status(ids.hi, 'APPROVED', ++t));
		await post(status(ids.en, 'APPROVED', ++t));
		const { broadcast } = await createBroadcast(ctx.db, { contentId: c.id, templates: TEMPLATES, date });
		await startBroadcast(ctx.db, broadcast.id);
		return { c, ids, id: broadcast.id };
	}

	test('PAUSED mid-broadcast pauses it with the reason, every row pending; REINSTATED resumes it and restarts its sender', async () => {
		const { ids, id } = await runningBroadcast('2031-03-03');
		const r = await post(status(ids.en, 'PAUSED', ++t, 'NONE'));
		expect(r.body.templates.paused).toEqual([id]);
		const p = await broadcastStatus(ctx.db, id);
		expect(p).toMatchObject({ status: 'paused', stopCode: 'template_paused', pending: 6, sent: 0, failed: 0, skipped: 0 });
		expect(p.stopReason).toMatch(/\(en\) PAUSED/);
		// The daily workflow run again meanwhile finds its broadcast (paused), not a refusal.
		const again = await createBroadcast(ctx.db, { contentId: await contentOf(id), templates: TEMPLATES, date: '2031-03-03' });
		expect(again).toMatchObject({ created: false, broadcast: { id, status: 'paused' } });
		await post(status(ids.en, 'REINSTATED', ++t));
		expect(await broadcastStatus(ctx.db, id)).toMatchObject({ status: 'running', stopCode: null, pending: 6 });
		expect(restarted).toContain(id);
	});

	test('DISABLED pauses; quality RED pauses and quality back resumes only when every template is sendable', async () => {
		const a = await runningBroadcast('2031-03-04');
		await post(status(a.ids.hi, 'DISABLED', ++t));
		expect(await broadcastStatus(ctx.db, a.id)).toMatchObject({ status: 'paused', stopCode: 'template_paused', pending: 6 });

		const b = await runningBroadcast('2031-03-05');
		await post(quality(b.ids.hi, 'RED', ++t));
		await post(quality(b.ids.en, 'RED', ++t));
		expect(await broadcastStatus(ctx.db, b.id)).toMatchObject({ status: 'paused', pending: 6 });
		expect((await broadcastStatus(ctx.db, b.id)).stopReason).toMatch(/quality RED/);
		const n = restarted.length;
		await post(quality(b.ids.hi, 'YELLOW', ++t));
		// en is still RED: it waits.
		expect(await broadcastStatus(ctx.db, b.id)).toMatchObject({ status: 'paused' });
		await post(quality(b.ids.en, 'GREEN', ++t));
		expect(await broadcastStatus(ctx.db, b.id)).toMatchObject({ status: 'running', pending: 6 });
		expect(restarted.slice(n)).toEqual([b.id]);
	});

	const calendarEntry = async (day: string, contentId: number) =>
		(await contentCalendar(ctx.db, 1)).days.find((d) => d.day === day)!.channels.whatsapp.find((e) => e.contentId === contentId)!;

	test('template_category_update: the new category is stored, shown with the status and routes the send; MARKETING ↔ UTILITY both ways', async () => {
		const day = addDays(districtToday(), 5);
		const c = await approvedContent(ctx.db, { targetDate: day, title: 'category-template' });
		const { ids } = await submitted(ctx.db, c);
		await post(status(ids.hi, 'APPROVED', ++t));
		await post(status(ids.en, 'APPROVED', ++t));
		const alertsBefore = alerts.sent.length;
		// Meta recategorises the Hindi template MARKETING → UTILITY after approval.
		const at = (t += 10);
		const r = await post(category(ids.hi, 'MARKETING', 'UTILITY', at));
		expect(r.body.templates).toMatchObject({ stored: 1, replays: 0, paused: [], resumed: [] });
		expect((await rows(c.id)).hi).toMatchObject({ category: 'UTILITY', status: 'APPROVED' });
		expect((await rows(c.id)).en).toMatchObject({ category: 'MARKETING' });
		const [a] = await ctx.db.query<{ details: Record<string, unknown> }>(
			`SELECT details FROM audit_log WHERE action = 'template.category_changed' AND entity_id = $1`,
			[String(c.id)],
		);
		expect(a.details).toMatchObject({ language: 'hi', from: 'MARKETING', to: 'UTILITY' });
		// Where the template status is shown: the calendar names both; the day is still approved.
		const entry = await calendarEntry(day, c.id);
		expect(entry.state).toBe('approved');
		expect(entry.templates.map((x) => [x.language, x.status, x.category])).toEqual([
			['en', 'APPROVED', 'MARKETING'],
			['hi', 'APPROVED', 'UTILITY'],
		]);
		// Still sendable; the send is routed by the category: UTILITY through /messages, MARKETING may use the Marketing Messages API.
		const { broadcast } = await createBroadcast(ctx.db, { contentId: c.id, templates: TEMPLATES, date: day });
		expect(broadcast.templates.hi).toMatchObject({ category: 'UTILITY' });
		expect(templatesByLanguage(broadcast.templates).get('hi')!.marketing).toBe(false);
		expect(templatesByLanguage(broadcast.templates).get('en')!.marketing).toBe(true);

		// UTILITY → MARKETING again: stored, and the broadcast not yet finished follows it.
		await post(category(ids.hi, 'UTILITY', 'MARKETING', at + 5));
		expect((await rows(c.id)).hi.category).toBe('MARKETING');
		const [b] = await ctx.db.query<{ templates: BroadcastTemplates }>(`SELECT templates FROM broadcasts WHERE id = $1`, [broadcast.id]);
		expect(templatesByLanguage(b.templates).get('hi')!.marketing).toBe(true);
		// A change Meta made earlier, arriving late, does not undo the newer one.
		await post(category(ids.hi, 'MARKETING', 'UTILITY', at + 2));
		expect((await rows(c.id)).hi.category).toBe('MARKETING');
		// Nothing paused, nobody alerted: a category changes the price and the route, not whether it sends.
		expect(await broadcastStatus(ctx.db, broadcast.id)).toMatchObject({ status: 'created' });
		expect(alerts.sent.length).toBe(alertsBefore);
	});

	test('FLAGGED: the template still sends, the running broadcast goes on; the flag is shown with the status, nobody is alerted', async () => {
		const day = addDays(districtToday(), 6);
		const { c, ids, id } = await runningBroadcast(day);
		const before = alerts.sent.length;
		const r = await post(status(ids.en, 'FLAGGED', ++t));
		expect(r.body.templates).toMatchObject({ stored: 1, paused: [] });
		expect((await rows(c.id)).en).toMatchObject({ status: 'FLAGGED' });
		expect(await broadcastStatus(ctx.db, id)).toMatchObject({ status: 'running', stopCode: null, pending: 6 });
		expect(alerts.sent.length).toBe(before);
		// The content's templates are still the broadcast's (a FLAGGED one is sendable).
		expect(await approvedTemplatesOf(ctx.db, c.id)).toMatchObject({ en: { name: expect.stringMatching(/^mitan_c/) } });
		const entry = await calendarEntry(day, c.id);
		expect(entry.state).toBe('sent');
		expect(entry.templates.find((x) => x.language === 'en')).toMatchObject({ status: 'FLAGGED' });
		// Meta unflags it: APPROVED again, still running.
		await post(status(ids.en, 'APPROVED', ++t));
		expect((await rows(c.id)).en.status).toBe('APPROVED');
		expect(await broadcastStatus(ctx.db, id)).toMatchObject({ status: 'running' });
	});

	test('the calendar shows Meta’s side: waiting for the template review, then rejected with Meta’s reason', async () => {
		const day = addDays(districtToday(), 3);
		const c = await approvedContent(ctx.db, { targetDate: day, title: 'calendar-template' });
		const entry = async () =>
			(await contentCalendar(ctx.db, 1)).days.find((d) => d.day === day)!.channels.whatsapp.find((e) => e.contentId === c.id)!;
		expect(await entry()).toMatchObject({ state: 'approved' });
		const { ids } = await submitted(ctx.db, c);
		expect(await entry()).toMatchObject({ state: 'template_review', reason: null });
		await post(status(ids.en, 'REJECTED', ++t, 'TAG_CONTENT_MISMATCH'));
		expect(await entry()).toMatchObject({ state: 'template_rejected', reason: 'Meta (en): TAG_CONTENT_MISMATCH' });
		// The other networks are not Meta's template business: still approved there.
		const fb = (await contentCalendar(ctx.db, 1)).days.find((d) => d.day === day)!.channels.facebook.find((e) => e.contentId === c.id);
		expect(fb?.state).toBe('approved');
	});

	test('a bad signature stores nothing; a malformed template change is refused naming the field', async () => {
		const c = await approvedContent(ctx.db, { targetDate: '2031-03-06' });
		const { ids } = await submitted(ctx.db, c);
		const [before] = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM wa_template_events`);
		expect((await post(status(ids.hi, 'APPROVED', ++t), 'sha256=' + '0'.repeat(64))).status).toBe(401);
		const bad = await post(body('message_template_status_update', { message_template_id: Number(ids.hi) }, ++t));
		expect(bad.status).toBe(400);
		expect(JSON.stringify(bad.body)).toMatch(/\.event must be a non-empty string/);
		const [after] = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM wa_template_events`);
		expect(after.n).toBe(before.n);
		expect((await rows(c.id)).hi.status).toBe('PENDING');
	});
});
