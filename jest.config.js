/** Unit, workflow and simulator tests. The real-n8n end-to-end suite lives in e2e/ and runs with `npm run test:e2e`. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test', '<rootDir>/simulator'],
	testMatch: ['**/*.test.ts', '**/*.test.js'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', isolatedModules: true }] },
	setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
	testTimeout: 60000,
};
