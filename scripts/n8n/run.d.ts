import type { ChildProcess } from 'child_process';
import type { N8nPaths } from './install';
export { ensureN8n, n8nPaths } from './install';

export const PACKAGE_NAME: string;
/** packages/n8n-nodes-police-mitan, relative to the repository root. */
export const PACKAGE_DIR: string;
export type N8nDb =
	{ type: 'sqlite' } | { type: 'postgresdb'; host?: string; port?: number; database: string; user?: string; password?: string };
export interface N8nOwner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}
export interface N8nProcess {
	name: string;
	kind: 'start' | 'worker';
	child: ChildProcess;
	logFile: string;
	healthUrl: string;
	exited: { code: number | null; signal: string | null } | null;
}
export interface N8nInstanceOptions {
	paths?: N8nPaths;
	userFolder?: string;
	port: number;
	db?: N8nDb;
	encryptionKey?: string;
	queue?: { host?: string; port?: number; prefix?: string } | null;
	owner?: N8nOwner;
	env?: Record<string, string>;
	log?: (line: string) => void;
	logDir?: string;
	publicUrl?: string;
}
export class N8nInstance {
	constructor(opts: N8nInstanceOptions);
	readonly paths: N8nPaths;
	readonly userFolder: string;
	readonly port: number;
	readonly owner: N8nOwner;
	readonly publicUrl: string;
	readonly baseUrl: string;
	env(role?: string, extra?: Record<string, string>): NodeJS.ProcessEnv;
	cli(args: string[], opts?: { timeoutMs?: number }): Promise<string>;
	importCredentials(creds: unknown[]): Promise<string>;
	importWorkflows(workflows: unknown[]): Promise<string>;
	/** SQLite only: ids in n8n's database, and the nodes of the workflows in nodesOf. */
	inventory(opts?: { nodesOf?: string[] }): Promise<{
		workflows: { id: string; name: string; active: boolean }[];
		credentials: string[];
		nodes: Record<string, unknown[]>;
	}>;
	spawnProcess(kind: 'start' | 'worker', opts?: { name?: string; concurrency?: number; timeoutMs?: number }): Promise<N8nProcess>;
	start(opts?: { timeoutMs?: number }): Promise<N8nProcess>;
	worker(name: string, opts?: { concurrency?: number; timeoutMs?: number }): Promise<N8nProcess>;
	stop(opts?: { graceMs?: number }): Promise<void>;
	login(): Promise<string>;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	rest(method: string, path: string, body?: unknown): Promise<any>;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	publish(workflowId: string): Promise<any>;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	unpublish(workflowId: string): Promise<any>;
	webhook(pathSuffix: string, body?: unknown, method?: string, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
	logs(lines?: number): string;
	cleanup(): void;
}
export function freePort(): Promise<number>;
export function bcryptHash(password: string, paths?: N8nPaths): string;
/** `npm pack` of the repository's community package (packages/n8n-nodes-police-mitan). */
export function packRepo(repoRoot: string, destDir: string, opts?: { allowMissing?: boolean }): { tarball: string; missing: string[] };
export function installPackage(userFolder: string, tarball: string, opts?: { onlyPresent?: boolean }): string;
export function waitFor<T>(
	fn: () => T | Promise<T>,
	opts?: { timeoutMs?: number; intervalMs?: number; describe?: (last: T | undefined) => string | Promise<string> },
): Promise<NonNullable<T>>;
export function sleep(ms: number): Promise<void>;
export function tail(file: string, lines?: number): string;
