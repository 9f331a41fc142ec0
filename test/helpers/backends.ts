/**
 * Suites that run once per backend. `describeEachBackend(title, (backend) => …)` wraps a file's
 * tests; inside it, `startServer()` and `createLoop()` use that backend unless told otherwise, so
 * the tests themselves do not change. `SELECTCHAT_BACKENDS=select,epoll npx jest …` narrows the
 * list for a quick local run; `npm test` runs them all.
 */
import { addon } from '../../src/native/addon';

/** The native loop's backends, as built here (epoll only on Linux). */
export const NATIVE_BACKENDS: readonly string[] = addon.backends;
/** Every `--backend` of the server: the native ones and Node's own sockets. */
export const SERVER_BACKENDS: readonly string[] = [...NATIVE_BACKENDS, 'node'];

/** `all`, narrowed by SELECTCHAT_BACKENDS when it is set. */
function chosen(all: readonly string[]): string[] {
  const wanted = process.env.SELECTCHAT_BACKENDS;
  if (wanted === undefined || wanted.trim() === '') return [...all];
  const names = wanted.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !SERVER_BACKENDS.includes(name));
  if (unknown.length > 0) {
    throw new Error(`SELECTCHAT_BACKENDS: no backend ${unknown.join(', ')} (${SERVER_BACKENDS})`);
  }
  return all.filter((name) => names.includes(name));
}

let current: string | undefined;

/** The backend of the suite the running test belongs to, if any. */
export function currentBackend(): string | undefined {
  return current;
}

function describeEach(all: readonly string[], title: string, body: (backend: string) => void) {
  const backends = chosen(all);
  if (backends.length === 0) return test.skip(`${title}: on none of SELECTCHAT_BACKENDS`, () => {});
  describe.each(backends)(`%s: ${title}`, (backend) => {
    beforeEach(() => (current = backend));
    afterEach(() => (current = undefined));
    body(backend);
  });
}

/** Run `body`'s tests once per server backend: select, poll, epoll, node. */
export function describeEachBackend(title: string, body: (backend: string) => void): void {
  describeEach(SERVER_BACKENDS, title, body);
}

/** Run `body`'s tests once per native loop backend: select, poll, epoll. */
export function describeEachNativeBackend(title: string, body: (backend: string) => void): void {
  describeEach(NATIVE_BACKENDS, title, body);
}
