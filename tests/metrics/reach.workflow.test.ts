import { generateDemo } from '../../core/demo/generate';
import { closeAllPools } from '../../nodes/shared/db';
import { describeEachEngine } from '../helpers/db';
import { N8nHarness, nodeType, type WorkflowJson } from '../helpers/n8n';
import type { INodeParameters } from 'n8n-workflow';

const wf = (params: INodeParameters): WorkflowJson => ({
	name: 'reach',
	nodes: [
		{
			id: 'r1',
			name: 'Reach',
			type: nodeType('mitanReach'),
			typeVersion: 1,
			position: [0, 0],
			parameters: params,
			credentials: { mitanDatabaseApi: { id: '1', name: 'db' } },
		},
	],
	connections: {},
	settings: { timezone: 'Asia/Kolkata', executionOrder: 'v1' },
});

describeEachEngine('Mitan Reach node in n8n-core', (ctx) => {
	let h: N8nHarness;
	beforeAll(async () => {
		await generateDemo(ctx.db, { citizens: 200, days: 9, seed: 5, endDate: '2026-03-31' });
		h = new N8nHarness({ credentials: { mitanDatabaseApi: { connectBy: 'url', url: ctx.t.url } } });
	});
	afterAll(() => closeAllPools());

	test('refresh: nothing changed → no days; one day on request; everything', async () => {
		const inc = await h.run(wf({ operation: 'refresh', mode: 'incremental', kinds: ['whatsapp', 'social', 'complaints'] }), {
			input: [{}],
		});
		expect(inc.status).toBe('success');
		expect(inc.output('Reach')[0].kinds).toEqual([
			expect.objectContaining({ kind: 'whatsapp', days: [], changed: 0 }),
			expect.objectContaining({ kind: 'social', days: [] }),
			expect.objectContaining({ kind: 'complaints', days: [] }),
		]);
		const day = await h.run(wf({ operation: 'refresh', mode: 'day', day: '2026-03-30', kinds: ['whatsapp'] }), { input: [{}] });
		expect(day.output('Reach')[0].kinds).toEqual([expect.objectContaining({ kind: 'whatsapp', days: ['2026-03-30'], changed: 0 })]);
		const full = await h.run(wf({ operation: 'refresh', mode: 'full', kinds: ['complaints'] }), { input: [{}] });
		expect(full.output('Reach')[0].kinds).toEqual([expect.objectContaining({ kind: 'complaints', days: 'all', changed: 0 })]);
		const bad = await h.run(wf({ operation: 'refresh', mode: 'day', day: 'kal', kinds: ['whatsapp'] }), { input: [{}] });
		expect(bad.status).toBe('error');
		expect(bad.error?.message).toMatch(/day must be YYYY-MM-DD/);
	});

	test('report for a week: one item per figure with Hindi and English labels', async () => {
		const r = await h.run(wf({ operation: 'report', period: 'week', date: '2026-03-31', output: 'items' }), { input: [{}] });
		expect(r.status).toBe('success');
		const items = r.output('Reach');
		expect(items[0]).toMatchObject({
			period: 'week',
			from: '2026-03-30',
			to: '2026-04-05',
			section: 'whatsapp',
			key: 'targeted',
			labelHi: 'लक्षित नागरिक',
		});
		const delivered = items.find((i) => i.key === 'delivered')!;
		const [d] = await ctx.db.query<{ n: number }>(
			`SELECT sum(delivered)::float8 AS n FROM rollup_whatsapp_daily WHERE day BETWEEN '2026-03-30' AND '2026-04-05'`,
		);
		expect(delivered.value).toBe(d.n);
		const single = await h.run(wf({ operation: 'report', period: 'month', date: '2026-03-15', output: 'single' }), { input: [{}] });
		expect(single.output('Reach')).toHaveLength(1);
		expect((single.output('Reach')[0].items as unknown[]).length).toBeGreaterThan(20);
	});
});
