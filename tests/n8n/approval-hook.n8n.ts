/**
 * The content-approval workflow's "Draft submitted" webhook in a real n8n checks the bearer
 * secret the dashboard sends (Header Auth credential "Mitan approval webhook"): a missing or
 * wrong secret is refused and nothing starts; the right one starts the approval.
 */
import { approvalsOfContent } from '../../core/approvals';
import { ContentService } from '../../core/content';
import { waitFor } from '../../scripts/n8n/run';
import { draft } from '../approval/fixtures';
import { readWorkflow } from '../helpers/n8n';
import { APPROVAL_HOOK_HEADERS, callWebhook, executions, startStack, type Stack } from './fixture';

const APPROVAL = 'MitanApproval001';

describe('real n8n: the approval webhook needs its secret', () => {
	let s: Stack;
	beforeAll(async () => {
		s = await startStack({ workflows: [readWorkflow('workflows/content-approval.json')], publish: [APPROVAL] });
	}, 300000);
	afterAll(async () => {
		await s?.close();
	});

	test('no secret, a wrong one, a wrong scheme: refused, no execution, no approval', async () => {
		const c = await new ContentService(s.db).create(draft({ targetDate: '2031-02-01' }), 'user:cybercell');
		const attempts: Record<string, string>[] = [
			{},
			{ authorization: 'Bearer guess' },
			{ authorization: APPROVAL_HOOK_HEADERS.authorization.replace('Bearer ', 'Basic ') },
		];
		for (const headers of attempts) {
			const r = await callWebhook(s, 'mitan-draft-submitted', { contentId: c.id }, headers);
			expect([401, 403]).toContain(r.status);
		}
		expect(await executions(s, APPROVAL)).toEqual([]);
		expect(await approvalsOfContent(s.db, c.id)).toEqual([]);
	});

	test('the right secret starts the approval workflow', async () => {
		const c = await new ContentService(s.db).create(draft({ targetDate: '2031-02-02' }), 'user:cybercell');
		const r = await callWebhook(s, 'mitan-draft-submitted', { contentId: c.id }, APPROVAL_HOOK_HEADERS);
		expect(r.status).toBe(200);
		// The run started (what it then sends the approver is the approval flow's own business).
		const ex = await waitFor(async () => ((await executions(s, APPROVAL)).length > 0 ? executions(s, APPROVAL) : undefined), {
			describe: () => 'an execution of the approval workflow',
		});
		expect(ex.length).toBe(1);
	});
});
