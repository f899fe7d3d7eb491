/**
 * Shared by the in-process runs of the exported workflows: a sandbox on a real port, the harness
 * with this package's nodes plus n8n's own (Set, If, Webhook…) from the cached n8n install, and
 * small readers of what the sandbox received.
 */
import { decide, newNonce, requestApproval } from '../../core/approvals';
import { resolveConfig } from '../../core/config';
import { seedStaffRegistry } from '../../core/staff/seed';
import { todayIn } from '../../core/time';
import { ContentService, type Content } from '../../core/content';
import type { Db } from '../../core/db';
import { N8nHarness } from '../helpers/n8n';
import { call } from '../sandbox/helpers';
import { baseNodeTypes } from './base-nodes';
import { draft } from '../approval/fixtures';

/** The staff registry of a fresh install (core/staff/seed.ts): the numbers below, sandbox range. */
export async function seedStaff(db: Db): Promise<void> {
	await seedStaffRegistry(db, { districtId: 1, installed: [], actor: 'test' });
}

/** What a fresh install's staff registry holds, as the sandbox sees it (digits only). */
export const STAFF = {
	cyberCell: '910000000001',
	dutyOfficer: '910000000002',
	leadership: ['910000000003', '910000000004'],
	approver: '910000000010',
};

export function harness(dbUrl: string, sandboxUrl: string, webhookWaitingBaseUrl?: string): N8nHarness {
	const social = { baseUrl: sandboxUrl };
	return new N8nHarness({
		nodeTypes: baseNodeTypes(),
		webhookWaitingBaseUrl,
		credentials: {
			mitanDatabaseApi: { connectBy: 'url', url: dbUrl },
			mitanWhatsAppApi: {
				accessToken: 'sandbox-token',
				phoneNumberId: '100000000000001',
				wabaId: '200000000000001',
				appId: '600000000000001',
				baseUrl: sandboxUrl,
			},
			mitanMetaApi: { pageId: '300000000000001', pageToken: 'sandbox-page-token', igUserId: '400000000000001', ...social },
			mitanXApi: {
				authType: 'oauth1',
				consumerKey: 'sandbox-consumer-key',
				consumerSecret: 'sandbox-consumer-secret',
				accessToken: 'sandbox-access-token',
				accessTokenSecret: 'sandbox-access-secret',
				...social,
			},
		},
	});
}

export interface SandboxMessage {
	waId?: string;
	input?: string;
	type: string;
	template?: string;
	language?: string;
	params?: string[];
	text?: string;
	day?: string;
	/** Template URL buttons as the recipient opens them; the body filled in. */
	urls?: string[];
	rendered?: string;
	status?: string;
}

/** Every message the sandbox accepted (optionally to one number, digits only). */
export async function sandboxMessages(sandboxUrl: string, to?: string): Promise<SandboxMessage[]> {
	const r = await call(sandboxUrl, 'GET', `/_sandbox/whatsapp/messages?limit=10000${to ? `&to=${to}` : ''}`);
	// Oldest first, so .pop() is the latest.
	return (r.body.data as (SandboxMessage & { acceptedAtMs: number })[]).sort((a, b) => a.acceptedAtMs - b.acceptedAtMs);
}

/** What a staff member read: the alert template's parameter, or the free text. */
export function alertText(m: SandboxMessage): string {
	return m.type === 'template' ? (m.params ?? []).join(' ') : (m.text ?? '');
}

/** Today in the district's zone (the default district's is the installation's), as the nodes count it. */
export function districtToday(): string {
	return todayIn(resolveConfig({}, {}).timezone);
}

/** A draft approved through the real approval service (request, then the approver's decision). */
export async function approvedContent(db: Db, over: Record<string, unknown> = {}): Promise<Content> {
	const svc = new ContentService(db);
	const c = await svc.create(draft({ targetDate: districtToday(), imageUrl: null, ...over }), 'user:cybercell');
	const nonce = newNonce();
	const link = (d: string) => `http://127.0.0.1:1/webhook-waiting/x/y?decision=${d}&nonce=${nonce}&signature=test`;
	await requestApproval(db, {
		contentId: c.id,
		approverPhone: STAFF.approver,
		approverName: 'Addl SP',
		nonce,
		links: { approve: link('approve'), reject: link('reject'), changes: link('changes'), settle: link('settle') },
		actor: 'test',
	});
	await decide(db, { nonce, decision: 'approved', actor: 'approver:Addl SP', seenHash: c.contentHash, via: 'link', resumedNow: true });
	return svc.get(c.id);
}

/** Seeds citizens directly (the roster's own tests cover its rules). */
export async function seedCitizens(db: Db, n: number, base = 9876600000): Promise<string[]> {
	const phones = Array.from({ length: n }, (_, i) => `+91${base + i}`);
	await db.query(
		`INSERT INTO subscribers (phone, language, police_station, consent_source) SELECT r.phone, r.language, r.ps, 'camp' FROM jsonb_to_recordset($1::jsonb) AS r(phone text, language text, ps text)`,
		[JSON.stringify(phones.map((phone, i) => ({ phone, language: i % 3 === 0 ? 'en' : 'hi', ps: i % 2 ? 'Bodla' : 'Kawardha' })))],
	);
	return phones;
}
