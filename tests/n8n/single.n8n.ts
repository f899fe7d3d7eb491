/**
 * A real n8n 2.x (`n8n start`, one process, PostgreSQL) with this package installed from its
 * `npm pack` tarball: the workflows run end to end against the sandbox and a real database.
 */
import { readWorkflow } from '../helpers/n8n';
import { callWebhook, executionData, executions, startStack, type Stack } from './fixture';
import { ERROR_WORKFLOW_ID, rosterWebhookWorkflow } from './workflows';
import { waitFor } from '../../scripts/n8n/run';

describe('real n8n, single process', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({
      workflows: [readWorkflow('workflows/error-alert.json'), rosterWebhookWorkflow('TestRosterHook01', 'roster-upsert')],
      publish: ['MitanErrorAlert1', 'TestRosterHook01'],
    });
  }, 300000);
  afterAll(async () => {
    await s?.close();
  });

  afterEach(() => {
    const state = expect.getState();
    if (state.assertionCalls !== state.numPassingAsserts) console.log(s.n8n.logs());
  });

  test('the packaged Mitan Roster node runs in n8n and writes the roster', async () => {
    const r = await callWebhook(s, 'roster-upsert', { phone: '98765 00001', name: 'आशा', ps: 'Kawardha' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ phone: '+919876500001', phoneMasked: '+91 98XXXXX001' });
    const rows = await s.db.query<{ phone: string; name: string; police_station: string }>(`SELECT phone, name, police_station FROM subscribers`);
    expect(rows).toEqual([{ phone: '+919876500001', name: 'आशा', police_station: 'Kawardha' }]);
    const ex = await executions(s, 'TestRosterHook01');
    expect(ex).toEqual([expect.objectContaining({ status: 'success', mode: 'webhook' })]);
  });

  test('a failing run starts the error workflow with the execution link', async () => {
    const r = await callWebhook(s, 'roster-upsert', { phone: '12345' });
    expect(r.status).toBe(500);
    const failed = await waitFor(async () => (await executions(s, 'TestRosterHook01')).find((e) => e.status === 'error'), { describe: () => 'the failed execution' });
    expect(await executionData(s, failed.id)).toContain('too short');
    const alert = await waitFor(async () => (await executions(s, ERROR_WORKFLOW_ID)).find((e) => e.finished || e.status === 'error' || e.status === 'success'), {
      describe: () => 'the error workflow execution',
    });
    expect(alert.mode).toBe('error');
    const data = await executionData(s, alert.id);
    expect(data).toContain(`/workflow/TestRosterHook01/executions/${failed.id}`);
  });
});
