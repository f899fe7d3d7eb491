/**
 * One part failing does not take the rest down (issue 13 item 2): with the sandbox's port taken,
 * `startAll` still brings up the database and the gateway + dashboard, records what failed, where
 * its log is and the retry command, and stops cleanly (the run file the retries read is removed).
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { RETRY, RUN_FILE, startAll } from '../../cli/start';
import { freePort } from '../../scripts/n8n/run';

test('the sandbox cannot listen: the dashboard runs anyway and the problem names the retry', async () => {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-parts-'));
	const blocker = net.createServer();
	await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
	const taken = (blocker.address() as net.AddressInfo).port;
	const lines: string[] = [];
	const s = await startAll(
		(l) => lines.push(l),
		{ dataDir, port: await freePort(), sandboxPort: taken, embeddedDbPort: await freePort() },
		{
			n8n: false,
			demo: false,
		},
	);
	try {
		expect(s.problems).toEqual([
			{ part: 'sandbox', problem: expect.stringMatching(/EADDRINUSE/), log: expect.stringContaining('terminal'), retry: RETRY.sandbox },
		]);
		expect(lines.join('\n')).toMatch(/sandbox: FAILED to start/);
		// The gateway still points at the port a retried sandbox will take.
		expect(s.sandboxUrl).toBe(`http://127.0.0.1:${taken}`);
		expect((await fetch(`${s.appUrl}/healthz`)).status).toBe(200);
		expect(s.firstLogin).toMatchObject({ username: 'admin', created: true });
		const run = JSON.parse(fs.readFileSync(path.join(dataDir, RUN_FILE), 'utf8'));
		expect(run).toMatchObject({ pid: process.pid, appUrl: s.appUrl, sandboxPort: taken, dbUrl: s.dbUrl });
	} finally {
		await s.stop();
		blocker.close();
	}
	expect(fs.existsSync(path.join(dataDir, RUN_FILE))).toBe(false);
	fs.rmSync(dataDir, { recursive: true, force: true });
}, 120000);
