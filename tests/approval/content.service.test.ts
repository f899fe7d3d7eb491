import { approvalsOfContent, decide, requestApproval, newNonce } from '../../core/approvals';
import { auditTrail } from '../../core/audit';
import { ContentService, assertPublishable } from '../../core/content';
import { describeEachEngine } from '../helpers/db';
import { draft } from './fixtures';

const links = { approve: 'http://n8n/a', reject: 'http://n8n/r', changes: 'http://n8n/c', settle: 'http://n8n/s' };

describeEachEngine('content and approval services', (ctx) => {
	let svc: ContentService;
	beforeAll(() => {
		svc = new ContentService(ctx.db);
	});

	test('create → request → approve → publish; a text edited in SQL behind the service is refused', async () => {
		const c = await svc.create(draft(), 'user:cybercell', '10.1.1.1');
		expect(c).toMatchObject({ state: 'draft', districtId: 1, createdBy: 'user:cybercell' });
		await expect(svc.update(c.id, { ...draft(), category: 'sports' }, 'user:x')).rejects.toMatchObject({ code: 'CONTENT_INVALID' });
		expect(await svc.update(c.id, draft(), 'user:x')).toMatchObject({ contentHash: c.contentHash, state: 'draft' });

		const { approval } = await requestApproval(ctx.db, {
			contentId: c.id,
			approverPhone: '+91 98765 00009',
			nonce: newNonce(),
			links,
			actor: 'user:cybercell',
		});
		expect(approval.approver).toBe('+91 98XXXXX009');
		const r = await decide(ctx.db, {
			approvalId: approval.id,
			decision: 'approved',
			actor: 'user:addlsp',
			seenHash: c.contentHash,
			via: 'dashboard',
		});
		expect(r.content.state).toBe('approved');
		const published = await svc.markPublished(c.id, c.contentHash, 'system:publish');
		expect(published.state).toBe('published');
		expect(await svc.markPublished(c.id, c.contentHash, 'system:publish')).toMatchObject({ state: 'published' });
		await expect(svc.update(c.id, draft({ title: 'new' }), 'user:x')).rejects.toMatchObject({ code: 'CONTENT_PUBLISHED' });

		const c2 = await svc.create(draft(), 'user:cybercell');
		const req2 = await requestApproval(ctx.db, {
			contentId: c2.id,
			approverPhone: '9876500009',
			nonce: newNonce(),
			links,
			actor: 'user:cybercell',
		});
		await decide(ctx.db, {
			approvalId: req2.approval.id,
			decision: 'approved',
			actor: 'user:addlsp',
			seenHash: c2.contentHash,
			via: 'dashboard',
		});
		await ctx.db.query(`UPDATE content SET body_en = 'Send your OTP to this number' WHERE id = $1`, [c2.id]);
		const tampered = await svc.get(c2.id);
		expect(() => assertPublishable(tampered)).toThrow(expect.objectContaining({ code: 'APPROVAL_VOID' }));
		await expect(svc.markPublished(c2.id, c2.contentHash, 'system:publish')).rejects.toMatchObject({ code: 'APPROVAL_VOID' });
		await expect(svc.markPublished(c.id, 'a'.repeat(64), 'system:publish')).rejects.toMatchObject({ code: 'APPROVAL_HASH_MISMATCH' });

		const c3 = await svc.create(draft(), 'user:cybercell');
		await ctx.db.query(`UPDATE content SET title = 'changed' WHERE id = $1`, [c3.id]);
		await expect(
			requestApproval(ctx.db, { contentId: c3.id, approverPhone: '9876500009', nonce: newNonce(), links, actor: 'u' }),
		).rejects.toMatchObject({ code: 'CONTENT_TAMPERED' });
		expect(await approvalsOfContent(ctx.db, c3.id)).toEqual([]);
	});

	test('a second request supersedes the open one; the audit log cannot be rewritten', async () => {
		const c = await svc.create(draft(), 'user:cybercell');
		const one = await requestApproval(ctx.db, { contentId: c.id, approverPhone: '9876500009', nonce: newNonce(), links, actor: 'n8n:wf' });
		const two = await requestApproval(ctx.db, { contentId: c.id, approverPhone: '9876500009', nonce: newNonce(), links, actor: 'n8n:wf' });
		expect((await approvalsOfContent(ctx.db, c.id)).map((a) => a.decision)).toEqual(['voided', null]);
		await expect(
			decide(ctx.db, { approvalId: one.approval.id, decision: 'approved', actor: 'user:a', seenHash: c.contentHash, via: 'dashboard' }),
		).rejects.toMatchObject({ code: 'APPROVAL_ALREADY_DECIDED' });
		await expect(
			decide(ctx.db, {
				approvalId: two.approval.id,
				decision: 'maybe' as never,
				actor: 'user:a',
				seenHash: c.contentHash,
				via: 'dashboard',
			}),
		).rejects.toMatchObject({ code: 'DECISION_INVALID' });
		await expect(
			decide(ctx.db, {
				approvalId: two.approval.id,
				decision: 'rejected',
				comment: 'x'.repeat(2001),
				actor: 'user:a',
				seenHash: c.contentHash,
				via: 'dashboard',
			}),
		).rejects.toMatchObject({ code: 'COMMENT_TOO_LONG' });
		await expect(
			requestApproval(ctx.db, {
				contentId: c.id,
				approverPhone: '9876500009',
				nonce: newNonce(),
				links,
				actor: 'u',
				deadlineAt: new Date(Date.now() - 1000),
			}),
		).rejects.toMatchObject({ code: 'DEADLINE_INVALID' });
		const trail = await auditTrail(ctx.db, 'content', c.id);
		expect(trail.map((e) => e.action)).toEqual(['content.created', 'approval.requested', 'approval.voided', 'approval.requested']);
		await expect(ctx.db.query('UPDATE audit_log SET actor = $1 WHERE id = $2', ['someone else', trail[1].id])).rejects.toThrow(
			/append-only/,
		);
		await expect(ctx.db.query('DELETE FROM audit_log WHERE id = $1', [trail[1].id])).rejects.toThrow(/append-only/);
	});
});
