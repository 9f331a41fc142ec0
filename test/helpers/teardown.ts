/**
 * Teardown registered by whoever creates a resource (udx-native's `t.teardown`): every helper
 * that opens an fd, a socket, a loop or a process registers how to close it, and the close is
 * awaited after each test, last-created first. A resource that never closes hangs the test (and
 * fails it on jest's timeout) instead of leaking into the next one.
 */
type Cleanup = () => unknown;

const cleanups: Cleanup[] = [];

/** Run `cleanup` after the current test, before the cleanups registered earlier. */
export function teardown(cleanup: Cleanup): void {
  cleanups.push(cleanup);
}

afterEach(async () => {
  const errors: unknown[] = [];
  for (let cleanup = cleanups.pop(); cleanup !== undefined; cleanup = cleanups.pop()) {
    try {
      await cleanup();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
});

/** Resolves on the next turn of Node's loop, after I/O callbacks. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Retry `attempt` once per loop turn until it returns something other than `undefined`. Used
 * only where no event exists to wait for (a raw fd outside any loop); gives up after `turns`.
 */
export async function eventually<T>(attempt: () => T | undefined, turns = 5000): Promise<T> {
  for (let i = 0; i < turns; i++) {
    const value = attempt();
    if (value !== undefined) return value;
    // A 1 ms sleep rather than setImmediate: the peer may be another process.
    await new Promise((resolve) => setTimeout(resolve, i < 10 ? 0 : 1));
  }
  throw new Error(`nothing after ${turns} attempts`);
}
