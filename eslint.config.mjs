// n8n's community-node rules (the ones `n8n-node lint` applies), on the published package as n8n
// sees it: packages/n8n-nodes-police-mitan with its manifest, and its nodes/ and credentials/
// (links to the top-level sources, so the rules that read package.json's `n8n` lists resolve
// them the way n8n's tooling does). core/, dashboard/ and sandbox/ are not part of the package
// (the build bundles the core code the nodes use).
import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

const n8n = n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport;
const PKG = 'packages/n8n-nodes-police-mitan';

export default [
	{ ignores: ['**/dist/**', 'node_modules/**', 'core/**', 'dashboard/**', 'sandbox/**', 'tests/**', 'bench/**', 'cli/**', 'scripts/**'] },
	{
		files: [`${PKG}/nodes/**/*.ts`, `${PKG}/credentials/**/*.ts`, `${PKG}/package.json`],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: n8n.plugins,
		rules: n8n.rules,
	},
];
