/**
 * The package on its own, as a user who already runs n8n gets it: a real n8n 2.x (PostgreSQL)
 * installs n8n-nodes-police-mitan through its own Community Nodes install (the REST call behind
 * Settings → Community nodes → Install; its npm reaches a local registry serving our `npm pack`
 * tarball, see ./registry.ts), and a workflow of Mitan Roster nodes runs against an EMPTY
 * Police Mitan database: the nodes create the schema on first use. No gateway, no
 * `mitan migrate`, no sandbox.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadMigrations } from '../../core/db/migrate';
import { openPostgres, type Db } from '../../core/db';
import { CREDENTIALS } from '../../scripts/n8n/credentials';
import { ensureN8n } from '../../scripts/n8n/install';
import { freePort, N8nInstance, PACKAGE_NAME, packRepo } from '../../scripts/n8n/run';
import { createPgDatabase, n8nDatabase } from '../helpers/db';
import { nodeType, REPO_ROOT, type WorkflowJson } from '../helpers/n8n';
import { npmRedirect, serveTarball, type Registry } from './registry';
import { callWebhook } from './fixture';

const WF = 'TestFirstUse0001';

/** Webhook {phone} → Mitan Roster upsert → Mitan Roster count by status (the webhook's answer). */
function firstUseWorkflow(): WorkflowJson {
	const credentials = { mitanDatabaseApi: CREDENTIALS.mitanDatabaseApi };
	return {
		id: WF,
		name: 'test: roster on an empty database',
		settings: { timezone: 'Asia/Kolkata', executionOrder: 'v1' },
		nodes: [
			{
				id: 'f-h',
				name: 'Hook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `${WF}-hook`,
				parameters: { httpMethod: 'POST', path: 'first-use', responseMode: 'lastNode', options: {} },
			},
			{
				id: 'f-u',
				name: 'Add',
				type: nodeType('mitanRoster'),
				typeVersion: 1,
				position: [220, 0],
				credentials,
				parameters: { resource: 'subscriber', operation: 'upsert', phone: '={{ $json.body.phone }}', consentSource: 'community test' },
			},
			{
				id: 'f-c',
				name: 'Count',
				type: nodeType('mitanRoster'),
				typeVersion: 1,
				position: [440, 0],
				credentials,
				executeOnce: true,
				parameters: { resource: 'roster', operation: 'count', dimension: 'status' },
			},
		],
		connections: {
			Hook: { main: [[{ node: 'Add', type: 'main', index: 0 }]] },
			Add: { main: [[{ node: 'Count', type: 'main', index: 0 }]] },
		},
	} as WorkflowJson;
}

describe('real n8n: installed from the Community Nodes screen, on an empty database', () => {
	const cleanups: Array<() => Promise<void> | void> = [];
	let n8n: N8nInstance;
	let registry: Registry;
	let mitan: Db;

	beforeAll(async () => {
		const paths = await ensureN8n({ log: (m) => console.log(m) });
		const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-pack-'));
		cleanups.push(() => fs.rmSync(packDir, { recursive: true, force: true }));
		const { tarball } = packRepo(REPO_ROOT, packDir);
		registry = await serveTarball(tarball);
		cleanups.push(() => registry.close());

		// Created, never migrated.
		const mitanPg = await createPgDatabase('mitan_n8n_empty');
		cleanups.push(() => mitanPg.drop());
		mitan = openPostgres({ url: mitanPg.url, max: 2 });
		cleanups.push(() => mitan.close());
		const n8nPg = await createPgDatabase('mitan_n8n_engine');
		cleanups.push(() => n8nPg.drop());
		n8n = new N8nInstance({
			paths,
			port: await freePort(),
			db: n8nDatabase(n8nPg.url),
			env: {
				N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
				PATH: [npmRedirect(registry.url, packDir), paths.nodeBinDir, process.env.PATH].join(path.delimiter),
			},
			log: (m) => console.log(m),
		});
		cleanups.push(() => (process.env.MITAN_N8N_KEEP === '1' ? undefined : n8n.cleanup()));
		cleanups.push(() => n8n.stop());
		await n8n.importCredentials([
			{ ...CREDENTIALS.mitanDatabaseApi, type: 'mitanDatabaseApi', data: { connectBy: 'url', url: mitanPg.url } },
		]);
		await n8n.importWorkflows([firstUseWorkflow()]);
		await n8n.start();
	}, 300000);
	afterAll(async () => {
		for (const c of cleanups.reverse()) await Promise.resolve(c()).catch((e) => console.warn(`cleanup: ${(e as Error).message}`));
	});
	afterEach(() => {
		const state = expect.getState();
		if (state.assertionCalls !== state.numPassingAsserts) console.log(n8n?.logs(120));
	});

	test('n8n installs the package from the registry the way its Install button does, and loads every node', async () => {
		const installed = await n8n.rest('POST', '/community-packages', { name: PACKAGE_NAME });
		expect(installed).toMatchObject({ packageName: PACKAGE_NAME, installedVersion: expect.any(String) });
		const nodeNames = (installed.installedNodes as { type: string }[]).map((x) => x.type).sort();
		expect(nodeNames).toEqual(expect.arrayContaining([nodeType('mitanRoster'), nodeType('mitanTrigger'), nodeType('mitanBroadcast')]));
		// What n8n's own install left on disk: the ledger, and the package without its peer dependency.
		const nodesDir = path.join(n8n.userFolder, '.n8n', 'nodes');
		const ledger = JSON.parse(fs.readFileSync(path.join(nodesDir, 'package.json'), 'utf8'));
		expect(ledger.dependencies).toEqual({ [PACKAGE_NAME]: installed.installedVersion });
		const manifest = JSON.parse(fs.readFileSync(path.join(nodesDir, 'node_modules', PACKAGE_NAME, 'package.json'), 'utf8'));
		expect(manifest.peerDependencies).toBeUndefined();
		expect(fs.existsSync(path.join(nodesDir, 'node_modules', PACKAGE_NAME, 'dist/lib/migrations', loadMigrations()[0].name))).toBe(true);
		expect(registry.requests).toContain(`/${PACKAGE_NAME}/-/${PACKAGE_NAME}-${installed.installedVersion}.tgz`);
		const [t] = await mitan.query<{ present: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
		expect(t.present).toBe(false);
	});

	test('a published workflow runs on the empty database: the nodes create the schema once, even for concurrent first runs', async () => {
		await n8n.publish(WF);
		const [a, b] = await Promise.all([
			callWebhook({ n8n }, 'first-use', { phone: '098765 43210' }),
			callWebhook({ n8n }, 'first-use', { phone: '098765 43211' }),
		]);
		expect([a.status, b.status]).toEqual([200, 200]);
		const c = await callWebhook({ n8n }, 'first-use', { phone: '098765 43212' });
		expect(c.status).toBe(200);
		expect(JSON.parse(c.body)).toEqual({ status: 'active', count: 3 });
		const applied = await mitan.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
		expect(applied.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
		const rows = await mitan.query<{ phone: string; consent_source: string }>(
			'SELECT phone, consent_source FROM subscribers ORDER BY phone',
		);
		expect(rows).toEqual(['+919876543210', '+919876543211', '+919876543212'].map((phone) => ({ phone, consent_source: 'community test' })));
	});
});
