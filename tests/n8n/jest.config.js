/**
 * The real-n8n tests (`npm run test:n8n`): a pinned n8n 2.x (scripts/n8n/install.js) runs this
 * package installed from its `npm pack` tarball. Kept out of the main jest run (slow, needs the
 * n8n install, PostgreSQL and Redis). Needs a built dist/ (`npm run build`).
 */
const path = require('path');
module.exports = {
	rootDir: path.resolve(__dirname, '../..'),
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	testMatch: ['<rootDir>/tests/n8n/**/*.n8n.ts'],
	setupFiles: ['<rootDir>/tests/setup-env.js'],
	testTimeout: 300000,
	maxWorkers: 1,
};
