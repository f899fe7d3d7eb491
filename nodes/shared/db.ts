import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IExecuteFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import { migratingOnFirstUse, schemaStatus, type SchemaStatus } from '../../core/db/migrate';
import { resolveDistrict } from '../../core/districts';
import { openPostgres } from '../../core/db/postgres';
import type { Db } from '../../core/db/types';

/** Builds a postgres:// URL from the Mitan Database credential. */
export function credentialUrl(c: ICredentialDataDecryptedObject): { url: string; ssl: boolean } {
	if ((c.connectBy ?? 'url') === 'url') return { url: String(c.url ?? ''), ssl: /sslmode=require/.test(String(c.url ?? '')) };
	const enc = encodeURIComponent;
	const auth = c.password ? `${enc(String(c.user))}:${enc(String(c.password))}` : enc(String(c.user ?? 'postgres'));
	return { url: `postgres://${auth}@${c.host}:${c.port}/${enc(String(c.database))}`, ssl: c.ssl === true };
}

/**
 * One pool per connection URL per process: n8n runs a node once per execution, and opening a
 * pool each time would cost a TCP + auth handshake per run. Pools hold no workflow state, so
 * this stays safe with several queue-mode workers (each has its own). Every node shares this
 * map: the package build bundles this module once, into dist/lib/core.js.
 *
 * Each pool creates or upgrades the schema before its first statement (the migrations ship
 * inside the package), so the nodes work against an empty database with no setup step.
 */
const pools = new Map<string, Db>();

export function dbFromCredential(c: ICredentialDataDecryptedObject): Db {
	const { url, ssl } = credentialUrl(c);
	let db = pools.get(url);
	if (!db) {
		db = migratingOnFirstUse(openPostgres({ url, max: 4, ssl }));
		pools.set(url, db);
	}
	return db;
}

/** How many pools this process holds (one per database URL in use). */
export function poolCount(): number {
	return pools.size;
}

export async function getDb(ctx: IExecuteFunctions): Promise<Db> {
	const c = await ctx.getCredentials('mitanDatabaseApi');
	return dbFromCredential(c);
}

/**
 * The district a node works for: its own District ID option when it has one and it is set, else
 * the Mitan Database credential's District Code, else the installation's first district. Nodes
 * never read MITAN_DISTRICT (no process.env in nodes): the credential is its n8n counterpart.
 */
export async function districtIdFor(ctx: IExecuteFunctions, db: Db, given?: number | null): Promise<number> {
	if (typeof given === 'number' && given > 0) return given;
	const c = await ctx.getCredentials('mitanDatabaseApi');
	const code = typeof c.district === 'string' ? c.district : undefined;
	return (await resolveDistrict(db, code, 'Mitan Database credential: District Code')).id;
}

/** Closes every pool (tests, and a worker shutting down). */
export async function closeAllPools(): Promise<void> {
	const all = [...pools.values()];
	pools.clear();
	await Promise.all(all.map((d) => d.close()));
}

export async function mitanDatabaseConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const { url, ssl } = credentialUrl(credential.data ?? {});
	const db = openPostgres({ url, max: 1, ssl });
	try {
		return describeSchema(await schemaStatus(db));
	} catch (e) {
		return { status: 'Error', message: (e as Error).message };
	} finally {
		await db.close();
	}
}

/** The credential test's answer: whether the nodes can work with this database as it is. */
export function describeSchema(s: SchemaStatus): INodeCredentialTestResult {
	const list = (names: string[]) => names.map((n) => n.replace(/\.sql$/, '')).join(', ');
	if (s.edited.length) {
		return {
			status: 'Error',
			message: `Connected, but these migrations in this database differ from this package's: ${list(s.edited)}. The nodes will refuse to run; restore them, or install the package version that applied them.`,
		};
	}
	if (s.pending.length && !s.canCreate) {
		return {
			status: 'Error',
			message: `Connected, but this database user may not create tables, and ${s.pending.length} Police Mitan migrations are pending: grant it CREATE on the schema, or run \`mitan migrate\` once as the owner.`,
		};
	}
	const newer = s.unknown.length
		? ` It also has migrations this package does not know (${s.unknown.join(', ')}): update n8n-nodes-police-mitan.`
		: '';
	if (!s.present) {
		return {
			status: 'OK',
			message: `Connected. The database has no Police Mitan tables yet: the nodes will create them (${s.pending.length} migrations) on first use.`,
		};
	}
	if (s.pending.length) {
		return {
			status: 'OK',
			message: `Connected. The Police Mitan schema will be upgraded on first use (${s.pending.length} pending: ${list(s.pending)}).${newer}`,
		};
	}
	return { status: 'OK', message: `Connected. The Police Mitan schema is up to date (${s.applied} migrations).${newer}` };
}
