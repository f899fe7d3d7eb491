/**
 * `npm start` from the repository, as a new user runs it (issue 13 item 8): a fresh data folder
 * (MITAN_DATA_DIR) and free ports, the real npm script (so npm's exported configuration reaches
 * every child, as it did in the fresh-machine failure), then:
 * - the dashboard answers and the printed login, kept in a mode-600 file, opens it;
 * - n8n lists every exported workflow, active;
 * - Ctrl+C (SIGINT to the process group) stops everything, n8n included;
 * - a second start (stopped with SIGTERM) imports nothing, keeps a district's edit to a workflow,
 *   and prints the same login, which still works;
 * - the staff registry is seeded with the placeholders on the first start; from an install that
 *   predates it, `mitan n8n update` carries the numbers typed into the old Settings nodes into it;
 * - a newer exported workflow is only reported until `mitan n8n update` applies it, and the next
 *   start publishes it again.
 * Needs the n8n install in the machine's cache (CI: `node scripts/n8n/install.js` first).
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WORKFLOW_FILES } from '../../cli/n8n';
import { openPglite } from '../../core/db';
import { N8nInstance, freePort, waitFor } from '../../scripts/n8n/run';
import { REPO_ROOT } from '../helpers/n8n';

interface Run {
	child: ChildProcess;
	out: () => string;
	exited: () => { code: number | null; signal: string | null } | null;
}

const READY = 'Police Mitan is running';

/** `npm start` (build, then start), or with `built` the start alone (`node dist/cli/mitan.js start`, the build already done). */
function npmStart(env: NodeJS.ProcessEnv, { built = false } = {}): Run {
	const [cmd, args] = built ? [process.execPath, ['dist/cli/mitan.js', 'start']] : ['npm', ['start', '--']];
	// Its own process group, like a terminal's foreground job: Ctrl+C reaches npm, node and n8n alike.
	const child = spawn(cmd, [...args, '--demo-citizens', '200', '--demo-days', '2'], {
		cwd: REPO_ROOT,
		env: { ...process.env, ...env },
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let out = '';
	let exited: { code: number | null; signal: string | null } | null = null;
	child.stdout!.on('data', (b) => (out += b));
	child.stderr!.on('data', (b) => (out += b));
	child.on('exit', (code, signal) => (exited = { code, signal }));
	return { child, out: () => out, exited: () => exited };
}

async function ready(run: Run): Promise<string> {
	await waitFor(() => run.out().includes('Press Ctrl+C') || run.exited(), {
		timeoutMs: 540000,
		describe: () => `"${READY}" from npm start; output so far:\n${run.out().slice(-4000)}`,
	});
	expect(run.exited()).toBeNull();
	expect(run.out()).toContain(READY);
	return run.out();
}

/** The end of n8n's own log in a data folder: what it was doing when it did not stop. */
function n8nLogTail(dataDir: string): string {
	const file = path.join(dataDir, 'n8n', 'logs', 'main.log');
	return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').slice(-3000) : '(no log)';
}

/**
 * Stops a start the way a terminal (SIGINT) or a service manager (SIGTERM) does: the signal to the
 * whole process group, then waits until the Police Mitan process and its n8n are gone. npm itself
 * may exit first, so the processes, not npm, are waited for.
 */
async function stop(run: Run, signal: 'SIGINT' | 'SIGTERM', runFile: string): Promise<void> {
	const mitanPid = (JSON.parse(fs.readFileSync(runFile, 'utf8')) as { pid: number }).pid;
	const n8nPid = Number(/n8n start "main" started \(pid (\d+)\)/.exec(run.out())![1]);
	expect(alive(mitanPid) && alive(n8nPid)).toBe(true);
	process.kill(-run.child.pid!, signal);
	await waitFor(() => run.exited() && !alive(mitanPid) && !alive(n8nPid), {
		timeoutMs: 60000,
		describe: () =>
			`Police Mitan (pid ${mitanPid}, ${alive(mitanPid) ? 'alive' : 'gone'}) and n8n (pid ${n8nPid}, ${alive(n8nPid) ? 'alive' : 'gone'}) ` +
			`to exit after ${signal}:\n${run.out().slice(-3000)}\nn8n's log:\n${n8nLogTail(path.dirname(runFile))}`,
	});
	// Its own stop ran (not a kill): the run file it removes on the way out is gone.
	expect(fs.existsSync(runFile)).toBe(false);
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/**
 * Signs in through the dashboard's real form (login CSRF cookie + token). Resolves where the
 * password led: an admin's next step is the second factor (/login/totp, issue 18), so a right
 * password is a 303 there, a wrong one is not.
 */
async function dashboardLogin(appUrl: string, username: string, password: string): Promise<string> {
	const page = await fetch(`${appUrl}/login`);
	const cookie = page.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.join('; ');
	const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
	const r = await fetch(`${appUrl}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
		body: new URLSearchParams({ _csrf: token, username, password, next: '/' }).toString(),
	});
	return r.status === 303 ? (r.headers.get('location') ?? '') : `HTTP ${r.status}`;
}

const EXPORTED = WORKFLOW_FILES.map(
	(f) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'workflows', f), 'utf8')) as { id: string; name: string },
);

describe('npm start on a fresh data folder, then again', () => {
	let dataDir: string;
	let env: NodeJS.ProcessEnv;
	const runs: Run[] = [];
	beforeAll(async () => {
		dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-start-'));
		// Chosen once and kept: n8n's credentials, imported on the first start, point at these.
		env = {
			MITAN_DATA_DIR: dataDir,
			PORT: String(await freePort()),
			SANDBOX_PORT: String(await freePort()),
			MITAN_DB_PORT: String(await freePort()),
			MITAN_N8N_PORT: String(await freePort()),
		};
	});
	afterAll(() => {
		for (const r of runs) if (!r.exited()) process.kill(-r.child.pid!, 'SIGKILL');
		fs.rmSync(dataDir, { recursive: true, force: true });
	});

	let login: { username: string; password: string };
	let owner: { email: string; password: string };
	let apiKey: string;
	const appUrl = () => `http://127.0.0.1:${env.PORT}`;
	const n8nApi = () =>
		new N8nInstance({
			port: Number(env.MITAN_N8N_PORT),
			userFolder: path.join(dataDir, 'n8n'),
			owner: { ...owner, firstName: 'C', lastName: 'C' },
		});

	test('first start: dashboard, the printed login (kept mode 600), every exported workflow active in n8n; Ctrl+C stops it all', async () => {
		const run = npmStart(env);
		runs.push(run);
		const out = await ready(run);
		const m = /dashboard login\s+(\S+) \/ (\S+)\s+\(kept in (\S+) /.exec(out);
		expect(m).not.toBeNull();
		login = { username: m![1], password: m![2] };
		expect(m![3]).toBe(path.join(dataDir, 'first-admin.password'));
		expect(fs.statSync(m![3]).mode & 0o777).toBe(0o600);
		const o = /n8n\s+http:\/\/localhost:\d+\s+\((\S+) \/ ([^,\s]+),/.exec(out);
		expect(o).not.toBeNull();
		owner = { email: o![1], password: o![2] };
		expect(out).toContain('importing the workflows it does not have yet');
		expect(out).toContain('staff registry: 5 placeholder number(s) for the roles nobody holds yet');

		expect((await fetch(`${appUrl()}/healthz`)).status).toBe(200);
		expect(await dashboardLogin(appUrl(), login.username, login.password)).toMatch(/^\/login\/totp/);
		expect(await dashboardLogin(appUrl(), login.username, 'wrong-password-123')).not.toMatch(/^\/login\/totp/);

		const listed = (await n8nApi().rest('GET', '/workflows')) as { id: string; name: string; active: boolean }[];
		for (const w of EXPORTED) expect(listed.find((x) => x.id === w.id)).toMatchObject({ name: w.name, active: true });

		// A district's edit in n8n that a restart must keep.
		const api = n8nApi();
		const wf = (await api.rest('GET', `/workflows/${EXPORTED[0].id}`)) as { versionId: string };
		await api.rest('PATCH', `/workflows/${EXPORTED[0].id}`, { versionId: wf.versionId, name: 'Edited by the district' });

		// The erasure's key for n8n's public API (cli/n8n-api-key.ts): kept mode 600 beside n8n's
		// own files, accepted by n8n, handed to the gateway through its environment, never printed.
		const keyFile = path.join(dataDir, 'n8n', 'api.key');
		expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
		apiKey = fs.readFileSync(keyFile, 'utf8').trim();
		expect(apiKey).not.toBe('');
		expect(out).not.toContain(apiKey);
		const pub = await fetch(`http://127.0.0.1:${env.MITAN_N8N_PORT}/api/v1/executions?limit=1`, { headers: { 'X-N8N-API-KEY': apiKey } });
		expect(pub.status).toBe(200);

		await stop(run, 'SIGINT', path.join(dataDir, 'run.json'));
		// The login outlives the process: it is in the data folder.
		expect(fs.readFileSync(path.join(dataDir, 'first-admin.password'), 'utf8')).toBe(`${login.username}\n${login.password}\n`);
	}, 600000);

	test('second start: nothing imported again, the edit kept, the same login still valid; SIGTERM stops it', async () => {
		expect(login).toBeDefined();
		const record = fs.readFileSync(path.join(dataDir, 'n8n', 'mitan-imports.json'), 'utf8');
		const run = npmStart(env);
		runs.push(run);
		const out = await ready(run);
		expect(out).not.toMatch(/importing the (sandbox credentials|workflows)/);
		expect(out).not.toContain('an updated workflow is available');
		expect(out).toContain(`dashboard login       ${login.username} / ${login.password}`);
		expect(fs.readFileSync(path.join(dataDir, 'n8n', 'mitan-imports.json'), 'utf8')).toBe(record);
		expect(await dashboardLogin(appUrl(), login.username, login.password)).toMatch(/^\/login\/totp/);

		const listed = (await n8nApi().rest('GET', '/workflows')) as { id: string; name: string; active: boolean }[];
		expect(listed.find((x) => x.id === EXPORTED[0].id)).toMatchObject({ name: 'Edited by the district', active: true });
		// n8n still accepts the kept key, so none is made again.
		expect(fs.readFileSync(path.join(dataDir, 'n8n', 'api.key'), 'utf8').trim()).toBe(apiKey);
		for (const w of EXPORTED.slice(1)) expect(listed.find((x) => x.id === w.id)).toMatchObject({ name: w.name, active: true });

		await stop(run, 'SIGTERM', path.join(dataDir, 'run.json'));
	}, 600000);

	test('upgrade from before the staff registry: `mitan n8n update` carries the typed Settings numbers into the registry, applies the newer workflow; the next start publishes it', async () => {
		expect(login).toBeDefined();
		const broadcast = EXPORTED.find((w) => w.id === 'MitanBroadcast01')!;
		// As after a `git pull` that brought a new daily-broadcast.json: the file differs from what was imported.
		const recordFile = path.join(dataDir, 'n8n', 'mitan-imports.json');
		const record = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
		record.workflows[broadcast.id].hash = 'the hash of the version imported earlier';
		fs.writeFileSync(recordFile, JSON.stringify(record));

		let run = npmStart(env, { built: true });
		runs.push(run);
		let out = await ready(run);
		expect(out).toContain(`an updated workflow is available: "${broadcast.name}" (workflows/daily-broadcast.json)`);
		expect(out).toContain('npm run n8n:update');
		// The installed version is one from before the registry: its own Settings node, where the
		// district had typed its cyber cell number.
		const api = n8nApi();
		const live = (await api.rest('GET', `/workflows/${broadcast.id}`)) as {
			versionId: string;
			nodes: any[];
			connections: unknown;
			name: string;
		};
		const settings = {
			// n8n refuses two nodes with one id: the shipped "Staff numbers" node holds b-2 now.
			id: 'b-settings-old',
			name: 'Settings',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [200, 200],
			parameters: {
				mode: 'manual',
				assignments: {
					assignments: [
						{ id: 's1', name: 'cyberCellPhone', type: 'string', value: '+919876543210' },
						{ id: 's2', name: 'dutyOfficerPhone', type: 'string', value: '+910000000002' },
					],
				},
				includeOtherFields: true,
				options: {},
			},
		};
		live.name = 'Broadcast as the district runs it';
		await api.rest('PATCH', `/workflows/${broadcast.id}`, {
			versionId: live.versionId,
			nodes: [...live.nodes, settings],
			connections: live.connections,
			name: live.name,
		});
		await stop(run, 'SIGINT', path.join(dataDir, 'run.json'));
		// ...and the store one from before the registry was seeded (no seed row, nobody in it).
		const store = await openPglite(dataDir);
		await store.query('DELETE FROM staff_registry_seeds');
		await store.query('DELETE FROM staff_numbers');
		await store.close();

		const mitan = async (...args: string[]) => {
			const p = spawn(process.execPath, ['dist/cli/mitan.js', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
			let text = '';
			p.stdout.on('data', (b) => (text += b));
			p.stderr.on('data', (b) => (text += b));
			return { code: await new Promise<number | null>((resolve) => p.on('exit', resolve)), text };
		};
		const update = await mitan('n8n', 'update');
		expect(update).toEqual({ code: 0, text: expect.stringContaining(`updated "${broadcast.name}"`) });
		expect(update.text).toMatch(
			/staff registry: 1 number\(s\) carried over from the workflows' Settings nodes: \+91 98XXXXX210 \(cyber_cell, workflow "Broadcast as the district runs it", Settings field "cyberCellPhone"\)/,
		);
		expect(update.text).not.toContain('9876543210');
		const list = await mitan('staff', 'list', '--duty', 'cyber_cell');
		expect(list.text).toMatch(/^\+919876543210\s+cyber_cell\s+cyber cell staff \(from Broadcast as the district runs it\)$/m);

		run = npmStart(env, { built: true });
		runs.push(run);
		out = await ready(run);
		expect(out).not.toContain('an updated workflow is available');
		// Seeded once: this start carries nothing over again.
		expect(out).not.toContain('staff registry:');
		const after = (await n8nApi().rest('GET', `/workflows/${broadcast.id}`)) as { name: string; active: boolean; nodes: any[] };
		expect(after.name).toBe(broadcast.name);
		expect(after.active).toBe(true);
		expect(after.nodes.find((n) => n.name === 'Settings')).toBeUndefined();
		expect(after.nodes.find((n) => n.name === 'Staff numbers')).toMatchObject({
			parameters: { resource: 'staff', operation: 'getByRole' },
		});
		await stop(run, 'SIGTERM', path.join(dataDir, 'run.json'));
	}, 600000);
});
