/**
 * Queue mode: n8n main + two workers on Redis and one PostgreSQL database, the package installed
 * on every process. The main only takes the webhook calls and enqueues; the workers run the
 * executions together, and each citizen is written exactly once.
 *
 * The broadcast-specific half (every sandbox citizen exactly once, the rate within the limit)
 * needs the Mitan Broadcast node; until it is built this suite proves the queue plumbing with
 * the Mitan Roster node.
 */
import * as fs from 'fs';
import { waitFor } from '../../scripts/n8n/run';
import { callWebhook, executions, startStack, type Stack } from './fixture';
import { rosterWebhookWorkflow } from './workflows';

const CITIZENS = 24;

describe('real n8n, queue mode (main + 2 workers)', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ queue: true, workers: 2, workerConcurrency: 4, workflows: [rosterWebhookWorkflow('TestQueueRoster1', 'queue-roster')], publish: ['TestQueueRoster1'] });
  }, 300000);
  afterAll(async () => {
    await s?.close();
  });

  test('concurrent production executions are shared by both workers; every citizen written once', async () => {
    const phones = Array.from({ length: CITIZENS }, (_, i) => `98765${String(10000 + i).padStart(5, '0')}`);
    // Each citizen twice, concurrently: the roster's upsert must keep one row per number.
    const calls = await Promise.all([...phones, ...phones].map((phone, i) => callWebhook(s, 'queue-roster', { phone, name: `C${i % CITIZENS}`, ps: i % 2 ? 'Bodla' : 'Kawardha' })));
    expect(calls.map((c) => c.status)).toEqual(calls.map(() => 200));
    const done = await waitFor(
      async () => {
        const ex = await executions(s, 'TestQueueRoster1');
        return ex.length === 2 * CITIZENS && ex.every((e) => e.status === 'success') ? ex : undefined;
      },
      { timeoutMs: 120000, describe: async () => JSON.stringify(await executions(s, 'TestQueueRoster1')) },
    );
    expect(done).toHaveLength(2 * CITIZENS);
    const rows = await s.db.query<{ phone: string; n: number }>(`SELECT phone, count(*)::int AS n FROM subscribers GROUP BY phone ORDER BY phone`);
    expect(rows).toEqual(phones.map((p) => ({ phone: `+91${p}`, n: 1 })));

    // Which process ran what: n8n logs "Worker started execution <id>" on the worker that took the job.
    const byWorker = ['worker-1', 'worker-2'].map((w) => {
      const log = fs.readFileSync(`${s.n8n.userFolder}/logs/${w}.log`, 'utf8');
      return (log.match(/Worker started execution \d+/g) ?? []).length;
    });
    expect(byWorker[0] + byWorker[1]).toBe(2 * CITIZENS);
    expect(byWorker[0]).toBeGreaterThan(0);
    expect(byWorker[1]).toBeGreaterThan(0);
    const mainLog = fs.readFileSync(`${s.n8n.userFolder}/logs/main.log`, 'utf8');
    expect(mainLog).not.toMatch(/Worker started execution/);
  });
});
