/**
 * Issue 18 §1: n8n keeps no citizen's data from a successful run. A real n8n 2.x (one process,
 * PostgreSQL) runs the EXPORTED complaint-intake workflow with the product's settings (run.js and
 * the workflow's own: no successful execution saved); a citizen's message injected into the
 * sandbox gets its reference number, and then n8n's database holds no execution, and no execution
 * data, with the number, the name or the text. The citizen is then erased in Police Mitan's store,
 * which then names her nowhere either.
 */
import { RosterService } from '../../core/roster';
import { waitFor } from '../../scripts/n8n/run';
import { readWorkflow } from '../helpers/n8n';
import { searchEverywhere } from '../integration/erasure-helpers';
import { call } from '../sandbox/helpers';
import { sandboxMessages } from '../workflows/helpers';
import { startStack, type Stack } from './fixture';

const COMPLAINT = 'MitanComplaint01';
const FROM = '919812366601';
// No money lost: the run ends at the reply (the duty officer's alert is single.n8n.ts's).
const TEXT = 'mera instagram hack ho gaya Jamun-Pebble-9182, mera naam Kamla Devi';

describe('real n8n: a successful run keeps no execution data (the product settings, not relaxed)', () => {
	let s: Stack;
	beforeAll(async () => {
		s = await startStack({
			gateway: true,
			workflows: [readWorkflow('workflows/error-alert.json'), readWorkflow('workflows/complaint-intake.json')],
			publish: ['MitanErrorAlert1', COMPLAINT],
		});
	}, 300000);
	afterAll(async () => {
		await s?.close();
	});

	test('complaint intake answers the citizen, and n8n keeps nothing of the run', async () => {
		const [settings] = await s.n8nSql<
			{ settings: Record<string, unknown> }[]
		>`SELECT settings FROM workflow_entity WHERE id = ${COMPLAINT}`;
		expect(settings.settings).toMatchObject({ saveDataSuccessExecution: 'none', saveDataErrorExecution: 'all' });
		const inj = await call(s.sandboxUrl, 'POST', '/_sandbox/inject/inbound', { body: { from: FROM, text: TEXT, name: 'Kamla Devi' } });
		expect(inj.status).toBe(200);
		const complaint = await waitFor(
			async () =>
				(await s.db.query<{ ref: string; reply_wamid: string | null }>('SELECT ref, reply_wamid FROM complaints')).find(
					(c) => c.reply_wamid,
				),
			{ timeoutMs: 90000, describe: () => 'a complaint with a reply' },
		);
		const reply = await waitFor(async () => (await sandboxMessages(s.sandboxUrl, FROM)).find((m) => m.text?.includes(complaint.ref)));
		expect(reply.text).toContain(complaint.ref);
		// At the end n8n marks the successful run deleted, and its hard-delete job (every minute,
		// run.js) removes it with its data: then n8n's database holds no execution at all.
		await waitFor(
			async () => ((await s.n8nSql<{ n: number }[]>`SELECT count(*)::int AS n FROM execution_entity`)[0].n === 0 ? true : undefined),
			{
				timeoutMs: 180000,
				intervalMs: 2000,
				describe: async () =>
					`no execution left: ${JSON.stringify(await s.n8nSql`SELECT id::int, "workflowId", status, mode, "deletedAt" FROM execution_entity`)}`,
			},
		);
		for (const needle of [FROM, FROM.slice(-10), 'Kamla', 'Jamun-Pebble-9182']) {
			const [n] = await s.n8nSql<{ n: number }[]>`SELECT count(*)::int AS n FROM execution_data WHERE position(${needle} IN data) > 0`;
			expect({ needle, rows: n.n }).toEqual({ needle, rows: 0 });
		}

		const r = await new RosterService(s.db).erase(`+${FROM}`, { actor: 'user:clerk', source: 'n8n erasure test' });
		expect(r.erased).toBe(true);
		expect(await searchEverywhere(s.db, [`+${FROM}`, FROM, FROM.slice(-10), 'Kamla', 'Jamun-Pebble-9182'])).toEqual([]);
	});
});
