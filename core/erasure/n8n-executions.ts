/**
 * The part of an erasure that lives in n8n: executions n8n keeps (every errored run, with the
 * exported workflows' saveDataErrorExecution 'all'; any run kept by hand or by a workflow's own
 * settings) hold the items that ran, so a citizen's number, wa_id or BSUID survives there after
 * our store has forgotten them. They are found and deleted through n8n's PUBLIC API
 * (GET /api/v1/executions?includeData=true, DELETE /api/v1/executions/{id}), never by writing
 * into n8n's database: n8n owns its tables (SQLite or PostgreSQL, binary data on disk).
 *
 * Without the API's URL and key (MITAN_N8N_API_URL / MITAN_N8N_API_KEY, core/config.ts) nothing
 * is searched, and the report says so with a stable code and the action, so the receipt never
 * claims an erasure it did not do.
 */
import { audit } from '../audit';
import { erasureActor } from './actor';
import type { Queryable } from '../db';
import type { ErrorAction } from '../error-codes';
import { MitanError } from '../errors';
import type { NormalisedIds } from './suppression';

export interface N8nApiSettings {
	/** n8n's base URL (http://127.0.0.1:5678); the public API is under /api/v1. */
	url: string;
	apiKey: string;
}

export type N8nExecutionsCode = 'ERASURE_N8N_NOT_CONFIGURED' | 'ERASURE_N8N_UNREACHABLE' | 'ERASURE_N8N_REFUSED';

export interface N8nExecutionsReport {
	/** Every kept execution was read and each one naming the citizen is deleted. */
	checked: boolean;
	/** Executions read. */
	scanned: number;
	/** Ids of the executions deleted (n8n's ids; they name nobody). */
	deleted: string[];
	/** Why not checked (or not finished): the code, its action and a sentence for staff. */
	code?: N8nExecutionsCode;
	action?: ErrorAction;
	reason?: string;
}

/** Page size asked of n8n (its public API allows up to 250). */
const PAGE = 100;
const TIMEOUT_MS = 15_000;

/**
 * The strings that name the citizen in an execution's data: the number's last ten digits (inside
 * every written form: +91…, 91…, 0…), the WhatsApp id's base64 (a wamid is the number in base64)
 * and each BSUID.
 */
export function needlesOf(ids: NormalisedIds): string[] {
	const out = new Set<string>();
	for (const p of ids.phones) {
		const digits = p.replace(/\D/g, '');
		if (digits.length >= 8) out.add(digits.slice(-10));
		// Aligned on three bytes (the wamid's prefix is three), so the base64 of the digits appears whole.
		out.add(Buffer.from(digits).toString('base64').replace(/=+$/, ''));
	}
	for (const u of ids.userIds) out.add(u);
	return [...out].filter((x) => x.length >= 6);
}

interface ExecutionPage {
	data?: { id: string | number; workflowId?: string; status?: string; dataTooLargeToDisplay?: boolean }[];
	nextCursor?: string | null;
}

async function call(s: N8nApiSettings, method: 'GET' | 'DELETE', path: string): Promise<{ status: number; body: unknown }> {
	let res: Response;
	try {
		res = await fetch(`${s.url.replace(/\/+$/, '')}/api/v1${path}`, {
			method,
			headers: { 'X-N8N-API-KEY': s.apiKey, accept: 'application/json' },
			signal: AbortSignal.timeout(TIMEOUT_MS),
		});
	} catch (e) {
		throw new MitanError('ERASURE_N8N_UNREACHABLE', `n8n's API at ${s.url} did not answer: ${(e as Error).message}`);
	}
	const text = await res.text();
	if (res.status === 401 || res.status === 403)
		throw new MitanError('ERASURE_N8N_REFUSED', `n8n's API refused the key (HTTP ${res.status}): make a new one with the execution scopes`);
	let body: unknown = text;
	try {
		body = text ? JSON.parse(text) : null;
	} catch {
		// Not JSON: kept as text for the message below.
	}
	if (res.status >= 400 && !(method === 'DELETE' && res.status === 404))
		throw new MitanError('ERASURE_N8N_UNREACHABLE', `n8n's API answered HTTP ${res.status} to ${method} ${path.split('?')[0]}`);
	return { status: res.status, body };
}

/**
 * Reads every execution n8n kept, with its data, and deletes those naming the citizen; audited
 * (counts and n8n's execution ids, never the identifiers). Never throws for n8n's sake: a problem
 * is in the report, so the rest of the erasure stands and staff see what is left to do.
 */
export async function eraseN8nExecutions(
	db: Queryable,
	settings: N8nApiSettings | undefined,
	ids: NormalisedIds,
	by: { districtId: number; actor: string },
): Promise<N8nExecutionsReport> {
	const report: N8nExecutionsReport = { checked: false, scanned: 0, deleted: [] };
	if (!settings) {
		const e = new MitanError(
			'ERASURE_N8N_NOT_CONFIGURED',
			"n8n's executions were not checked: set MITAN_N8N_API_URL and MITAN_N8N_API_KEY (an n8n API key with the execution scopes), then erase again",
		);
		Object.assign(report, { code: e.code, action: e.action, reason: e.message });
	} else {
		const needles = needlesOf(ids);
		try {
			const found: { id: string; workflowId?: string }[] = [];
			let tooLarge = 0;
			for (let cursor: string | null | undefined = undefined; ;) {
				const q = `/executions?includeData=true&ignoreDataSizeLimit=true&limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
				const page = (await call(settings, 'GET', q)).body as ExecutionPage;
				for (const x of page.data ?? []) {
					report.scanned++;
					if (x.dataTooLargeToDisplay) tooLarge++;
					const text = JSON.stringify(x);
					if (needles.some((n) => text.includes(n))) found.push({ id: String(x.id), workflowId: x.workflowId });
				}
				cursor = page.nextCursor;
				if (!cursor || !page.data?.length) break;
			}
			for (const x of found) {
				await call(settings, 'DELETE', `/executions/${encodeURIComponent(x.id)}`);
				report.deleted.push(x.id);
			}
			if (tooLarge > 0)
				throw new MitanError('ERASURE_N8N_UNREACHABLE', `${tooLarge} execution(s) came without their data (too large): not searched`);
			report.checked = true;
		} catch (e) {
			const err = e instanceof MitanError ? e : new MitanError('ERASURE_N8N_UNREACHABLE', String((e as Error).message ?? e));
			Object.assign(report, { code: err.code, action: err.action, reason: err.message });
		}
	}
	// Audited when n8n was asked (not configured: nothing happened, and the receipt says so).
	if (settings)
		await audit(db, {
			districtId: by.districtId,
			actor: erasureActor(by.actor),
			action: 'citizen.erase_n8n_executions',
			entity: 'erasure',
			details: { checked: report.checked, scanned: report.scanned, deleted: report.deleted, code: report.code ?? null },
		});
	return report;
}
