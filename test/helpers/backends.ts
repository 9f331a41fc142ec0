/**
 * Which backend the running suite is on. jest.config.js runs every suite about the chat over the
 * wire (test/e2e) once per server backend, and every suite about the raw-fd machinery once per
 * native backend, as one jest project each, and tells each its backend through the global
 * SELECTCHAT_BACKEND. `startServer()` and `createLoop()` use it, so the suites themselves need no
 * change to run on every backend.
 */
import { addon } from '../../src/native/addon';

declare global {
  // Set per jest project (jest.config.js); undefined in the suites that run once.
  var SELECTCHAT_BACKEND: string | undefined;
}

/** The native loop's backends, as built here (epoll only on Linux). */
export const NATIVE_BACKENDS: readonly string[] = addon.backends;

/** The backend of the running suite: select, poll, epoll or node; undefined if it runs once. */
export function currentBackend(): string | undefined {
  return globalThis.SELECTCHAT_BACKEND;
}

/** The running suite's backend if it is a native one (a loop can run on it), else undefined. */
export function nativeBackend(): string | undefined {
  const backend = currentBackend();
  return backend !== undefined && NATIVE_BACKENDS.includes(backend) ? backend : undefined;
}

/** The running suite's backend; throws in a suite that runs once (jest.config.js decides). */
export function suiteBackend(): string {
  const backend = currentBackend();
  if (backend === undefined) throw new Error('this suite runs per backend: see jest.config.js');
  return backend;
}
