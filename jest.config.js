/**
 * Unit, workflow and simulator tests (everything under test/ that jest runs). The suites under test/ that node's
 * own test runner runs are left out: the real-n8n end-to-end suites (`npm run test:e2e`, `npm run test:e2e:queue`)
 * and the registry scanner's checks (`npm run test:scan`).
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts', '**/*.test.js'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/e2e-queue/', '<rootDir>/test/scan/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', isolatedModules: true }] },
	setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
	testTimeout: 60000,
};
