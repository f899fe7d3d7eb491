/**
 * The n8n install on a hostile machine (issue 13): run from `npm start`, npm hands the project's
 * `ignore-scripts=true` to every child as npm_config_ignore_scripts; a fresh install built no
 * SQLite binding, was marked complete anyway and every later start trusted it. Here a copy of
 * the cached install is put in exactly that state (marker present, sqlite3 never built) and
 * install.js runs with that variable set: it must find the broken binding, rebuild it, and leave
 * an n8n that opens its SQLite database under Node 24.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { n8nPaths, verifyNative } from '../../scripts/n8n/install';
import { REPO_ROOT } from '../helpers/n8n';

/** Hard links for the 1.3 GB of packages; real copies of what a rebuild writes into. */
function cloneInstall(from: string, to: string): void {
	fs.mkdirSync(to, { recursive: true });
	const r = spawnSync('cp', ['-al', from, to], { encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`cp -al failed: ${r.stderr}`);
	const root = path.join(to, path.basename(from));
	const sqlite = path.join(root, 'node_modules', 'sqlite3');
	fs.rmSync(sqlite, { recursive: true, force: true });
	fs.cpSync(path.join(from, 'node_modules', 'sqlite3'), sqlite, { recursive: true });
	for (const f of ['package.json', 'package-lock.json', '.npmrc', path.join('node_modules', '.package-lock.json')]) {
		const src = path.join(from, f);
		const dst = path.join(root, f);
		if (fs.existsSync(src)) {
			fs.rmSync(dst, { force: true });
			fs.copyFileSync(src, dst);
		}
	}
	// What an install with scripts switched off leaves: the sources, no compiled binding.
	fs.rmSync(path.join(sqlite, 'build'), { recursive: true, force: true });
	fs.rmSync(path.join(sqlite, 'lib', 'binding'), { recursive: true, force: true });
}

describe('n8n install, run as npm start runs it (npm_config_ignore_scripts=true)', () => {
	const cached = n8nPaths();
	const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-install-'));
	const env = { ...process.env, MITAN_CACHE_DIR: cacheDir };
	afterAll(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

	test('a cached install whose SQLite binding was never built is found, repaired, and opens SQLite', async () => {
		cloneInstall(cached.root, cacheDir);
		const broken = await verifyNative(env);
		expect(broken.ok).toBe(false);
		expect(broken.error).toMatch(/^sqlite3: /);

		const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/n8n/install.js')], {
			env: { ...env, npm_config_ignore_scripts: 'true', npm_config_user_agent: 'npm/11 node/v20' },
			encoding: 'utf8',
			timeout: 600_000,
		});
		expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
		expect(r.stdout).toMatch(/fails its check under Node 24 \(sqlite3: .*\); repairing it/);
		expect(r.stdout).toMatch(/\[2\/3\] Building sqlite3 for Node 24/);
		expect(r.stdout).toMatch(/n8n 2\.\d+\.\d+ repaired in \d+ s\./);

		const fixed = await verifyNative(env);
		expect(fixed).toMatchObject({ ok: true, node: expect.stringMatching(/^v24\./), sqlite: expect.stringMatching(/^3\./) });
		const marker = JSON.parse(fs.readFileSync(n8nPaths(env).marker, 'utf8'));
		expect(marker).toMatchObject({ repaired: true, verified: { sqlite: fixed.sqlite } });

		// n8n itself, on its default SQLite database in a fresh user folder: the command that failed
		// five times on the fresh machine ("SQLite package has not been found installed").
		const p = n8nPaths(env);
		const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-n8n-sqlite-'));
		const out = path.join(userFolder, 'export');
		const n8n = spawnSync(p.nodeBin, [p.n8nBin, 'export:workflow', '--all', `--output=${out}`], {
			env: { PATH: `${p.nodeBinDir}:${process.env.PATH}`, HOME: userFolder, N8N_USER_FOLDER: userFolder, DB_TYPE: 'sqlite' },
			encoding: 'utf8',
			timeout: 180_000,
		});
		fs.rmSync(userFolder, { recursive: true, force: true });
		expect(`${n8n.stdout}\n${n8n.stderr}`).not.toMatch(/SQLite package has not been found/);
		expect(`${n8n.stdout}\n${n8n.stderr}`).toMatch(/No workflows found/);
	});
});
