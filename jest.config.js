/** @type {import('jest').Config} */
const common = {
  testEnvironment: 'node',
};

module.exports = {
  testTimeout: 30000,
  // Tests open real sockets and child processes; two workers match CI's two cores.
  maxWorkers: 2,
  projects: [
    {
      ...common,
      displayName: 'server',
      roots: ['<rootDir>/test'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/client/unit/'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
    },
    {
      ...common,
      displayName: 'client',
      roots: ['<rootDir>/test/client/unit'],
      setupFiles: ['<rootDir>/test/client/unit/force-colour.ts'],
      extensionsToTreatAsEsm: ['.ts', '.tsx'],
      moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
      transform: {
        '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.client-test.json', useESM: true }],
      },
    },
  ],
};
