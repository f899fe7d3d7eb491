import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SANDBOX_DEFAULT_PORT } from '../core/channels/api';
import { resolveConfig } from '../core/config';
import { suppressionKey } from '../core/erasure/key';
import { MitanError } from '../core/errors';
import type { InstalledSettings } from '../core/staff/seed';
import {
	installedSettings,
	planImport,
	readExported,
	readRecord,
	recordWorkflows,
	writeRecord,
	type ExportedWorkflow,
} from './n8n-imports';
import { erasureApiKey } from './n8n-api-key';
import type { N8nApiSettings } from '../core/erasure';

/**
 * n8n for `npm start`: the pinned n8n 2.x from the machine's cache (installed on first use, with
 * progress), on its default SQLite database in the data folder (no server needed), with this
 * package installed from its `npm pack` tarball, the sandbox credentials and the exported
 * workflows imported when n8n does not have them yet (./n8n-imports.ts), and the owner account
 * made from a password kept in the data folder.
 *
 * The n8n helpers live in scripts/n8n/*.js (plain Node, usable before any build); they are
 * required through the repository root found at run time, because this file runs both from
 * cli/ (ts-jest) and from dist/cli/ (npm start).
 */
type RunModule = typeof import('../scripts/n8n/run');
type CredModule = typeof import('../scripts/n8n/credentials');

export function repoRoot(from = __dirname): string {
	let dir = from;
	for (;;) {
		const pkg = path.join(dir, 'package.json');
		if (fs.existsSync(pkg) && fs.existsSync(path.join(dir, 'scripts', 'n8n', 'run.js'))) return dir;
		const up = path.dirname(dir);
		if (up === dir) throw new MitanError('CONFIG_INVALID', `cannot find the Police Mitan repository above ${from}`);
		dir = up;
	}
}

function load<T>(rel: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(path.join(repoRoot(), rel)) as T;
}

export const WORKFLOW_FILES = [
	'error-alert.json',
	'content-approval.json',
	'daily-broadcast.json',
	'reach-metrics.json',
	'complaint-intake.json',
];

export interface StartN8nOptions {
	/** Data folder of `npm start`; n8n keeps its SQLite database and settings in <dataDir>/n8n. */
	dataDir: string;
	port: number;
	/** The Police Mitan database the Mitan Database credential points at. */
	dbUrl?: string;
	/** Sandbox base URL for the WhatsApp / Meta / X credentials. */
	sandboxUrl?: string;
	onProgress?: (line: string) => void;
	/** Publish (activate) the workflows imported by this start; failures are reported, not fatal. Default true. */
	publish?: boolean;
	/** The approval webhook's bearer secret (MITAN_APPROVAL_WEBHOOK_TOKEN) for its Header Auth credential. */
	approvalToken?: string;
	/**
	 * Told what the installed workflows' "Settings" nodes hold (none on a fresh install), before
	 * anything is imported: the staff registry's one-time seed (core/staff/seed.ts).
	 */
	onInstalledSettings?: (installed: InstalledSettings[]) => Promise<void>;
}

export interface StartedN8n {
	url: string;
	owner: { email: string; password: string };
	/** Every exported workflow: imported by this start, or kept as n8n had it. */
	workflows: { id: string; name: string; imported: boolean; published: boolean; problem?: string }[];
	/** Credential ids this start imported (none on a restart). */
	importedCredentials: string[];
	/** Exported workflows newer than the ones in n8n: `mitan n8n update` applies them. */
	updates: { id: string; name: string; file: string }[];
	logFile: string;
	/** n8n's public API key for the erasure (./n8n-api-key.ts); absent when n8n would not make one (logged). */
	api?: N8nApiSettings;
	stop(): Promise<void>;
}

/** The n8n owner of `npm start`'s instance; the password is made per data folder (see below). */
export const OWNER_IDENTITY = { email: 'cybercell@mitan.local', firstName: 'Cyber', lastName: 'Cell' };

export const UPDATE_COMMAND = 'npm run n8n:update';

/** n8n's port for `npm start` and its commands: the one settings resolver's n8nPort. */
export function n8nPortFromEnv(env: NodeJS.ProcessEnv = process.env): number {
	return resolveConfig({}, env).n8nPort;
}

/**
 * The owner's password is generated on the first start and kept (mode 600) in the data folder,
 * like the encryption key: no password lives in the repository, and `npm start` prints it.
 */
function ownerPassword(userFolder: string): string {
	const file = path.join(userFolder, 'owner.password');
	// n8n wants 8+ characters with a digit and a capital letter.
	if (!fs.existsSync(file)) fs.writeFileSync(file, `Mitan-${randomBytes(9).toString('base64url')}-7Q`, { mode: 0o600 });
	return fs.readFileSync(file, 'utf8').trim();
}

/** Where n8n lives for a data folder: its user folder and the log of its main process. */
export function n8nFolders(dataDir: string): { userFolder: string; logFile: string } {
	const userFolder = path.join(dataDir, 'n8n');
	return { userFolder, logFile: path.join(userFolder, 'logs', 'main.log') };
}

/** The instance of a data folder (install checked, key and owner password made once), not started. */
async function instanceFor(opts: { dataDir: string; port: number; log: (l: string) => void }) {
	const run = load<RunModule>('scripts/n8n/run.js');
	opts.log('n8n: checking the n8n install (first use downloads n8n 2.40.7 and Node 24, about 5-8 minutes)…');
	const paths = await run.ensureN8n({ log: (m) => opts.log(`n8n install: ${m}`) });
	const { userFolder } = n8nFolders(opts.dataDir);
	fs.mkdirSync(userFolder, { recursive: true });
	// The key encrypts n8n's stored credentials: made once per data folder and kept.
	const keyFile = path.join(userFolder, 'encryption.key');
	if (!fs.existsSync(keyFile)) fs.writeFileSync(keyFile, randomBytes(24).toString('hex'), { mode: 0o600 });
	const encryptionKey = fs.readFileSync(keyFile, 'utf8').trim();
	const owner = { ...OWNER_IDENTITY, password: ownerPassword(userFolder) };
	const n8n = new run.N8nInstance({
		paths,
		userFolder,
		port: opts.port,
		db: { type: 'sqlite' },
		encryptionKey,
		owner,
		publicUrl: `http://localhost:${opts.port}`,
		log: opts.log,
		// The Roster node checks and fills the erasure suppression list with the gateway's key.
		env: { MITAN_SUPPRESSION_KEY: suppressionKey(opts.dataDir) },
	});
	return { run, n8n, owner, userFolder };
}

function exportedWorkflows(): ExportedWorkflow[] {
	return readExported(path.join(repoRoot(), 'workflows'), WORKFLOW_FILES);
}

export async function startN8n(opts: StartN8nOptions): Promise<StartedN8n> {
	const log = opts.onProgress ?? (() => undefined);
	const { run, n8n, owner, userFolder } = await instanceFor({ dataDir: opts.dataDir, port: opts.port, log });
	const { sandboxCredentials } = load<CredModule>('scripts/n8n/credentials.js');

	log('n8n: installing the Police Mitan nodes into n8n…');
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-pack-'));
	try {
		const { tarball } = run.packRepo(repoRoot(), packDir);
		run.installPackage(userFolder, tarball);
	} finally {
		fs.rmSync(packDir, { recursive: true, force: true });
	}

	const dbUrl = opts.dbUrl ?? 'postgres://postgres@127.0.0.1:5433/postgres';
	const sandboxUrl = opts.sandboxUrl ?? `http://127.0.0.1:${SANDBOX_DEFAULT_PORT}`;
	const creds = sandboxCredentials({ dbUrl, sandboxUrl, approvalToken: opts.approvalToken });
	const exported = exportedWorkflows();
	let record = readRecord(userFolder);
	// The nodes too (read-only SQLite, a fraction of a second): the Settings nodes the staff registry is seeded from.
	const inventory = await n8n.inventory({ nodesOf: exported.map((w) => w.id) });
	await opts.onInstalledSettings?.(installedSettings(inventory.workflows, inventory.nodes));
	const plan = planImport(
		exported,
		creds.map((c) => c.id),
		inventory,
		record,
	);
	const now = new Date();
	if (plan.credentials.length) {
		log(`n8n: importing the sandbox credentials it does not have yet (${plan.credentials.length})…`);
		await n8n.importCredentials(creds.filter((c) => plan.credentials.includes(c.id)));
		// Masked: the record is no secret store (the embedded database's password is in its URL).
		record = { ...record, credentials: { dbUrl: mask(dbUrl), sandboxUrl, at: now.toISOString() } };
	} else if (record.credentials && (record.credentials.dbUrl !== mask(dbUrl) || record.credentials.sandboxUrl !== sandboxUrl)) {
		// Never rewritten: the district may have put its real credentials in by now.
		log(
			`n8n: note: the credentials in n8n were made for database ${record.credentials.dbUrl} and sandbox ${record.credentials.sandboxUrl}; ` +
				`this start uses ${mask(dbUrl)} and ${sandboxUrl}. Edit "Mitan Database" / the channel credentials in n8n if they should follow.`,
		);
	}
	if (plan.workflows.length) {
		log(`n8n: importing the workflows it does not have yet: ${plan.workflows.map((w) => w.name).join(', ')}…`);
		await n8n.importWorkflows(plan.workflows.map((w) => w.json));
	}
	record = recordWorkflows(record, [...plan.workflows, ...plan.baseline], now);
	const toPublish = new Set([...plan.workflows.map((w) => w.id), ...(record.publishAtStart ?? [])]);
	record = { ...record, publishAtStart: [] };
	writeRecord(userFolder, record);
	for (const w of plan.updates)
		log(
			`n8n: an updated workflow is available: "${w.name}" (workflows/${w.file}); apply it with \`${UPDATE_COMMAND}\` (see docs/operator-guide.md)`,
		);

	log(`n8n: starting on port ${opts.port}…`);
	const main = await n8n.start();
	const result: StartedN8n['workflows'] = [];
	for (const w of exported) {
		const imported = plan.workflows.includes(w);
		if (opts.publish === false || !toPublish.has(w.id)) {
			result.push({ id: w.id, name: w.name, imported, published: false });
			continue;
		}
		try {
			await n8n.publish(w.id);
			result.push({ id: w.id, name: w.name, imported, published: true });
		} catch (e) {
			result.push({ id: w.id, name: w.name, imported, published: false, problem: (e as Error).message });
			log(`n8n: "${w.name}" imported but not published: ${(e as Error).message}`);
		}
	}
	let api: N8nApiSettings | undefined;
	try {
		api = await erasureApiKey(n8n, userFolder);
	} catch (e) {
		log(`n8n: no API key for the erasure (${(e as Error).message}): an erasure will say n8n's executions were not checked`);
	}
	return {
		url: `http://localhost:${opts.port}`,
		api,
		owner: { email: owner.email, password: owner.password },
		workflows: result,
		importedCredentials: plan.credentials,
		updates: plan.updates.map((w) => ({ id: w.id, name: w.name, file: w.file })),
		logFile: main.logFile,
		stop: () => n8n.stop(),
	};
}

const mask = (url: string) => url.replace(/\/\/([^:@/]*):[^@]*@/, '//$1:***@');

/**
 * `mitan n8n update`: puts the newer exported workflows into n8n. Their staff numbers come from the
 * staff registry: the installed versions' Settings values seed it first (`seedStaff`, once per
 * district, core/staff/seed.ts), so nothing a district typed is lost. n8n must be stopped: its CLI
 * import and a running n8n do not share one SQLite file safely, and a running n8n would keep serving the old version. n8n imports
 * a workflow inactive, so the ones that were active are published again by the next start.
 */
export async function updateN8nWorkflows(opts: {
	dataDir: string;
	port: number;
	only?: string[];
	log?: (line: string) => void;
	seedStaff?: (installed: InstalledSettings[]) => Promise<void>;
}): Promise<{ updated: string[]; upToDate: boolean }> {
	const log = opts.log ?? (() => undefined);
	const { n8n, userFolder } = await instanceFor({ dataDir: opts.dataDir, port: opts.port, log: () => undefined });
	if (await answers(`${n8n.baseUrl}/healthz`))
		throw new MitanError(
			'CONFIG_INVALID',
			`n8n is running on port ${opts.port}: stop Police Mitan (Ctrl+C in its terminal), run \`${UPDATE_COMMAND}\` again, then \`npm start\``,
		);
	let record = readRecord(userFolder);
	const exported = exportedWorkflows();
	const inv = await n8n.inventory({ nodesOf: exported.map((w) => w.id) });
	await opts.seedStaff?.(installedSettings(inv.workflows, inv.nodes));
	const plan = planImport(exported, [], inv, record);
	const chosen = plan.updates.filter((w) => !opts.only?.length || opts.only.some((o) => o === w.id || o === w.name || o === w.file));
	if (chosen.length === 0) {
		log(plan.updates.length ? 'no updated workflow matches that name' : 'every exported workflow in n8n is up to date');
		return { updated: [], upToDate: plan.updates.length === 0 };
	}
	await n8n.importWorkflows(chosen.map((w) => w.json));
	const wasActive = chosen.filter((w) => inv.workflows.find((x) => x.id === w.id)?.active).map((w) => w.id);
	record = recordWorkflows(record, chosen);
	record = { ...record, publishAtStart: [...new Set([...(record.publishAtStart ?? []), ...wasActive])] };
	writeRecord(userFolder, record);
	for (const w of chosen) log(`updated "${w.name}" from workflows/${w.file} (staff numbers: the staff registry, \`mitan staff list\`)`);
	return { updated: chosen.map((w) => w.name), upToDate: false };
}

async function answers(url: string): Promise<boolean> {
	try {
		await fetch(url, { signal: AbortSignal.timeout(1500) });
		return true;
	} catch {
		return false;
	}
}
