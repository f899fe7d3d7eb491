// Lint over the whole repository:
// - typescript-eslint's recommended rules on every folder (core, dashboard, sandbox, cli, bench,
//   scripts, tests, nodes, credentials);
// - n8n's community-node rules (the ones `n8n-node lint` applies) on the published package as n8n
//   sees it: packages/n8n-nodes-police-mitan with its manifest, and its nodes/ and credentials/
//   (links to the top-level sources, so the rules that read package.json's `n8n` lists resolve
//   them the way n8n's tooling does);
// - the project's own rules (scripts/lint/mitan-rules.mjs): import boundaries, and errors that
//   carry a code and an action in production code.
// `npm run lint` also runs `prettier --check` (npm run format:check).
import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import mitan from './scripts/lint/mitan-rules.mjs';

const n8n = n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport;
const PKG = 'packages/n8n-nodes-police-mitan';
const CODE = ['**/*.ts', '**/*.js', '**/*.mjs'];
// The package's nodes/ and credentials/ are links to the top-level folders: those are linted at
// their own paths, and at the package's paths by n8n's rules only (as n8n checks the package).
const NOT_THE_LINKS = [`${PKG}/**`];
const PRODUCTION = ['core/**/*.ts', 'nodes/**/*.ts', 'credentials/**/*.ts', 'dashboard/**/*.ts', 'cli/**/*.ts', 'sandbox/**/*.ts'];

const NODE_SIDE = {
	folders: ['dashboard/', 'cli/', 'sandbox/', 'bench/', 'tests/'],
	pattern: '^core/(.+/)?repository[^/]*$',
	because: 'a node reads parameters, calls one core service and shapes items; the store is reached only through core',
};

export default [
	{ ignores: ['**/dist/**', 'node_modules/**', 'coverage/**', 'test-output/**', 'bench/out/**', '.mitan-data/**'] },
	...tseslint.configs.recommended.map((c) => ({ ...c, files: CODE, ignores: NOT_THE_LINKS })),
	{
		files: CODE,
		ignores: NOT_THE_LINKS,
		rules: {
			// `_name` marks what is unused on purpose (an Express error handler's next, a field left out of a copy).
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
			],
		},
	},
	{
		// CommonJS scripts and configs (run by node as they are, no build step).
		files: ['**/*.js'],
		languageOptions: { sourceType: 'commonjs' },
		rules: { '@typescript-eslint/no-require-imports': 'off' },
	},
	{
		// The dashboard's browser script, served as it is (ES5 style: `var` throughout).
		files: ['dashboard/web/assets/**/*.js'],
		languageOptions: { sourceType: 'script' },
		rules: { 'no-var': 'off' },
	},
	{
		// Tests and benchmarks read JSON answers of the sandbox and the APIs without a schema.
		files: ['tests/**/*.ts', 'bench/**/*.ts'],
		rules: { '@typescript-eslint/no-explicit-any': 'off' },
	},
	{
		files: [`${PKG}/nodes/**/*.ts`, `${PKG}/credentials/**/*.ts`, `${PKG}/package.json`],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: n8n.plugins,
		rules: n8n.rules,
	},
	{
		files: CODE,
		ignores: NOT_THE_LINKS,
		plugins: { mitan },
		rules: {
			'mitan/import-boundaries': [
				'error',
				{
					zones: [
						{
							from: 'core/',
							folders: ['nodes/', 'credentials/', 'dashboard/', 'cli/', 'sandbox/', 'bench/', 'tests/'],
							packages: ['n8n-workflow', 'n8n-core', 'express', 'helmet'],
							because: 'core owns the rules and all I/O and knows nothing of n8n, the web server or its callers',
						},
						{ from: 'nodes/', ...NODE_SIDE },
						{ from: 'credentials/', ...NODE_SIDE },
					],
				},
			],
		},
	},
	{ files: PRODUCTION, plugins: { mitan }, rules: { 'mitan/no-plain-error': 'error' } },
];
