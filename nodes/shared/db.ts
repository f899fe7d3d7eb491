import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IExecuteFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import { openPostgres, type Db } from '../../core/db';

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
 * this stays safe with several queue-mode workers (each has its own).
 */
const pools = new Map<string, Db>();

export function dbFromCredential(c: ICredentialDataDecryptedObject): Db {
	const { url, ssl } = credentialUrl(c);
	let db = pools.get(url);
	if (!db) {
		db = openPostgres({ url, max: 4, ssl });
		pools.set(url, db);
	}
	return db;
}

export async function getDb(ctx: IExecuteFunctions): Promise<Db> {
	const c = await ctx.getCredentials('mitanDatabaseApi');
	return dbFromCredential(c);
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
		const [r] = await db.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'schema_migrations'`,
		);
		if (r.n === 0)
			return {
				status: 'Error',
				message: 'Connected, but the Police Mitan tables are missing: run `npm run migrate` (or `npm start`) first',
			};
		return { status: 'OK', message: 'Connection successful' };
	} catch (e) {
		return { status: 'Error', message: (e as Error).message };
	} finally {
		await db.close();
	}
}
