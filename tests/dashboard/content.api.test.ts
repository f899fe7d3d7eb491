import * as http from 'http';
import type { AddressInfo } from 'net';
import type express from 'express';
import sharp from 'sharp';
import { createApp } from '../../dashboard/app';
import { hashPassword, insertUser } from '../../core/auth';
import { newNonce, requestApproval } from '../../core/approvals';
import { channelImageRules } from '../../core/channels/registry';
import { MAX_INPUT_BYTES } from '../../core/media/convert';
import { mediaUrl, putMedia } from '../../core/media/store';
import { addDays, todayIn } from '../../core/time';
import { awarenessTemplates } from '../../core/channels/whatsapp/awareness-template';
import { applyStatus, recordSubmitted, upsertPlanned } from '../../core/templates/repository';
import { approvedContent } from '../workflows/helpers';
import { describeEachEngine } from '../helpers/db';
import { loginAgent } from './helpers';
import { PASSWORD } from './seed';

/**
 * The Content page's API: editors write, viewers read; problems come back at their fields and
 * nothing is half-saved; the image goes into the media store; "Send for approval" calls the
 * content-approval workflow's webhook with its bearer secret (a stand-in that does what the
 * workflow's Mitan Approval node does: requestApproval).
 */
describeEachEngine('dashboard: content API', (ctx) => {
	let app: express.Express;
	let hook: http.Server;
	const calls: Array<{ auth: string | undefined; body: { contentId: number } }> = [];
	let today: string;
	const count = async (table: string) => (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

	const draft = (over: Record<string, unknown> = {}) => ({
		title: 'OTP ठगी / OTP fraud',
		bodyHi: 'कोई भी OTP न बताएँ। ठगी हो तो 1930 पर कॉल करें।',
		bodyEn: 'Never share an OTP. Cheated? Call 1930.',
		category: 'cyber_fraud',
		targetDate: addDays(today, 1),
		channels: ['whatsapp', 'facebook', 'x'],
		variants: { x: { text: 'OTP किसी को न बताएँ। Call 1930.' } },
		...over,
	});

	beforeAll(async () => {
		today = todayIn('Asia/Kolkata');
		const ph = await hashPassword(PASSWORD);
		await insertUser(ctx.db, { username: 'editor', passwordHash: ph, role: 'editor', districtId: 1, language: 'en' });
		await insertUser(ctx.db, { username: 'viewer', passwordHash: ph, role: 'viewer', districtId: 1 });
		hook = http.createServer((req, res) => {
			let raw = '';
			req.on('data', (c) => (raw += c));
			req.on('end', async () => {
				const body = JSON.parse(raw) as { contentId: number };
				calls.push({ auth: req.headers.authorization, body });
				if (req.headers.authorization !== 'Bearer hook-secret') {
					res.writeHead(403).end('{"message":"Authorization data is wrong!"}');
					return;
				}
				await requestApproval(ctx.db, {
					contentId: body.contentId,
					approverPhone: '9876500001',
					nonce: newNonce(),
					links: { approve: 'http://n8n/a', reject: 'http://n8n/r', changes: 'http://n8n/c' },
					actor: 'n8n:content-approval',
				});
				res.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"Workflow was started"}');
			});
		});
		await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/webhook/mitan-draft-submitted`;
		app = createApp({
			db: ctx.db,
			publicUrl: 'http://127.0.0.1:3000',
			env: { MITAN_APPROVAL_WEBHOOK_URL: url, MITAN_APPROVAL_WEBHOOK_TOKEN: 'hook-secret' },
		});
	});
	afterAll(async () => {
		await new Promise((resolve) => hook?.close(resolve));
	});

	test('a viewer reads the calendar but writes nothing; the editor page needs the editor role', async () => {
		const { agent, csrf } = await loginAgent(app, 'viewer');
		const cal = await agent.get('/api/calendar').expect(200);
		expect(cal.body.days).toHaveLength(14);
		expect(cal.body.days[0].day).toBe(today);
		await agent.post('/api/content').set('X-CSRF-Token', csrf).send(draft()).expect(403);
		await agent.get('/content/new').expect(403);
		const page = await agent.get('/content').expect(200);
		expect(page.text).toContain('id="calendar"');
		expect(page.text).not.toContain('id="new-draft"');
	});

	test('check: every problem at its field in both languages, nothing saved', async () => {
		const { agent, csrf } = await loginAgent(app, 'editor');
		const before = await count('content');
		const res = await agent
			.post('/api/content/check')
			.set('X-CSRF-Token', csrf)
			.send(draft({ bodyHi: '', targetDate: addDays(today, -1), variants: { x: { text: 'क'.repeat(300) } }, channels: ['instagram', 'x'] }))
			.expect(200);
		expect(res.body.ok).toBe(false);
		const fields = res.body.problems.map((p: { field: string }) => p.field).sort();
		expect(fields).toEqual(['bodyHi', 'imageUrl', 'targetDate', 'variants.x.text']);
		for (const p of res.body.problems) expect(p.hi).toMatch(/[\u0900-\u097F]/);
		expect(res.body.preview.map((p: { channel: string }) => p.channel)).toEqual(['instagram', 'x']);
		expect(await count('content')).toBe(before);
	});

	test('create refuses a bad draft with its problems (422) and saves nothing; CSRF is required', async () => {
		const { agent, csrf } = await loginAgent(app, 'editor');
		const before = await count('content');
		const bad = await agent
			.post('/api/content')
			.set('X-CSRF-Token', csrf)
			.send(draft({ targetDate: addDays(today, -3) }))
			.expect(422);
		expect(bad.body.error).toMatchObject({
			code: 'CONTENT_INVALID',
			details: { problems: [expect.objectContaining({ field: 'targetDate', code: 'CONTENT_DATE_PAST' })] },
		});
		await agent.post('/api/content').send(draft()).expect(403);
		expect(await count('content')).toBe(before);
	});

	test('create → edit → send for approval through the authenticated webhook → pending; twice is refused', async () => {
		const { agent, csrf } = await loginAgent(app, 'editor');
		const created = await agent.post('/api/content').set('X-CSRF-Token', csrf).send(draft()).expect(201);
		const id = created.body.content.id as number;
		expect(created.body.content).toMatchObject({ state: 'draft', createdBy: 'user:editor', channels: ['whatsapp', 'facebook', 'x'] });
		const edited = await agent
			.put(`/api/content/${id}`)
			.set('X-CSRF-Token', csrf)
			.send(draft({ title: 'OTP fraud (2)' }))
			.expect(200);
		expect(edited.body.content.title).toBe('OTP fraud (2)');
		const sent = await agent.post(`/api/content/${id}/submit`).set('X-CSRF-Token', csrf).send({}).expect(200);
		expect(sent.body.content.state).toBe('pending');
		expect(calls.at(-1)).toEqual({ auth: 'Bearer hook-secret', body: { contentId: id } });
		// An editor writes but does not decide: the approval is the approver's (editor ranks below approver).
		const [open] = await ctx.db.query<{ id: number }>('SELECT id FROM approvals WHERE content_id = $1', [id]);
		await agent
			.post(`/api/approvals/${open.id}/decision`)
			.set('X-CSRF-Token', csrf)
			.send({ decision: 'approved', hash: sent.body.content.contentHash })
			.expect(403);
		const again = await agent.post(`/api/content/${id}/submit`).set('X-CSRF-Token', csrf).send({}).expect(400);
		expect(again.body.error.code).toBe('CONTENT_STATE');
		const cal = await agent.get('/api/calendar').expect(200);
		const day = cal.body.days.find((d: { day: string }) => d.day === addDays(today, 1));
		expect(day.channels.whatsapp).toEqual([expect.objectContaining({ contentId: id, state: 'pending' })]);
		expect(day.channels.instagram).toEqual([]);
	});

	test('a refused webhook (wrong secret) is reported and the draft stays a draft', async () => {
		const wrong = createApp({
			db: ctx.db,
			publicUrl: 'http://127.0.0.1:3000',
			env: {
				MITAN_APPROVAL_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/x`,
				MITAN_APPROVAL_WEBHOOK_TOKEN: 'guess',
			},
		});
		const { agent, csrf } = await loginAgent(wrong, 'editor');
		const c = await agent.post('/api/content').set('X-CSRF-Token', csrf).send(draft()).expect(201);
		const res = await agent.post(`/api/content/${c.body.content.id}/submit`).set('X-CSRF-Token', csrf).send({}).expect(503);
		expect(res.body.error).toMatchObject({ code: 'APPROVAL_START_FAILED', details: { httpStatus: 403 } });
		expect((await agent.get(`/api/content/${c.body.content.id}`).expect(200)).body.content.state).toBe('draft');
	});

	test('image upload: a bad file is refused at the image field and nothing is stored; a PNG becomes a JPEG in the media store', async () => {
		const { agent, csrf } = await loginAgent(app, 'editor');
		const before = await count('media');
		const bad = await agent
			.post('/api/content/image')
			.set('X-CSRF-Token', csrf)
			.set('Content-Type', 'image/png')
			.send(Buffer.from('not a png'))
			.expect(422);
		expect(bad.body.error).toMatchObject({ code: 'IMAGE_UNREADABLE', details: { field: 'image_url' } });
		expect(await count('media')).toBe(before);
		const png = await sharp({ create: { width: 1080, height: 1080, channels: 3, background: '#036' } })
			.png()
			.toBuffer();
		const ok = await agent.post('/api/content/image').set('X-CSRF-Token', csrf).set('Content-Type', 'image/png').send(png).expect(201);
		expect(ok.body.url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/media\/[0-9a-f]{64}\.jpg$/);
		await agent.get(ok.body.path).expect(200).expect('content-type', 'image/jpeg');
		expect(await count('media')).toBe(before + 1);
	});

	test('image upload: a file over the upload limit is a problem at the image field in both languages; nothing is stored', async () => {
		const { agent, csrf } = await loginAgent(app, 'editor');
		const before = await count('media');
		const res = await agent
			.post('/api/content/image')
			.set('X-CSRF-Token', csrf)
			.set('Content-Type', 'image/png')
			.send(Buffer.alloc(MAX_INPUT_BYTES + 1, 1))
			.expect(422);
		expect(res.body.error).toMatchObject({ code: 'IMAGE_TOO_LARGE', action: 'fix_content', details: { field: 'image_url' } });
		expect(res.body.error.message).toContain(`at most ${MAX_INPUT_BYTES / (1024 * 1024)} MB`);
		expect(res.body.error.message).toMatch(/ \/ .*[\u0900-\u097F]/);
		expect(await count('media')).toBe(before);
	});

	test("an image over WhatsApp's header image limit, attached to a draft with WhatsApp: refused at imageUrl, nothing saved", async () => {
		const { agent, csrf } = await loginAgent(app, 'editor');
		const max = channelImageRules('whatsapp')!.maxBytes;
		// Stored before the media store's JPEG was made to fit WhatsApp too (it aimed at Instagram's 8 MB).
		const hash = 'd'.repeat(63) + '2';
		await putMedia(ctx.db, { hash, jpeg: Buffer.alloc(max + 1, 3), width: 1080, height: 1080 });
		const imageUrl = mediaUrl('http://127.0.0.1:3000', hash);
		const before = await count('content');
		const check = await agent.post('/api/content/check').set('X-CSRF-Token', csrf).send(draft({ imageUrl })).expect(200);
		expect(check.body.ok).toBe(false);
		expect(check.body.problems).toEqual([
			expect.objectContaining({ field: 'imageUrl', code: 'WHATSAPP_IMAGE_TOO_LARGE', hi: expect.stringMatching(/[\u0900-\u097F]/) }),
		]);
		const bad = await agent.post('/api/content').set('X-CSRF-Token', csrf).send(draft({ imageUrl })).expect(422);
		expect(bad.body.error.details.problems).toEqual([expect.objectContaining({ field: 'imageUrl', code: 'WHATSAPP_IMAGE_TOO_LARGE' })]);
		expect(await count('content')).toBe(before);
		// The same image for Facebook and X alone is fine.
		const ok = await agent
			.post('/api/content/check')
			.set('X-CSRF-Token', csrf)
			.send(draft({ imageUrl, channels: ['facebook', 'x'] }))
			.expect(200);
		expect(ok.body).toMatchObject({ ok: true, problems: [] });
	});

	test('the calendar page shows each template as Meta last reported it: status, category, and a FLAGGED warning', async () => {
		const day = addDays(today, 2);
		const c = await approvedContent(ctx.db, { targetDate: day, title: 'flagged-on-page', channels: ['whatsapp'] });
		const set = awarenessTemplates(c);
		for (const [lang, metaId, st, category] of [
			['hi', '8100001', 'FLAGGED', 'MARKETING'],
			['en', '8100002', 'APPROVED', 'UTILITY'],
		] as const) {
			const row = await upsertPlanned(ctx.db, {
				districtId: 1,
				contentId: c.id,
				language: lang,
				name: set.name,
				payload: set.payloads[lang],
				setHash: set.hash,
			});
			await recordSubmitted(ctx.db, row.id, { metaId, status: 'PENDING', category });
			await applyStatus(ctx.db, row.id, { status: st, reason: null, at: new Date().toISOString() });
		}
		const { agent } = await loginAgent(app, 'editor');
		const page = (await agent.get('/content').expect(200)).text;
		const cell = page.slice(page.indexOf(`href="/content/${c.id}"`));
		expect(cell).toContain('data-template="hi" data-status="FLAGGED" data-category="MARKETING"');
		expect(cell).toContain('data-template="en" data-status="APPROVED" data-category="UTILITY"');
		expect(cell).toMatch(/⚠ quality low: still sending, Meta may pause it/);
		const cal = await agent.get('/api/calendar').expect(200);
		const entry = cal.body.days
			.find((d: { day: string }) => d.day === day)
			.channels.whatsapp.find((e: { contentId: number }) => e.contentId === c.id);
		expect(entry).toMatchObject({
			state: 'approved',
			templates: [
				{ language: 'en', category: 'UTILITY' },
				{ language: 'hi', status: 'FLAGGED' },
			],
		});
	});
});
