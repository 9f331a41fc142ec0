/**
 * Level-triggered correctness inside one batch: a handler may close, stop or re-arm any fd of
 * the batch, including one whose events are still to be dispatched, and an fd number reused in
 * the middle of a batch never receives the events of the fd that had it before (libuv's
 * uv__platform_invalidate_fd).
 */
import { READABLE, type EventLoop } from '../../src/loop/event-loop';
import { addon } from '../../src/native/addon';
import { OwnedFd } from '../helpers/fds';
import { createLoop, untilReadable, watch } from '../helpers/loop';
import { allowReset, tcpPair, type TcpPair } from '../helpers/tcp';

interface Call {
  fd: number;
  events: number;
  /** Whether the call happened in the batch in which the first handler ran. */
  firstBatch: boolean;
}

/** Two connections with bytes waiting on both, so that one wait reports both. */
async function twoReadable(): Promise<[TcpPair, TcpPair]> {
  const pairs: [TcpPair, TcpPair] = [await tcpPair(), await tcpPair()];
  for (const { client } of pairs) {
    allowReset(client); // a handler closes the other fd with its bytes unread
    client.write('ready');
  }
  await untilReadable(pairs.map(({ server }) => server.fd));
  return pairs;
}

/** A promise and the function that resolves it. */
function signal(): { done: Promise<void>; fire: () => void } {
  let fire = (): void => undefined;
  const done = new Promise<void>((resolve) => (fire = resolve));
  return { done, fire };
}

/** Read and drop what is waiting on fd, so that it stops being readable. */
function drain(fd: number): void {
  addon.fdRead(fd, Buffer.alloc(1024), 0, 1024);
}

describe('a handler changing another fd of its batch', () => {
  let loop: EventLoop;
  beforeEach(() => {
    loop = createLoop();
  });

  test('closing it (watcher and fd) means its handler never fires', async () => {
    const pairs = await twoReadable();
    const calls: Call[] = [];
    let inFirstBatch = false;
    const finished = signal();
    const watchers = pairs.map(({ server }, i) => {
      const watcher = watch(loop, server.fd, (events) => {
        if (calls.length === 0) {
          inFirstBatch = true;
          process.nextTick(() => (inFirstBatch = false)); // runs once the batch is over
        }
        calls.push({ fd: server.fd, events, firstBatch: inFirstBatch });
        drain(server.fd);
        const other = pairs[1 - i];
        watchers[1 - i].close();
        other.server.close();
        watcher.close();
        finished.fire();
      });
      return watcher;
    });
    for (const watcher of watchers) watcher.start(READABLE);
    await finished.done;
    expect(calls).toHaveLength(1);
    expect(calls[0].firstBatch).toBe(true);
    expect([pairs[0].server.fd, pairs[1].server.fd]).toContain(calls[0].fd);
  });

  test('a new fd that takes the closed fd’s number gets none of its stale events', async () => {
    const pairs = await twoReadable();
    const quiet = await tcpPair(); // nothing to read: any call of its watcher is stale
    const calls: Call[] = [];
    let inFirstBatch = false;
    let reused: OwnedFd | undefined;
    const first = signal();
    const later = signal();
    const watchers = pairs.map(({ server }, i) => {
      const watcher = watch(loop, server.fd, (events) => {
        inFirstBatch = true;
        process.nextTick(() => (inFirstBatch = false));
        calls.push({ fd: server.fd, events, firstBatch: true });
        drain(server.fd);
        const other = pairs[1 - i].server;
        const stolen = other.fd;
        watchers[1 - i].close();
        other.close();
        // The lowest free number at or above `stolen` is `stolen` itself, freed just now.
        reused = new OwnedFd(addon.fdDupAbove(quiet.server.fd, stolen));
        const reusedFd = reused.fd;
        watch(loop, reusedFd, (ready) => {
          calls.push({ fd: reusedFd, events: ready, firstBatch: inFirstBatch });
          drain(reusedFd);
          later.fire();
        }).start(READABLE);
        watcher.close();
        first.fire();
      });
      return watcher;
    });
    for (const watcher of watchers) watcher.start(READABLE);
    await first.done;
    expect(reused).toBeDefined();
    const stolenFd = reused?.fd;
    expect(stolenFd).toBe(
      calls[0].fd === pairs[0].server.fd ? pairs[1].server.fd : pairs[0].server.fd,
    );

    // The new watcher does work: bytes on its own connection wake it, in a later batch.
    quiet.client.write('now');
    await later.done;
    expect(calls).toEqual([
      { fd: calls[0].fd, events: READABLE, firstBatch: true },
      { fd: stolenFd, events: READABLE, firstBatch: false },
    ]);
  });

  test('stopping it skips it in this batch; starting it again delivers its events later', async () => {
    const pairs = await twoReadable();
    const calls: { fd: number; restarted: boolean }[] = [];
    let restarted = false;
    const finished = signal();
    const watchers = pairs.map(({ server }, i) =>
      watch(loop, server.fd, () => {
        calls.push({ fd: server.fd, restarted });
        drain(server.fd);
        watchers[i].stop();
        if (calls.length > 1) return finished.fire();
        watchers[1 - i].stop();
        // Re-armed on a later turn: its bytes are still waiting, so it fires then.
        setImmediate(() => {
          restarted = true;
          watchers[1 - i].start(READABLE);
        });
      }),
    );
    for (const watcher of watchers) watcher.start(READABLE);
    await finished.done;
    expect(calls).toHaveLength(2);
    expect(calls.map(({ restarted }) => restarted)).toEqual([false, true]);
    expect(new Set(calls.map(({ fd }) => fd))).toEqual(
      new Set(pairs.map(({ server }) => server.fd)),
    );
  });

  test('a handler may close its own watcher and fd; the loop goes on with the others', async () => {
    const pairs = await twoReadable();
    const seen = new Set<number>();
    const finished = signal();
    for (const { server } of pairs) {
      const watcher = watch(loop, server.fd, () => {
        seen.add(server.fd);
        watcher.close();
        server.close();
        if (seen.size === 2) finished.fire();
      });
      watcher.start(READABLE);
    }
    await finished.done;
    expect(seen.size).toBe(2);
    expect(loop.activeCount).toBe(0);
  });
});

// When more fds are ready than a batch holds, the next wait must start where the last one
// stopped: filling every batch from fd 0 would serve the lowest fds forever (a flooding client
// stays readable, since FdSocket reads one chunk per event) and starve the others.
test('more ready fds than a batch holds: every one is served within a few turns', async () => {
  const loop = createLoop({ batchSize: 1 });
  const pairs = await twoReadable();
  const calls = new Map<number, number>();
  const finished = signal();
  let total = 0;
  const watchers = pairs.map(({ server }) =>
    watch(loop, server.fd, () => {
      // Never drained: both fds stay readable, as a busy client's would.
      calls.set(server.fd, (calls.get(server.fd) ?? 0) + 1);
      if (++total === 50) {
        for (const watcher of watchers) watcher.stop();
        finished.fire();
      }
    }),
  );
  for (const watcher of watchers) watcher.start(READABLE);
  await finished.done;
  for (const { server } of pairs) expect(calls.get(server.fd) ?? 0).toBeGreaterThan(10);
});
