/**
 * The loop's own counters (EventLoop.stats) and wait traces (traceWaits), on each native backend.
 */
import { READABLE } from '../../src/loop/event-loop';
import type { WaitTrace } from '../../src/loop/stats';
import { nativeBackend } from '../helpers/backends';
import { createLoop, watch } from '../helpers/loop';
import { tcpPair } from '../helpers/tcp';
import { eventually } from '../helpers/teardown';

test('EventLoop.stats counts waits, wake-ups and bytes; traceWaits sees empty waits too', async () => {
  const loop = createLoop();
  const { server, client } = await tcpPair();
  const got: string[] = [];
  const watcher = watch(loop, server.fd, () => undefined);
  watcher.frame(64, {
    onLine: (bytes, start, end) => got.push(bytes.toString('utf8', start, end)),
    onLineTooLong: () => undefined,
    onEof: () => watcher.stop(),
    onReadError: () => undefined,
  });
  const traces: WaitTrace[] = [];
  loop.traceWaits((wait) => traces.push(wait));
  watcher.start(READABLE);
  const before = loop.stats();
  client.write('twelve byte\n');
  await eventually(() => (got.length > 0 ? true : undefined));
  // A timer ends a wait that finds none of our fds ready: still a wait, still traced.
  await new Promise((resolve) => setTimeout(resolve, 30));
  loop.traceWaits(undefined);
  const after = loop.stats();
  expect(after.backend).toBe(nativeBackend() ?? 'select');
  expect(after.watched).toBe(1);
  expect(after.wakeups).toBeGreaterThan(before.wakeups);
  expect(after.iterations).toBeGreaterThan(after.wakeups);
  expect(after.bytesIn - before.bytesIn).toBe(12);
  expect(traces.some((t) => t.ready === 1 && t.fds === 1)).toBe(true);
  // Not how long it blocked: libuv's own fd (jest's worker pipe) may end a wait at any time.
  expect(traces.some((t) => t.ready === 0)).toBe(true);
  for (const t of traces) {
    expect(t.blockedUs).toBeGreaterThanOrEqual(0);
    expect(t.dispatchUs).toBeGreaterThanOrEqual(0);
  }
});
