/**
 * Issue 17 §3 / done means: an erasure also takes the executions n8n kept (errored runs, runs kept
 * by a workflow's settings) that name the citizen, through n8n's PUBLIC API. A real HTTP server
 * stands in for n8n's /api/v1 (its paging by cursor, its API-key header, its DELETE); the real
 * n8n runs it in tests/n8n/conversation.n8n.ts. Without the API configured, the receipt says n8n
 * was not checked, with a stable code and the action.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { resolveConfig } from '../../core/config';
import { eraseCitizen } from '../../core/erasure';
import { needlesOf } from '../../core/erasure/n8n-executions';
import { RosterService } from '../../core/roster';
import { describeEachEngine } from '../helpers/db';

const KEY = 'n8n-api-key-for-test';
const HER = { phone: '+919812377701', digits: '919812377701', userId: 'IN.2207HERBSUID42' };
const OTHER = '919812377702';
const wamidOf = (digits: string) => `wamid.HBgM${Buffer.from(digits).toString('base64')}FQIAERgSQUJD`;

interface FakeExecution {
	id: string;
	workflowId: string;
	status: string;
	data: unknown;
}

/** n8n's public executions API, as n8n 2.x answers it (cursor paging, X-N8N-API-KEY, 404 for an unknown id). */
async function fakeN8n(executions: FakeExecution[], pageSize = 2) {
	const seen: { method: string; url: string; key: string | undefined }[] = [];
	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		const key = req.headers['x-n8n-api-key'] as string | undefined;
		seen.push({ method: req.method ?? '', url: url.pathname + url.search, key });
		const json = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (key !== KEY) return json(401, { message: 'unauthorized' });
		if (req.method === 'GET' && url.pathname === '/api/v1/executions') {
			const after = Number(url.searchParams.get('cursor') ?? 0);
			const page = executions.slice(after, after + pageSize);
			const withData = url.searchParams.get('includeData') === 'true';
			return json(200, {
				data: page.map((x) => (withData ? x : { ...x, data: undefined })),
				nextCursor: after + pageSize < executions.length ? String(after + pageSize) : null,
			});
		}
		const m = /^\/api\/v1\/executions\/([^/]+)$/.exec(url.pathname);
		if (req.method === 'DELETE' && m) {
			const i = executions.findIndex((x) => x.id === m[1]);
			if (i < 0) return json(404, { message: 'Not Found' });
			const [gone] = executions.splice(i, 1);
			return json(200, { id: Number(gone.id), status: gone.status });
		}
		json(404, { message: 'no route' });
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		seen,
		executions,
		close: () => new Promise<void>((r) => server.close(() => r())),
	};
}

/** Kept executions as n8n stores them: the trigger's items deep inside the run data. */
function run(id: string, item: Record<string, unknown>, status = 'error'): FakeExecution {
	return {
		id,
		workflowId: 'MitanComplaint01',
		status,
		data: { resultData: { runData: { 'Mitan Trigger': [{ data: { main: [[{ json: item }]] } }] }, error: { message: 'boom' } } },
	};
}

describeEachEngine('erasure: the executions n8n kept', (ctx) => {
	const by = { actor: 'user:clerk', source: 'n8n executions test' };

	test('every kept execution naming her (number, WhatsApp id, wamid, BSUID) is deleted through the API, others kept; audited without her', async () => {
		await new RosterService(ctx.db).upsert({ phone: HER.phone, consentSource: 'camp', waId: HER.digits }, by);
		await ctx.db.query('UPDATE subscribers SET wa_user_id = $2 WHERE phone = $1', [HER.phone, HER.userId]);
		const n8n = await fakeN8n([
			run('11', { fromPhone: HER.phone, body: 'UPI fraud' }),
			run('12', { fromPhone: `+${OTHER}`, body: 'someone else' }),
			run('13', { waId: HER.digits.slice(2) }, 'success'),
			run('14', { wamid: wamidOf(HER.digits) }),
			run('15', { fromUserId: HER.userId }, 'crashed'),
		]);
		try {
			const r = await eraseCitizen(ctx.db, { phone: HER.phone, districtId: 1 }, by, { vacuum: 'none', n8n: { url: n8n.url, apiKey: KEY } });
			expect(r.erased).toBe(true);
			expect(r.n8nExecutions).toEqual({ checked: true, scanned: 5, deleted: ['11', '13', '14', '15'] });
			expect(n8n.executions.map((x) => x.id)).toEqual(['12']);
			// Paged by n8n's cursor, with the data asked for and n8n's display limit lifted, the key on every call.
			const gets = n8n.seen.filter((x) => x.method === 'GET');
			expect(gets).toHaveLength(3);
			expect(gets[0].url).toMatch(/includeData=true/);
			expect(gets[0].url).toMatch(/ignoreDataSizeLimit=true/);
			expect(gets[1].url).toMatch(/cursor=2/);
			expect(n8n.seen.every((x) => x.key === KEY)).toBe(true);
			const [a] = await ctx.db.query<{ actor: string; details: Record<string, unknown> }>(
				`SELECT actor, details FROM audit_log WHERE action = 'citizen.erase_n8n_executions' ORDER BY id DESC LIMIT 1`,
			);
			expect(a).toEqual({ actor: 'user:clerk', details: { checked: true, scanned: 5, deleted: ['11', '13', '14', '15'], code: null } });
			expect(JSON.stringify(a)).not.toMatch(/9812377701|IN\.2207/);
		} finally {
			await n8n.close();
		}
	});

	test('not configured: the receipt says n8n was not checked, with the code and the action', async () => {
		const r = await eraseCitizen(ctx.db, { phone: '+919812377703', districtId: 1 }, by, { vacuum: 'none' });
		expect(r.n8nExecutions).toMatchObject({
			checked: false,
			scanned: 0,
			deleted: [],
			code: 'ERASURE_N8N_NOT_CONFIGURED',
			action: 'configure',
		});
		expect(r.n8nExecutions?.reason).toMatch(/MITAN_N8N_API_URL and MITAN_N8N_API_KEY/);
	});

	test('a refused key and an n8n that does not answer are named (reauthenticate / retry soon), the store erasure stands', async () => {
		const n8n = await fakeN8n([run('21', { fromPhone: '+919812377704' })]);
		try {
			const refused = await eraseCitizen(ctx.db, { phone: '+919812377704', districtId: 1 }, by, {
				vacuum: 'none',
				n8n: { url: n8n.url, apiKey: 'wrong' },
			});
			expect(refused.n8nExecutions).toMatchObject({ checked: false, code: 'ERASURE_N8N_REFUSED', action: 'reauthenticate' });
			expect(n8n.executions).toHaveLength(1);
		} finally {
			await n8n.close();
		}
		const down = await eraseCitizen(ctx.db, { phone: '+919812377704', districtId: 1 }, by, {
			vacuum: 'none',
			n8n: { url: n8n.url, apiKey: KEY },
		});
		expect(down.n8nExecutions).toMatchObject({ checked: false, code: 'ERASURE_N8N_UNREACHABLE', action: 'retry_soon' });
	});
});

describe('n8n API settings and needles', () => {
	test('MITAN_N8N_API_URL and MITAN_N8N_API_KEY come together or not at all', () => {
		expect(resolveConfig({}, {}).n8nApi).toBeUndefined();
		expect(resolveConfig({}, { MITAN_N8N_API_URL: 'http://127.0.0.1:5678/', MITAN_N8N_API_KEY: 'k' }).n8nApi).toEqual({
			url: 'http://127.0.0.1:5678',
			apiKey: 'k',
		});
		expect(() => resolveConfig({}, { MITAN_N8N_API_URL: 'http://127.0.0.1:5678' })).toThrow(
			expect.objectContaining({ code: 'CONFIG_INVALID', details: { field: 'MITAN_N8N_API_KEY' } }),
		);
	});

	test('the needles: last ten digits, the base64 a wamid carries, each BSUID', () => {
		expect(needlesOf({ phones: [HER.phone], userIds: [HER.userId] })).toEqual([
			'9812377701',
			Buffer.from(HER.digits).toString('base64'),
			HER.userId,
		]);
	});
});
