#!/usr/bin/env node
import { resolveConfig } from '../core/config';
import { openDb } from '../core/db';
import { migrate } from '../core/db/migrate';
import { isMitanError } from '../core/errors';
import { parseArgs } from './args';
import { importCommand, printImportResult } from './import';
import { startAll } from './start';

const USAGE = `Police Mitan command line

  mitan start [--no-n8n]          start everything (embedded database, sandbox, gateway + dashboard, n8n)
  mitan migrate                   apply pending database migrations
  mitan import <file> --consent "<where citizens agreed>" [--partial] [--max-mb N] [--json]
                                  import a roster CSV or .xlsx file

Configuration comes from the environment (see README: DATABASE_URL, MITAN_DATA_DIR, PORT, ...).`;

const out = (s: string) => process.stdout.write(s + '\n');

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const args = parseArgs(rest);
  switch (cmd) {
    case 'migrate': {
      const db = await openDb(resolveConfig());
      try {
        const r = await migrate(db);
        out(r.applied.length ? `applied: ${r.applied.join(', ')}` : `database is up to date (${r.alreadyApplied} migrations)`);
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'import': {
      const db = await openDb(resolveConfig());
      try {
        await migrate(db);
        const r = await importCommand(db, args);
        if (args.flags.json) out(JSON.stringify(r, null, 2));
        else printImportResult(r, out);
        return r.committed ? 0 : 2;
      } finally {
        await db.close();
      }
    }
    case 'start': {
      const s = await startAll(out, {}, { n8n: args.flags['no-n8n'] !== true && process.env.MITAN_START_N8N !== 'false' });
      out('');
      out(`Police Mitan is running (पुलिस मितान चालू है):`);
      out(`  dashboard / डैशबोर्ड   ${s.appUrl}`);
      if (s.sandboxUrl) out(`  sandbox / अभ्यास मोड   ${s.sandboxUrl}/_sandbox/whatsapp/stats`);
      out(`  database              ${s.dbUrl}`);
      if (s.n8n) out(`  n8n                   ${s.n8n.url}  (${s.n8n.owner.email} / ${s.n8n.owner.password})`);
      out('Press Ctrl+C to stop.');
      await new Promise<void>((resolve) => {
        const stop = () => void s.stop().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return 0;
    }
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

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (isMitanError(e)) process.stderr.write(`error ${e.code}: ${e.message}\n`);
      else process.stderr.write(`${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}

export { main };
