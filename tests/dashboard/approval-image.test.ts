/**
 * Issue 18 finding 12: the approval queue pointed <img> at the draft's external URL, which the
 * dashboard's CSP (img-src 'self') blocks, so the approver decided without seeing the image.
 * Now the preview comes from the media store; only images of requests the user may see are fetched.
 */
import type express from 'express';
import sharp from 'sharp';
import { newNonce, requestApproval } from '../../core/approvals';
import { createAdmin, hashPassword, insertUser } from '../../core/auth';
import { ContentService } from '../../core/content';
import { createApp } from '../../dashboard/app';
import { describeEachEngine } from '../helpers/db';
import { TEST_ONLY_LOOPBACK } from '../publish/helpers';
import { startImageServer } from '../sandbox/helpers';
import { loginAgent } from './helpers';
import { PASSWORD } from './seed';

describeEachEngine('approval queue: image preview from the media store', (ctx) => {
	let app: express.Express;
	let images: Awaited<ReturnType<typeof startImageServer>>;
	let approvalId: number;
	let otherDistrictUser: string;
	beforeAll(async () => {
		images = await startImageServer();
		app = createApp({
			db: ctx.db,
			publicUrl: 'http://localhost:3000',
			unsafeMediaAddressesForTests: TEST_ONLY_LOOPBACK.unsafeAllowAddressesForTests,
		});
		await createAdmin(ctx.db, 'imgadmin', PASSWORD);
		const ph = await hashPassword(PASSWORD);
		await insertUser(ctx.db, { username: 'imgasp', passwordHash: ph, role: 'approver', districtId: 1 });
		const [d2] = await ctx.db.query<{ id: number }>(
			`INSERT INTO districts (code, name, name_hi) VALUES ('IMG', 'Image district', 'चित्र जिला') RETURNING id`,
		);
		otherDistrictUser = 'imgother';
		await insertUser(ctx.db, { username: otherDistrictUser, passwordHash: ph, role: 'approver', districtId: d2.id });
		const c = await new ContentService(ctx.db, 1).create(
			{
				title: 'Poster with an image',
				bodyHi: 'ठगी होने पर तुरंत 1930 पर कॉल करें।',
				bodyEn: 'If cheated, call 1930 at once.',
				category: 'cyber_fraud',
				imageUrl: `${images.url}/img.png`,
			},
			'user:cybercell',
		);
		const req = await requestApproval(ctx.db, {
			contentId: c.id,
			districtId: 1,
			approverPhone: '+919876500999',
			approverName: 'Addl. SP',
			deadlineAt: new Date(Date.now() + 3600_000),
			nonce: newNonce(),
			links: { approve: 'http://127.0.0.1:9/a', reject: 'http://127.0.0.1:9/r', changes: 'http://127.0.0.1:9/c' },
			actor: 'system:test',
		});
		approvalId = req.approval.id;
	});
	afterAll(async () => {
		await images.close();
	});

	test('the queue shows the image from our own origin; the JPEG comes from /media; the CSP stays self-only', async () => {
		const { agent } = await loginAgent(app, 'imgasp');
		const page = await agent.get('/approvals?district=1').expect(200);
		expect(page.headers['content-security-policy']).toContain("img-src 'self' data:");
		const srcs = [...page.text.matchAll(/<img[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]);
		expect(srcs).toContain(`/approvals/${approvalId}/image`);
		expect(srcs.filter((s) => !s.startsWith('/'))).toEqual([]); // nothing the CSP would block
		const hop = await agent.get(`/approvals/${approvalId}/image`).expect(302);
		expect(hop.headers.location).toMatch(/^\/media\/[0-9a-f]{64}\.jpg$/);
		const jpeg = await agent.get(hop.headers.location).expect(200);
		expect(jpeg.headers['content-type']).toBe('image/jpeg');
		expect((await sharp(jpeg.body as Buffer).metadata()).format).toBe('jpeg');
		// Stored once: a second look reuses it.
		const fetched = images.hits.filter((h) => h === '/img.png').length;
		await agent.get(`/approvals/${approvalId}/image`).expect(302);
		expect(images.hits.filter((h) => h === '/img.png').length).toBe(fetched);
	});

	test('only the requests the user may see; no login, no image; bad ids are 400', async () => {
		const other = await loginAgent(app, otherDistrictUser);
		await other.agent.get(`/approvals/${approvalId}/image`).expect(404);
		const anon = await (await import('supertest')).default(app).get(`/approvals/${approvalId}/image`);
		expect([302, 303, 401]).toContain(anon.status);
		expect(anon.headers.location ?? '').not.toMatch(/^\/media\//);
		const admin = await loginAgent(app, 'imgadmin');
		await admin.agent.get('/approvals/99999999999999999999/image').expect(400);
		await admin.agent.get('/approvals/987654321/image').expect(404);
	});
});
