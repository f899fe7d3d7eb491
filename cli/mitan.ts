#!/usr/bin/env node
import { resolveConfig } from '../core/config';
import { openDb, type Db } from '../core/db';
import { migrate } from '../core/db/migrate';
import { isMitanError } from '../core/errors';
import { flag, parseArgs } from './args';
import { generateDemo } from '../core/demo/generate';
import { adminCreate } from './admin';
import { eraseCommand, printErasure } from './erase';
import { DISTRICT_USAGE as DISTRICT_HELP, districtCommand, districtFlag } from './district';
import { importCommand, printImportResult } from './import';
import { n8nPortFromEnv } from './n8n';
import { ratesCommand } from './rates';
import { retentionCommand } from './retention';
import { staffCommand, STAFF_USAGE } from './staff';
import { retryN8n, retrySandbox, updateWorkflows } from './retry';
import { maskDbUrl, startAll, type Started } from './start';
import { templatesCommand } from './templates';

const USAGE = `Police Mitan command line

  mitan start [--no-n8n] [--no-demo] [--demo-citizens N] [--demo-days N]
                                  start everything (embedded database, sandbox, gateway + dashboard, n8n)
  mitan n8n start                 start n8n alone, joined to a running \`mitan start\` (npm run n8n:retry)
  mitan n8n update [name ...]     with Police Mitan stopped: apply the updated exported workflows
                                  (staff numbers stay in the staff registry) (npm run n8n:update)
  mitan sandbox start             start the sandbox alone, joined to a running start (npm run sandbox:retry)
  mitan templates submit [--link-base URL] [--json]
                                  submit the staff utility templates (approval request, staff alert) to the WABA
  mitan templates status [--json] where each staff template stands at Meta (approved, in review, rejected …)
  mitan migrate                   apply pending database migrations
  mitan admin:create <username>   create a dashboard admin (password from MITAN_ADMIN_PASSWORD, or generated)
  mitan demo [--citizens 50000] [--days 90] [--seed 1] [--district CODE]
                                  load the deterministic demo data into an empty store
  mitan import <file> --consent "<where citizens agreed>" [--district CODE] [--partial] [--max-mb N] [--json]
                                  import a roster CSV or .xlsx file
  mitan retention run [--days N] [--json]   anonymise raw WhatsApp records older than N days (MITAN_RETENTION_DAYS, default 365)
  mitan erase --phone <number> | --wa-id <digits> | --user-id <BSUID> [--district CODE] [--vacuum full|plain|none]
                                  DPDP erasure of one citizen everywhere, and suppression against re-import
  mitan district list | add | edit <CODE>
                                  the districts: code (reference numbers), names, time zone, WhatsApp number id,
                                  police stations (mitan district add --help for the flags)
  mitan rates [list]              the dated WhatsApp rate card (INR per delivered message, by category)
  mitan rates add --category marketing --from YYYY-MM-DD --inr 0.9 --source "<where the rate is published>"
                                  add a rate from a future day (past rates are never changed)
${STAFF_USAGE}

Commands that work for one district take --district CODE; without it, MITAN_DISTRICT (else the first district).
Configuration comes from the environment (see README: DATABASE_URL, MITAN_DATA_DIR, PORT, MITAN_N8N_PORT, ...).`;

const out = (s: string) => process.stdout.write(s + '\n');

/** Runs a command against the store: opened from the environment, migrated first, always closed. */
async function withStore<T>(run: (db: Db) => Promise<T>, opts: { migrate: boolean } = { migrate: true }): Promise<T> {
	const db = await openDb(resolveConfig());
	try {
		if (opts.migrate) await migrate(db);
		return await run(db);
	} finally {
		await db.close();
	}
}

async function main(argv: string[]): Promise<number> {
	const [cmd, ...rest] = argv;
	const args = parseArgs(rest);
	switch (cmd) {
		case 'migrate':
			return withStore(
				async (db) => {
					const r = await migrate(db);
					out(r.applied.length ? `applied: ${r.applied.join(', ')}` : `database is up to date (${r.alreadyApplied} migrations)`);
					return 0;
				},
				{ migrate: false },
			);
		case 'import':
			return withStore(async (db) => {
				const r = await importCommand(db, args);
				if (args.flags.json) out(JSON.stringify(r, null, 2));
				else printImportResult(r, out);
				return r.committed ? 0 : 2;
			});
		case 'start':
			return startCommand(args);
		case 'retention':
			return withStore((db) => retentionCommand(db, args, resolveConfig().retentionDays, out));
		case 'erase':
			return withStore(async (db) => {
				printErasure(await eraseCommand(db, args), out);
				return 0;
			});
		case 'rates':
			return withStore((db) => ratesCommand(db, args, out));
		case 'district':
			if (args.flags.help === true) {
				out(DISTRICT_HELP);
				return 0;
			}
			return withStore((db) => districtCommand(db, args, out));
		case 'staff':
			return withStore((db) => staffCommand(db, args, out));
		case 'n8n': {
			const [sub, ...names] = args._;
			if (sub === 'start') return retryN8n(out);
			if (sub === 'update') return withStore((db) => updateWorkflows(db, names, out));
			process.stderr.write(`usage: mitan n8n start | mitan n8n update [name ...]\n`);
			return 64;
		}
		case 'templates':
			return templatesCommand(args, out);
		case 'sandbox': {
			if (args._[0] === 'start') return retrySandbox(out);
			process.stderr.write(`usage: mitan sandbox start\n`);
			return 64;
		}
		case 'admin:create':
			return withStore(async (db) => {
				const r = await adminCreate(db, args._[0], process.env.MITAN_ADMIN_PASSWORD);
				out(`admin "${r.username}" created${r.generated ? `; password (shown once): ${r.password}` : ''}`);
				return 0;
			});
		case 'demo':
			return withStore(async (db) => {
				const r = await generateDemo(db, {
					citizens: Number(flag(args, 'citizens') ?? 50000),
					days: Number(flag(args, 'days') ?? 90),
					seed: Number(flag(args, 'seed') ?? 1),
					districtId: await districtFlag(db, args),
					onProgress: (step, done, total) => process.stderr.write(`  ${step}: ${done}/${total}\n`),
				});
				out(JSON.stringify(r));
				return 0;
			});
		case undefined:
		case 'help':
		case '--help':
			out(USAGE);
			return 0;
		default:
			process.stderr.write(`unknown command "${cmd}"\n\n${USAGE}\n`);
			return 64;
	}
}

/** Starts everything and runs until SIGINT / SIGTERM, then stops it cleanly. */
async function startCommand(args: ReturnType<typeof parseArgs>): Promise<number> {
	const s = await startAll(
		out,
		{},
		{
			n8n: args.flags['no-n8n'] !== true && process.env.MITAN_START_N8N !== 'false',
			n8nPort: n8nPortFromEnv(),
			demo:
				args.flags['no-demo'] === true
					? false
					: { citizens: Number(flag(args, 'demo-citizens') ?? 5000), days: Number(flag(args, 'demo-days') ?? 30) },
		},
	);
	printRunning(s);
	await new Promise<void>((resolve) => {
		const stop = () => void s.stop().then(resolve);
		process.once('SIGINT', stop);
		process.once('SIGTERM', stop);
	});
	return 0;
}

/** The summary of a start: what runs, the logins and where they are kept, and any part that did not come up. */
function printRunning(s: Started): void {
	out('');
	out(`Police Mitan is running (पुलिस मितान चालू है):`);
	out(`  dashboard / डैशबोर्ड   ${s.appUrl}`);
	if (s.sandboxUrl && !s.problems.some((p) => p.part === 'sandbox'))
		out(`  sandbox / अभ्यास मोड   ${s.sandboxUrl}/_sandbox/whatsapp/stats  (header x-sandbox-token: see ${s.config.dataDir}/sandbox.token)`);
	out(`  database              ${maskDbUrl(s.dbUrl)}`);
	if (s.firstLogin)
		out(
			`  dashboard login       ${s.firstLogin.username} / ${s.firstLogin.password}   (kept in ${s.firstLogin.file} until you change it / पासवर्ड बदलें)`,
		);
	if (s.firstLogin?.created) out('                        first login: set up the authenticator app / पहले लॉगिन पर ऑथेंटिकेटर ऐप सेट करें');
	if (s.n8n) {
		out(
			`  n8n                   ${s.n8n.url}  (${s.n8n.owner.email} / ${s.n8n.owner.password}, kept in ${s.config.dataDir}/n8n/owner.password)`,
		);
		for (const u of s.n8n.updates) out(`  an updated workflow is available: "${u.name}" (workflows/${u.file}): npm run n8n:update`);
	}
	for (const p of s.problems) {
		out('');
		out(`  ${p.part} DID NOT START (${p.part} शुरू नहीं हुआ): ${p.problem}`);
		out(`    log:   ${p.log}`);
		out(`    retry: ${p.retry}   (in another terminal, while this keeps running)`);
	}
	out('Press Ctrl+C to stop.');
}

/** What the operator reads when a command fails: a catalogued error or a taken port in one line, else the stack. */
export function describeFailure(e: unknown): string {
	if (isMitanError(e)) return `error ${e.code}: ${e.message}`;
	const err = e as NodeJS.ErrnoException & { port?: number; address?: string };
	if (err?.code === 'EADDRINUSE')
		return (
			`error PORT_IN_USE: ${err.address ?? '127.0.0.1'}:${err.port ?? '?'} is already in use (another Police Mitan start, or another program). ` +
			'Stop it, or choose other ports: PORT, SANDBOX_PORT, MITAN_DB_PORT, MITAN_N8N_PORT. / पोर्ट पहले से उपयोग में है: दूसरा प्रोग्राम बंद करें या दूसरा पोर्ट चुनें।'
		);
	return `${(e as Error)?.stack ?? e}`;
}

if (require.main === module) {
	main(process.argv.slice(2)).then(
		(code) => process.exit(code),
		(e: unknown) => {
			process.stderr.write(`${describeFailure(e)}\n`);
			process.exit(1);
		},
	);
}

export { main };
