/** Tests run on the TypeScript sources through ts-jest; the packed-tarball test reads dist/. */
module.exports = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	testMatch: ['<rootDir>/tests/**/*.test.ts'],
	setupFiles: ['<rootDir>/tests/setup-env.js'],
	testTimeout: 60000,
	maxWorkers: 1,
};
