/**
 * The published artefact, tested as n8n will see it: `npm pack` of packages/n8n-nodes-police-mitan,
 * unpacked alone beside n8n-workflow (nothing else from this repository on the resolution path),
 * loaded with n8n's own PackageDirectoryLoader, and run in a workflow against an EMPTY database,
 * whose schema the nodes create on first use.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as os from 'os';
import * as path from 'path';
import type { ICredentialTestFunctions, INodeCredentialTestResult, INodeType } from 'n8n-workflow';
import { loadMigrations } from '../../core/db/migrate';
import { createTestDb, type TestDb } from '../helpers/db';
import { loadPackage, N8nHarness, PACKAGE_NAME, PACKAGE_ROOT, REPO_ROOT, type WorkflowJson } from '../helpers/n8n';

const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8'));

/** Every .js file of an unpacked package, relative to it. */
function jsFiles(dir: string, rel = ''): string[] {
	return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
		const p = path.join(rel, e.name);
		if (e.isDirectory()) return jsFiles(dir, p);
		return p.endsWith('.js') ? [p] : [];
	});
}

/** The dist/lib/core.js of the installed package, as n8n's loader required it (one instance). */
interface SharedLibrary {
	load(key: string): Record<string, unknown>;
	keys(): string[];
}

describe('packed tarball', () => {
	let dir: string;
	let installed: string;
	let t: TestDb;

	beforeAll(async () => {
		if (!fs.existsSync(path.join(PACKAGE_ROOT, pkg.n8n.nodes[0]))) {
			throw new Error('packages/n8n-nodes-police-mitan/dist is missing: run `npm run build` before this test (.ci/run does)');
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
		fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', 'n8n-workflow'), path.join(nm, 'n8n-workflow'), 'dir');
		// Empty: no migrations. The nodes must create the schema themselves.
		t = await createTestDb('pglite', { migrate: false });
	});
	afterAll(async () => {
		if (installed) await (lib().load('nodes/shared/db.ts').closeAllPools as () => Promise<void>)();
		await t?.drop();
	});

	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const lib = (): SharedLibrary => require(path.join(installed, 'dist/lib/core.js')) as SharedLibrary;

	test('holds dist/, LICENSE and README; every listed file; the migrations; no runtime dependencies', () => {
		const p = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
		expect(p.dependencies ?? {}).toEqual({});
		expect(p.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(p.license).toBe('MIT');
		for (const f of [...p.n8n.nodes, ...p.n8n.credentials]) expect(fs.existsSync(path.join(installed, f))).toBe(true);
		expect(fs.readdirSync(installed).sort()).toEqual(['LICENSE', 'README.md', 'dist', 'package.json']);
		expect(fs.readFileSync(path.join(installed, 'LICENSE'), 'utf8')).toBe(fs.readFileSync(path.join(REPO_ROOT, 'LICENSE'), 'utf8'));
		expect(fs.readdirSync(path.join(installed, 'dist')).sort()).toEqual(['credentials', 'lib', 'nodes']);
		// The same files, byte for byte, as the server's: one set of migrations, whoever applies them.
		const shipped = loadMigrations(path.join(installed, 'dist/lib/migrations'));
		expect(shipped.map((m) => [m.name, m.checksum])).toEqual(loadMigrations().map((m) => [m.name, m.checksum]));
	});

	test('every file requires only node built-ins, n8n-workflow and the shared library', () => {
		const allowed = new Set([...builtinModules, 'n8n-workflow']);
		for (const f of jsFiles(installed)) {
			const src = fs.readFileSync(path.join(installed, f), 'utf8');
			const required = [...src.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
			const unexpected = required.filter((r) => {
				if (r.startsWith('.')) return path.resolve(path.dirname(path.join(installed, f)), r) !== path.join(installed, 'dist/lib/core.js');
				return !allowed.has(r.replace(/^node:/, '').split('/')[0]);
			});
			expect({ file: f, unexpected }).toEqual({ file: f, unexpected: [] });
		}
	});

	test('core is bundled once: postgres.js, libphonenumber and MitanError live only in dist/lib/core.js', () => {
		const files = jsFiles(installed);
		const holding = (marker: string) => files.filter((f) => fs.readFileSync(path.join(installed, f), 'utf8').includes(marker));
		expect(holding('MAX_PARAMETERS_EXCEEDED')).toEqual(['dist/lib/core.js']); // postgres.js
		expect(holding('country_calling_codes')).toEqual(['dist/lib/core.js']); // libphonenumber metadata
		expect(holding('"MitanError"')).toEqual(['dist/lib/core.js']);
		for (const f of pkg.n8n.nodes) expect(fs.readFileSync(path.join(installed, f), 'utf8')).toContain('require("../../lib/core.js")');
	});

	test("n8n's loader loads every node; on an empty database the nodes create the schema; two node bundles share one pool", async () => {
		const types = await loadPackage(installed);
		const names = Object.keys(types).sort();
		const expected = pkg.n8n.nodes.map((n: string) => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const mod = require(path.join(installed, n));
			const cls = Object.values(mod)[0] as new () => { description: { name: string } };
			return `${PACKAGE_NAME}.${new cls().description.name}`;
		});
		expect(names).toEqual(expect.arrayContaining(expected));

		const roster = types[`${PACKAGE_NAME}.mitanRoster`] as INodeType;
		const credentialTest = () =>
			(
				roster.methods!.credentialTest!.mitanDatabaseConnectionTest as (this: unknown, c: unknown) => Promise<INodeCredentialTestResult>
			).call({} as ICredentialTestFunctions, { id: '1', name: 'db', type: 'mitanDatabaseApi', data: { connectBy: 'url', url: t.url } });
		const before = await credentialTest();
		expect(before).toEqual({
			status: 'OK',
			message: `Connected. The database has no Police Mitan tables yet: the nodes will create them (${loadMigrations().length} migrations) on first use.`,
		});

		const h = new N8nHarness({ nodeTypes: types, credentials: { mitanDatabaseApi: { connectBy: 'url', url: t.url } } });
		const credentials = { mitanDatabaseApi: { id: '1', name: 'db' } };
		const wf: WorkflowJson = {
			name: 'from tarball',
			nodes: [
				{
					id: '1',
					name: 'Roster',
					type: `${PACKAGE_NAME}.mitanRoster`,
					typeVersion: 1,
					position: [0, 0],
					parameters: { resource: 'subscriber', operation: 'upsert', phone: '098765 43219', consentSource: 'pack test' },
					credentials,
				},
				{
					id: '2',
					name: 'Complaints',
					type: `${PACKAGE_NAME}.mitanComplaint`,
					typeVersion: 1,
					position: [200, 0],
					parameters: { operation: 'list' },
					credentials,
					alwaysOutputData: true,
				},
			],
			connections: { Roster: { main: [[{ node: 'Complaints', type: 'main', index: 0 }]] } },
		};
		const r = await h.run(wf, {});
		expect(r.status).toBe('success');
		expect(r.output('Roster')[0]).toMatchObject({ outcome: 'inserted', phone: '+919876543219' });
		expect(r.output('Complaints')).toEqual([{}]);
		const [row] = await t.db.query<{ consent_source: string }>(`SELECT consent_source FROM subscribers WHERE phone = '+919876543219'`);
		expect(row.consent_source).toBe('pack test');
		const applied = await t.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
		expect(applied.map((a) => a.version)).toEqual(loadMigrations().map((m) => m.version));

		// Roster's bundle and Complaint's bundle ran against one credential: one pool in the process.
		expect((lib().load('nodes/shared/db.ts').poolCount as () => number)()).toBe(1);
		const after = await credentialTest();
		expect(after).toEqual({
			status: 'OK',
			message: `Connected. The Police Mitan schema is up to date (${loadMigrations().length} migrations).`,
		});
	});
});
