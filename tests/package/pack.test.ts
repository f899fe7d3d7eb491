/**
 * The published artefact, tested as n8n will see it: `npm pack`, unpacked alone beside
 * n8n-workflow (nothing else from this repository on the resolution path), loaded with n8n's
 * own PackageDirectoryLoader, and run in a workflow.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as os from 'os';
import * as path from 'path';
import { closeAllPools } from '../../nodes/shared/db';
import { createTestDb, type TestDb } from '../helpers/db';
import { loadPackage, N8nHarness, PACKAGE_NAME, PACKAGE_ROOT } from '../helpers/n8n';

const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8'));

describe('packed tarball', () => {
	let dir: string;
	let installed: string;
	let t: TestDb;

	beforeAll(async () => {
		if (!fs.existsSync(path.join(PACKAGE_ROOT, pkg.n8n.nodes[0]))) {
			throw new Error('dist/ is missing: run `npm run build` before this test (.ci/run does)');
		}
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-pack-'));
		const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
			cwd: PACKAGE_ROOT,
			encoding: 'utf8',
		});
		const tarball = path.join(dir, JSON.parse(out)[0].filename);
		const nm = path.join(dir, 'node_modules');
		fs.mkdirSync(nm);
		execFileSync('tar', ['-xzf', tarball, '-C', nm]);
		installed = path.join(nm, PACKAGE_NAME);
		fs.renameSync(path.join(nm, 'package'), installed);
		fs.symlinkSync(path.join(PACKAGE_ROOT, 'node_modules', 'n8n-workflow'), path.join(nm, 'n8n-workflow'), 'dir');
		t = await createTestDb('pglite');
	});
	afterAll(async () => {
		await closeAllPools();
		await t?.drop();
	});

	test('holds only dist/nodes and dist/credentials, every listed file, no runtime dependencies', () => {
		const p = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
		expect(p.dependencies ?? {}).toEqual({});
		expect(p.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		for (const f of [...p.n8n.nodes, ...p.n8n.credentials]) expect(fs.existsSync(path.join(installed, f))).toBe(true);
		const top = fs.readdirSync(path.join(installed, 'dist')).sort();
		expect(top).toEqual(['credentials', 'nodes']);
	});

	test('bundles require nothing but node built-ins and n8n-workflow on their load path', () => {
		const allowed = new Set([...builtinModules, 'n8n-workflow']);
		for (const f of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			const src = fs.readFileSync(path.join(installed, f), 'utf8');
			const required = [...src.matchAll(/require\("([^"./][^"]*)"\)/g)].map((m) => m[1].replace(/^node:/, '').split('/')[0]);
			// The embedded engine, image conversion and express are external but only behind code
			// paths a node never takes (they belong to the gateway / CLI process).
			const lazyOnly = new Set(['@electric-sql', 'sharp', 'express']);
			const unexpected = required.filter((r) => !allowed.has(r) && !lazyOnly.has(r));
			expect({ file: f, unexpected }).toEqual({ file: f, unexpected: [] });
		}
	});

	test("n8n's loader loads every node and credential; the Roster node runs from the tarball", async () => {
		const types = await loadPackage(installed);
		const names = Object.keys(types).sort();
		const expected = pkg.n8n.nodes.map((n: string) => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const mod = require(path.join(installed, n));
			const cls = Object.values(mod)[0] as new () => { description: { name: string } };
			return `${PACKAGE_NAME}.${new cls().description.name}`;
		});
		expect(names).toEqual(expect.arrayContaining(expected));
		const h = new N8nHarness({ nodeTypes: types, credentials: { mitanDatabaseApi: { connectBy: 'url', url: t.url } } });
		const r = await h.run(
			{
				name: 'from tarball',
				nodes: [
					{
						id: '1',
						name: 'Roster',
						type: `${PACKAGE_NAME}.mitanRoster`,
						typeVersion: 1,
						position: [0, 0],
						parameters: {
							resource: 'subscriber',
							operation: 'upsert',
							phone: '098765 43219',
							consentSource: 'pack test',
						},
						credentials: { mitanDatabaseApi: { id: '1', name: 'db' } },
					},
				],
				connections: {},
			},
			{},
		);
		expect(r.status).toBe('success');
		expect(r.output('Roster')[0]).toMatchObject({ outcome: 'inserted', phone: '+919876543219' });
		const [row] = await t.db.query(`SELECT consent_source FROM subscribers WHERE phone = '+919876543219'`);
		expect(row.consent_source).toBe('pack test');
	});
});
