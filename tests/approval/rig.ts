import { approvalsOfContent, type Approval } from '../../core/approvals';
import { auditTrail } from '../../core/audit';
import { ContentService } from '../../core/content';
import type { Db } from '../../core/db';
import { closeAllPools } from '../../nodes/shared/db';
import type { TestDb } from '../helpers/db';
import { N8nHarness, type RunResult } from '../helpers/n8n';
import { call, startSandbox, type Started } from '../sandbox/helpers';
import { approvalWorkflow, draft, sweepWorkflow } from './fixtures';
import { WaitingWebhookServer } from './webhook-helper';

/**
 * Mitan Approval run through n8n-core against the sandbox, for the approval suites: a waiting
 * webhook server that resumes executions, a request helper, the links' GET / POST, the sweep.
 * Call it inside describeEachEngine: it registers its own beforeAll / afterAll.
 */
/** A message as the sandbox recorded it: free text, or a template with its filled-in body and URL buttons. */
export interface SentMessage {
	waId?: string;
	input?: string;
	type?: string;
	text?: string;
	template?: string;
	rendered?: string;
	urls?: string[];
}

export interface ApprovalRig {
	readonly sb: Started;
	readonly srv: WaitingWebhookServer;
	readonly h: N8nHarness;
	readonly content: ContentService;
	request(
		params?: Parameters<typeof approvalWorkflow>[0],
		over?: Record<string, unknown>,
	): Promise<{ c: Awaited<ReturnType<ContentService['create']>>; run: RunResult; a: Approval }>;
	post(link: string, form: Record<string, string>): Promise<{ status: number; text: string }>;
	get(link: string): Promise<{ status: number; text: string }>;
	messagesTo(digits: string): Promise<SentMessage[]>;
	actions(contentId: number): Promise<string[]>;
	latest(run: RunResult): RunResult;
	sweep(): Promise<Record<string, unknown>[]>;
	pastDeadline(a: Approval): Promise<unknown>;
}

export function approvalRig(ctx: { readonly db: Db; readonly t: TestDb }): ApprovalRig {
	let sb: Started;
	let srv: WaitingWebhookServer;
	let h: N8nHarness;
	let content: ContentService;

	beforeAll(async () => {
		srv = new WaitingWebhookServer();
		const url = await srv.start();
		// The approval template's button opens this server's links (submitted for its address).
		sb = await startSandbox({ whatsapp: { pairLimitSeconds: 0 } }, { staffLinkBase: `${url}/webhook-waiting/` });
		h = new N8nHarness({
			webhookWaitingBaseUrl: `${url}/webhook-waiting`,
			credentials: {
				mitanDatabaseApi: { connectBy: 'url', url: ctx.t.url },
				mitanWhatsAppApi: { accessToken: 'sandbox-token', phoneNumberId: '100000000000001', baseUrl: sb.url },
			},
		});
		srv.attach(h);
		content = new ContentService(ctx.db);
	});
	afterAll(async () => {
		await srv.close();
		await closeAllPools();
		await sb.running.close();
	});

	async function request(params: Parameters<typeof approvalWorkflow>[0] = {}, over: Record<string, unknown> = {}) {
		const c = await content.create(draft(over), 'user:cybercell');
		const run = await h.run(approvalWorkflow(params), { input: [{ contentId: c.id }] });
		expect(run.error?.message).toBeUndefined();
		expect(run.status).toBe('waiting');
		srv.track(run);
		const [a] = await approvalsOfContent(ctx.db, c.id);
		return { c, run, a };
	}

	const post = async (link: string, form: Record<string, string>) => {
		const r = await fetch(link, { method: 'POST', body: new URLSearchParams(form) });
		await srv.settled();
		return { status: r.status, text: await r.text() };
	};
	const get = async (link: string) => {
		const r = await fetch(link);
		return { status: r.status, text: await r.text() };
	};
	const messagesTo = async (digits: string) => {
		const r = (await call(sb.url, 'GET', '/_sandbox/whatsapp/messages?limit=1000')).body as {
			data: SentMessage[];
		};
		return r.data.filter((m) => (m.waId ?? m.input ?? '').replace(/\D/g, '').endsWith(digits));
	};
	const actions = async (contentId: number) => (await auditTrail(ctx.db, 'content', contentId)).map((e) => e.action);
	const latest = (run: RunResult) => srv.latest(run);
	const sweep = async () => {
		const r = await h.run(sweepWorkflow());
		expect(r.error?.message).toBeUndefined();
		await srv.settled();
		return r.output('Sweep');
	};
	const pastDeadline = (a: Approval) =>
		ctx.db.query(`UPDATE approvals SET deadline_at = now() - interval '1 minute' WHERE id = $1`, [a.id]);

	return {
		get sb() {
			return sb;
		},
		get srv() {
			return srv;
		},
		get h() {
			return h;
		},
		get content() {
			return content;
		},
		request,
		post,
		get,
		messagesTo,
		actions,
		latest,
		sweep,
		pastDeadline,
	};
}
