import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MitanError } from '../core/errors';

/**
 * n8n for `npm start`: the pinned n8n 2.x from the machine's cache (installed on first use, with
 * progress), on its default SQLite database in the data folder (no server needed), with this
 * package installed from its `npm pack` tarball, the sandbox credentials and the exported
 * workflows imported, and the owner account created from fixed demo values.
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
	/** Publish (activate) the workflows; failures are reported, not fatal. Default true. */
	publish?: boolean;
}

export interface StartedN8n {
	url: string;
	owner: { email: string; password: string };
	workflows: { id: string; name: string; published: boolean; problem?: string }[];
	stop(): Promise<void>;
}

/** The n8n owner of `npm start`'s instance; the password is made per data folder (see below). */
export const OWNER_IDENTITY = { email: 'cybercell@mitan.local', firstName: 'Cyber', lastName: 'Cell' };

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

export async function startN8n(opts: StartN8nOptions): Promise<StartedN8n> {
	const log = opts.onProgress ?? (() => undefined);
	const run = load<RunModule>('scripts/n8n/run.js');
	const { sandboxCredentials } = load<CredModule>('scripts/n8n/credentials.js');
	const root = repoRoot();

	log('n8n: checking the n8n install (first use downloads n8n 2.40.7 and Node 24, about 5-8 minutes)…');
	const paths = await run.ensureN8n({ log: (m) => log(`n8n install: ${m}`) });

	const userFolder = path.join(opts.dataDir, 'n8n');
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
		log,
	});

	log('n8n: installing the Police Mitan nodes into n8n…');
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-pack-'));
	try {
		const { tarball } = run.packRepo(root, packDir);
		run.installPackage(userFolder, tarball);
	} finally {
		fs.rmSync(packDir, { recursive: true, force: true });
	}

	log('n8n: importing the sandbox credentials and the workflows…');
	const dbUrl = opts.dbUrl ?? 'postgres://postgres@127.0.0.1:5433/postgres';
	const sandboxUrl = opts.sandboxUrl ?? 'http://127.0.0.1:3900';
	await n8n.importCredentials(sandboxCredentials({ dbUrl, sandboxUrl }));
	const workflows = WORKFLOW_FILES.map(
		(f) => JSON.parse(fs.readFileSync(path.join(root, 'workflows', f), 'utf8')) as { id: string; name: string },
	);
	await n8n.importWorkflows(workflows);

	log(`n8n: starting on port ${opts.port}…`);
	await n8n.start();
	const result: StartedN8n['workflows'] = [];
	for (const w of workflows) {
		if (opts.publish === false) {
			result.push({ id: w.id, name: w.name, published: false });
			continue;
		}
		try {
			await n8n.publish(w.id);
			result.push({ id: w.id, name: w.name, published: true });
		} catch (e) {
			result.push({ id: w.id, name: w.name, published: false, problem: (e as Error).message });
			log(`n8n: "${w.name}" imported but not published: ${(e as Error).message}`);
		}
	}
	return {
		url: `http://localhost:${opts.port}`,
		owner: { email: owner.email, password: owner.password },
		workflows: result,
		stop: () => n8n.stop(),
	};
}
