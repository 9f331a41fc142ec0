/* global process */
/**
 * The suites run on every backend, as one jest project per backend (told which one through the
 * global SELECTCHAT_BACKEND; see test/helpers/backends.ts):
 *   - test/e2e, the chat over the wire: on select, poll, epoll and node;
 *   - test/loop, test/native, test/transport (but node-*), the raw-fd machinery: on each native
 *     backend (quit-reason drives FdSocket in-process, so it is one of those);
 *   - everything else once (`unit`), and the terminal client's screen tests, which are ESM (ink is
 *     ESM only), once in a project of their own (`client`).
 * So a new suite runs on every backend it concerns without a change to it; one that must not run
 * on some backend is listed below (NOT_ON_NODE) with the reason. SELECTCHAT_BACKENDS=select,epoll
 * narrows the backends for a quick local run (`npx jest --selectProjects epoll` works too);
 * `npm test` runs them all.
 */
const NATIVE = process.platform === 'linux' ? ['select', 'poll', 'epoll'] : ['select', 'poll'];
const ALL = [...NATIVE, 'node'];

const wanted = (process.env.SELECTCHAT_BACKENDS ?? '')
  .split(',')
  .map((name) => name.trim())
  .filter((name) => name !== '');
const unknown = wanted.filter((name) => !ALL.includes(name));
if (unknown.length > 0) {
  throw new Error(`SELECTCHAT_BACKENDS: no backend ${unknown.join(', ')} here (${ALL.join(', ')})`);
}
const chosen = (names) => (wanted.length === 0 ? names : names.filter((n) => wanted.includes(n)));

const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

const RAW_FD = ['<rootDir>/test/{loop,native,transport}/**/*.test.ts'];
const NOT_RAW_FD = ['/test/transport/node-'];
const E2E = ['<rootDir>/test/e2e/**/*.test.ts'];
// Drives FdSocket, Connection and the room in-process on the raw-fd loop.
const NOT_ON_NODE = ['/test/e2e/quit-reason\\.test\\.ts$'];

/** @type {import('jest').Config} */
module.exports = {
  // Tests open real sockets and child processes; two workers match CI's two cores.
  maxWorkers: 2,
  // Global, not per project: jest-circus reads it from the global config only.
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testPathIgnorePatterns: [
        '/node_modules/',
        '/test/(e2e|loop|native)/',
        '/test/transport/(?!node-)',
        '/test/client/unit/',
      ],
    },
    {
      testEnvironment: 'node',
      displayName: 'client',
      roots: ['<rootDir>/test/client/unit'],
      setupFiles: ['<rootDir>/test/client/unit/force-colour.ts'],
      extensionsToTreatAsEsm: ['.ts', '.tsx'],
      moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
      transform: {
        '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.client-test.json', useESM: true }],
      },
    },
    ...chosen(NATIVE).map((backend) => ({
      ...common,
      displayName: backend,
      globals: { SELECTCHAT_BACKEND: backend },
      testMatch: [...RAW_FD, ...E2E],
      testPathIgnorePatterns: ['/node_modules/', ...NOT_RAW_FD],
    })),
    ...chosen(['node']).map((backend) => ({
      ...common,
      displayName: backend,
      globals: { SELECTCHAT_BACKEND: backend },
      testMatch: E2E,
      testPathIgnorePatterns: ['/node_modules/', ...NOT_ON_NODE],
    })),
  ],
};
