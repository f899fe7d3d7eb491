// n8n's community-node rules (the ones `n8n-node lint` applies), on the package's n8n surface:
// the nodes, the credentials and package.json. core/, dashboard/ and sandbox/ are not part of
// the published package (nodes bundle the core code they use at build time).
import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

const n8n = n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport;

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'core/**', 'dashboard/**', 'sandbox/**', 'tests/**', 'bench/**', 'cli/**', 'scripts/**'] },
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: n8n.plugins,
		rules: n8n.rules,
	},
];
