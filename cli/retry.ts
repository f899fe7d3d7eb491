import * as fs from 'fs';
import * as path from 'path';
import { resolveConfig } from '../core/config';
import { MitanError } from '../core/errors';
import { keptSecret } from '../core/kept-secret';
import { createSandbox } from '../sandbox/server';
import { sandboxConfig } from '../sandbox/config';
import { n8nPortFromEnv, startN8n, updateN8nWorkflows } from './n8n';
import { RUN_FILE, type RunFile } from './start';
import { seedStaffFromWorkflows } from './staff-seed';
import { openPostgres, type Db } from '../core/db';

/**
 * The retries `npm start` names when a part did not come up: each starts that part alone, in its
 * own process (this terminal; Ctrl+C stops it), joined to the running start through the run file
 * it wrote in the data folder (database URL, gateway, ports). The dashboard's banner goes away by
 * itself once the part answers.
 */
export function readRunFile(dataDir = resolveConfig().dataDir): RunFile {
	const file = path.join(dataDir, RUN_FILE);
	let run: RunFile;
	try {
		run = JSON.parse(fs.readFileSync(file, 'utf8')) as RunFile;
	} catch {
		throw new MitanError(
			'CONFIG_INVALID',
			`Police Mitan is not running with data folder ${dataDir} (no ${file}): start it with \`npm start\``,
		);
	}
	if (!alive(run.pid))
		throw new MitanError(
			'CONFIG_INVALID',
			`the Police Mitan start that wrote ${file} (pid ${run.pid}) has stopped: start it with \`npm start\``,
		);
	return run;
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

function untilSignal(): Promise<void> {
	return new Promise((resolve) => {
		process.once('SIGINT', resolve);
		process.once('SIGTERM', resolve);
	});
}

/** `mitan n8n start` (npm run n8n:retry). */
export async function retryN8n(out: (s: string) => void): Promise<number> {
	const run = readRunFile();
	const db = openPostgres({ url: run.dbUrl, max: 1 });
	const n8n = await startN8n({
		dataDir: run.dataDir,
		port: run.n8nPort,
		dbUrl: run.dbUrl,
		sandboxUrl: run.sandboxUrl || undefined,
		onProgress: (l) => out(`  ${l}`),
		// The seed `npm start` left for the start that reads n8n's workflows (its n8n had failed).
		onInstalledSettings: (installed) =>
			seedStaffFromWorkflows(db, installed, out).catch((e) => out(`staff registry: not seeded (${(e as Error).message})`)),
	}).finally(() => db.close());
	out(`n8n is running (n8n चालू है): ${n8n.url}  (${n8n.owner.email} / ${n8n.owner.password})`);
	out('Press Ctrl+C to stop n8n.');
	await untilSignal();
	await n8n.stop();
	return 0;
}

/** `mitan sandbox start` (npm run sandbox:retry): the sandbox on the port the running start expects. */
export async function retrySandbox(out: (s: string) => void): Promise<number> {
	const run = readRunFile();
	const cfg = sandboxConfig();
	// Training mode is the demo: the training templates are created through the sandbox's API and review.
	cfg.whatsapp.seedTemplates = true;
	cfg.webhook.callbackUrl = `${run.appUrl}/webhooks/whatsapp`;
	// The token the running start made (kept in the data folder), so its inspection links keep working.
	const token = resolveConfig().sandboxToken ?? keptSecret(run.dataDir, 'sandbox.token');
	const running = await createSandbox(cfg, { token }).start(run.sandboxPort, '127.0.0.1');
	out(`sandbox is running (अभ्यास मोड चालू है): ${running.url}`);
	out('Press Ctrl+C to stop the sandbox.');
	await untilSignal();
	await running.close();
	return 0;
}

/** `mitan n8n update [name…]` (npm run n8n:update): with Police Mitan stopped (the embedded store is then free to open). */
export async function updateWorkflows(db: Db, names: string[], out: (s: string) => void): Promise<number> {
	const config = resolveConfig();
	const r = await updateN8nWorkflows({
		dataDir: config.dataDir,
		port: n8nPortFromEnv(),
		only: names,
		log: out,
		// The updated workflows read their staff numbers from the registry: carry the installed Settings over first.
		seedStaff: (installed) => seedStaffFromWorkflows(db, installed, out),
	});
	if (r.updated.length) out('Start Police Mitan again (`npm start`): the updated workflows that were active are published again.');
	return 0;
}
