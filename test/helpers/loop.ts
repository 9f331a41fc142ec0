/**
 * Event loops and watchers that close themselves after the test. The loop is closed last, and
 * `EventLoop.close()` throws while any watcher is open, so a watcher leaked by the code under
 * test fails the test that leaked it.
 */
import {
  DEFAULT_MAX_FDS,
  EventLoop,
  READABLE,
  type EventLoopOptions,
  type FdWatcher,
} from '../../src/loop/event-loop';
import { addon } from '../../src/native/addon';
import { errnoError } from '../../src/native/errno';
import { nativeBackend } from './backends';
import { eventually, nextTurn, teardown } from './teardown';

/**
 * A loop closed after the test, on the running suite's backend (if native; see backends.ts)
 * unless `options` says otherwise. Only one loop may be parked at a time in a process (each park waits on
 * its own fds only), so tests never run two at once.
 */
export function createLoop(options: EventLoopOptions = {}): EventLoop {
  const loop = new EventLoop({ backend: nativeBackend(), ...options });
  teardown(() => loop.close());
  return loop;
}

/**
 * Resolves once the loops closed so far are freed (an epoll loop's own fd with them): libuv runs
 * uv_close's callbacks after the current turn's immediates, so one turn is not enough.
 */
export async function loopsFreed(): Promise<void> {
  await nextTurn();
  await nextTurn();
}

/** A stopped watcher of fd, closed after the test (before its fd and its loop). */
export function watch(loop: EventLoop, fd: number, handler: (events: number) => void): FdWatcher {
  const watcher = loop.watch(fd, handler);
  teardown(() => watcher.close());
  return watcher;
}

/** Resolves with the events of the next call of a watcher created by `watchOnce`. */
export function watchOnce(loop: EventLoop, fd: number, events: number): Promise<number> {
  return new Promise((resolve) => {
    const watcher = watch(loop, fd, (ready) => {
      watcher.close();
      resolve(ready);
    });
    watcher.start(events);
  });
}

/**
 * The fds among `fds` that are readable right now, asked of a throwaway native loop that is
 * polled once and never parked (so it cannot disturb the loop under test).
 */
export function readableNow(fds: readonly number[]): number[] {
  const events = new Int32Array(2 * fds.length);
  const probe = new addon.Loop('select', DEFAULT_MAX_FDS, events, () => undefined);
  try {
    for (const fd of fds) probe.set(fd, READABLE);
    const count = probe.poll(0);
    if (count < 0) throw errnoError(count, 'select');
    return Array.from({ length: count }, (_, i) => events[2 * i]);
  } finally {
    for (const fd of fds) probe.set(fd, 0);
    probe.close();
  }
}

/** Wait until every fd of `fds` is readable at once. */
export function untilReadable(fds: readonly number[]): Promise<true> {
  return eventually(() => (readableNow(fds).length === fds.length ? true : undefined));
}
