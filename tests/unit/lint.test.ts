/**
 * The lint's own rules fail where they should: the repository's real ESLint config
 * (eslint.config.mjs) run on files that break the import boundaries or throw a bare Error,
 * and on their allowed neighbours. ESLint runs in a child process (its config is an ES module).
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

interface Case {
	file: string;
	code: string;
}

/** The rule ids ESLint reports for each file (as if the file were at that path in the repository). */
function lint(cases: Case[]): string[][] {
	const script = `
		import { ESLint } from 'eslint';
		const eslint = new ESLint({ cwd: ${JSON.stringify(ROOT)} });
		const cases = JSON.parse(process.argv[1]);
		const out = [];
		for (const c of cases) {
			const [r] = await eslint.lintText(c.code, { filePath: c.file });
			out.push(r.messages.filter((m) => m.ruleId?.startsWith('mitan/')).map((m) => m.ruleId));
		}
		process.stdout.write(JSON.stringify(out));`;
	const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(cases)], {
		cwd: ROOT,
		encoding: 'utf8',
	});
	return JSON.parse(stdout) as string[][];
}

const BOUNDARY = 'mitan/import-boundaries';
const PLAIN = 'mitan/no-plain-error';

test('core may not import nodes, the dashboard, the CLI, the sandbox, n8n or the web server', () => {
	const got = lint([
		{
			file: 'core/roster/lint-fixture.ts',
			code: `import { openDbFromCredentials } from '../../nodes/shared/db';\nexport const x = openDbFromCredentials;\n`,
		},
		{ file: 'core/lint-fixture.ts', code: `import type { Chart } from '../dashboard/web/api';\nexport type X = Chart;\n` },
		{ file: 'core/lint-fixture.ts', code: `export { startAll } from '../cli/start';\n` },
		{ file: 'core/lint-fixture.ts', code: `export const s = () => import('../sandbox/server');\n` },
		{ file: 'core/lint-fixture.ts', code: `import express from 'express';\nexport const app = express();\n` },
		{ file: 'core/lint-fixture.ts', code: `import type { INodeType } from 'n8n-workflow';\nexport type N = INodeType;\n` },
		{ file: 'core/lint-fixture.ts', code: `const helmet = require('helmet');\nexport default helmet;\n` },
		{
			file: 'core/lint-fixture.ts',
			code: `import { WorkflowExecute } from 'n8n-core/dist/execution-engine';\nexport default WorkflowExecute;\n`,
		},
	]);
	expect(got).toEqual(Array.from({ length: 8 }, () => [BOUNDARY]));
});

test("core's own folders (core/dashboard is core's read models) and its packages are allowed", () => {
	const got = lint([
		{ file: 'core/metrics/lint-fixture.ts', code: `import type { PageData } from '../dashboard/types';\nexport type P = PageData;\n` },
		{
			file: 'core/lint-fixture.ts',
			code: `import postgres from 'postgres';\nimport { resolveConfig } from './config';\nexport default [postgres, resolveConfig];\n`,
		},
	]);
	expect(got).toEqual([[], []]);
});

test('nodes and credentials reach the store only through core services, never the dashboard', () => {
	const got = lint([
		{
			file: 'nodes/MitanRoster/lint-fixture.ts',
			code: `import { upsertMany } from '../../core/roster/repository';\nexport default upsertMany;\n`,
		},
		{
			file: 'nodes/MitanRoster/lint-fixture.ts',
			code: `import { errorHandler } from '../../dashboard/app';\nexport default errorHandler;\n`,
		},
		{
			file: 'credentials/lint-fixture.ts',
			code: `import { findBroadcast } from '../core/broadcast/repository';\nexport default findBroadcast;\n`,
		},
		{
			file: 'nodes/MitanRoster/lint-fixture.ts',
			code: `import { RosterService } from '../../core/roster';\nexport default RosterService;\n`,
		},
	]);
	expect(got).toEqual([[BOUNDARY], [BOUNDARY], [BOUNDARY], []]);
});

test('production code throws MitanError, not a bare Error; tests may', () => {
	const bare = `export function f(): never {\n\tthrow new Error('no');\n}\n`;
	const called = `export function f(): never {\n\tthrow Error('no');\n}\n`;
	const coded = `import { MitanError } from '../errors';\nexport function f(): never {\n\tthrow new MitanError('X_BAD', 'no', 'fix_input');\n}\n`;
	const got = lint([
		{ file: 'core/roster/lint-fixture.ts', code: bare },
		{ file: 'dashboard/lint-fixture.ts', code: called },
		{ file: 'core/roster/lint-fixture.ts', code: coded },
		{ file: 'tests/unit/lint-fixture.ts', code: bare },
	]);
	expect(got).toEqual([[PLAIN], [PLAIN], [], []]);
});
