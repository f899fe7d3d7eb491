import { TriggerContext } from 'n8n-core';
import type { IDataObject, INodeExecutionData, IRun, ITriggerResponse } from 'n8n-workflow';
import { handleInbound, type RoutedMessage } from '../../core/inbound/service';
import { inboundQueueCounts } from '../../core/inbound/queue';
import { openPostgres } from '../../core/db';
import { migrate } from '../../core/db/migrate';
import { closeAllPools } from '../../nodes/shared/db';
import { MitanTrigger } from '../../nodes/MitanTrigger/MitanTrigger.node';
import { createPgDatabase, describeEachEngine, postgresReachable } from '../helpers/db';
import { N8nHarness, nodeType, type WorkflowJson } from '../helpers/n8n';
import { seedBroadcast } from './helpers';

const cred = { mitanDatabaseApi: { id: '1', name: 'Mitan DB' } };
const workflow = (params: IDataObject = {}): WorkflowJson => ({
	name: 'complaint intake',
	nodes: [
		{
			id: 't1',
			name: 'Mitan Trigger',
			type: nodeType('mitanTrigger'),
			typeVersion: 1,
			position: [0, 0],
			parameters: { options: { pollSeconds: 1 }, ...params },
			credentials: cred,
		},
		{
			id: 'r1',
			name: 'Roster',
			type: nodeType('mitanRoster'),
			typeVersion: 1,
			position: [200, 0],
			parameters: { resource: 'subscriber', operation: 'get', phone: '={{ $json.from }}' },
			credentials: cred,
			onError: 'continueRegularOutput',
		},
	],
	connections: { 'Mitan Trigger': { main: [[{ node: 'Roster', type: 'main', index: 0 }]] } },
	settings: { timezone: 'Asia/Kolkata', executionOrder: 'v1' },
});

let seq = 0;
function msg(from: string, text: string, type = 'text'): RoutedMessage {
	const id = `wamid.trig.${Date.now()}.${++seq}`;
	const raw: Record<string, unknown> = { from, id, timestamp: String(Math.floor(Date.now() / 1000)), type };
	if (type === 'text') raw.text = { body: text };
	return {
		phoneNumberId: '100000000000001',
		districtId: 1,
		wamid: id,
		from,
		type,
		body: type === 'text' ? text : null,
		sentAt: new Date().toISOString(),
		contactName: 'आशा',
		raw,
	};
}

/**
 * Activates the trigger the way n8n's ActiveWorkflows does: a TriggerContext whose emit starts one
 * execution (here: n8n-core's WorkflowExecute through the harness, starting at the trigger with
 * the emitted items) and resolves the done promise with the run.
 */
async function activate(h: N8nHarness, json: WorkflowJson, runs: IRun[], items: INodeExecutionData[][]): Promise<ITriggerResponse> {
	const wf = h.workflow(json);
	const node = wf.getNode('Mitan Trigger')!;
	const additional = h.additionalData('activation', 'trigger', json, () => undefined);
	const ctx = new TriggerContext(
		wf,
		node,
		additional,
		'trigger',
		'activate',
		(data, _response, done) => {
			items.push(data[0]);
			void h.run(json, { items: data[0], startNode: 'Mitan Trigger', mode: 'trigger' }).then(
				(r) => {
					runs.push(r.run);
					done?.resolve(r.run);
				},
				(e) => done?.reject(e),
			);
		},
		(e) => {
			throw e;
		},
	);
	return (await new MitanTrigger().trigger.call(ctx))!;
}

async function until(pred: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!(await pred())) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

describeEachEngine('Mitan Trigger node in n8n-core', (ctx) => {
	let h: N8nHarness;
	// The embedded engine served over a socket interleaves concurrent extended-protocol queries
	// of different connections (see the report): on PGlite the trigger takes one message at a time
	// and the test reads the database only while the trigger is idle.
	const serial = () => (ctx.t.engine === 'pglite' ? { maxConcurrent: 1 } : {});
	beforeAll(async () => {
		h = new N8nHarness({ credentials: { mitanDatabaseApi: { connectBy: 'url', url: ctx.t.url } } });
		await seedBroadcast(
			ctx.db,
			[
				{ phone: '+919876501001', policeStation: 'Kawardha', language: 'en' },
				{ phone: '+919876501002', policeStation: 'Bodla' },
			],
			'trig',
		);
	});
	afterAll(() => closeAllPools());

	test('one execution per inbound message, with the subscriber record attached; filters by type and police station', async () => {
		await handleInbound(
			ctx.db,
			[
				msg('919876501001', 'I got a call from a fake bank officer'),
				msg('919876501002', 'मेरे साथ ठगी हुई'),
				msg('919876501002', '', 'image'),
				msg('919876509999', 'not on the roster'),
			],
			[],
		);
		const runs: IRun[] = [];
		const items: INodeExecutionData[][] = [];
		const resp = await activate(
			h,
			workflow({ messageTypes: ['text'], policeStations: 'kawardha, BODLA', options: { pollSeconds: 1, ...serial() } }),
			runs,
			items,
		);
		await until(() => runs.length === 2, 'two executions');
		await resp.closeFunction!();
		await until(async () => (await inboundQueueCounts(ctx.db)).done === 2, 'both acknowledged');
		expect(items.map((i) => i.length)).toEqual([1, 1]);
		const got = items.map((i) => i[0].json as any).sort((a, b) => a.from.localeCompare(b.from));
		expect(got[0]).toMatchObject({
			from: '+919876501001',
			type: 'text',
			text: 'I got a call from a fake bank officer',
			language: 'en',
			contactName: 'आशा',
			subscriber: { policeStation: 'Kawardha', language: 'en', status: 'active' },
		});
		expect(got[1]).toMatchObject({ from: '+919876501002', language: 'hi', subscriber: { policeStation: 'Bodla' } });
		expect(got[0].claimToken).toBeUndefined();
		for (const run of runs) {
			expect(run.status).toBe('success');
			expect(run.data.resultData.runData['Roster'][0].data!.main[0]![0].json).toMatchObject({ status: 'active' });
		}
		// The image and the unknown number did not match this trigger's filters: still queued for another.
		const counts = await inboundQueueCounts(ctx.db);
		expect(counts).toMatchObject({ done: 2, queued: 2 });
	});

	test('a manual run takes one waiting message through the workflow', async () => {
		const r = await h.run(workflow(), { mode: 'manual' });
		expect(r.status).toBe('success');
		const out = r.output('Mitan Trigger');
		expect(out).toHaveLength(1);
		expect(out[0]).toMatchObject({ queue: { attempt: 1 } });
		await until(async () => (await inboundQueueCounts(ctx.db)).queued === 1, 'the manual run to be acknowledged');
	});

	test('a message that arrives while the trigger is active wakes it (NOTIFY or the poll) and runs once', async () => {
		const runs: IRun[] = [];
		const items: INodeExecutionData[][] = [];
		const resp = await activate(
			h,
			workflow({ messageTypes: ['text'], options: { pollSeconds: ctx.t.engine === 'pglite' ? 1 : 60, ...serial() } }),
			runs,
			items,
		);
		await until(() => runs.length === 1, 'the leftover text message');
		await new Promise((r) => setTimeout(r, 100)); // its acknowledgement, before this test writes
		await handleInbound(ctx.db, [msg('919876501001', 'new one')], []);
		await until(() => runs.length === 2, 'the new message');
		await resp.closeFunction!();
		expect(items.map((i) => (i[0].json as any).text)).toEqual(['not on the roster', 'new one']);
	});
});

describe('Mitan Trigger: two workers on PostgreSQL', () => {
	test('never get the same message, and together get every one', async () => {
		if (!(await postgresReachable()) && process.env.CI !== 'true') return;
		const pg = await createPgDatabase();
		const db = openPostgres({ url: pg.url, max: 4 });
		try {
			await migrate(db);
			const h = new N8nHarness({ credentials: { mitanDatabaseApi: { connectBy: 'url', url: pg.url } } });
			const N = 120;
			await handleInbound(
				db,
				Array.from({ length: N }, (_, i) => msg(`919876${String(520000 + i)}`, `complaint ${i}`)),
				[],
			);
			const a: { runs: IRun[]; items: INodeExecutionData[][] } = { runs: [], items: [] };
			const b: { runs: IRun[]; items: INodeExecutionData[][] } = { runs: [], items: [] };
			const params = { options: { pollSeconds: 1, maxConcurrent: 4 } };
			const [ra, rb] = await Promise.all([activate(h, workflow(params), a.runs, a.items), activate(h, workflow(params), b.runs, b.items)]);
			await until(() => a.runs.length + b.runs.length >= N, 'all messages', 60_000);
			await Promise.all([ra.closeFunction!(), rb.closeFunction!()]);
			await until(async () => (await inboundQueueCounts(db)).done === N, 'every message acknowledged');
			const ids = (x: typeof a) => x.items.map((i) => (i[0].json as any).wamid as string);
			const setA = new Set(ids(a));
			expect(ids(b).filter((w) => setA.has(w))).toEqual([]);
			expect(new Set([...ids(a), ...ids(b)]).size).toBe(N);
			expect(a.items.length + b.items.length).toBe(N);
			expect(a.items.length).toBeGreaterThan(0);
			expect(b.items.length).toBeGreaterThan(0);
		} finally {
			await closeAllPools();
			await db.close();
			await pg.drop();
		}
	});
});
