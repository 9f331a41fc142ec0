/**
 * Loop insight: `--trace-loop` logs every wait, and the server's counters are printed at
 * shutdown. The counters are also the loop's own (EventLoop.stats), checked directly.
 */
import { READABLE } from '../../src/loop/event-loop';
import type { WaitTrace } from '../../src/loop/stats';
import { ChatClient } from '../helpers/chat-client';
import { createLoop, watch } from '../helpers/loop';
import { startServer } from '../helpers/process';
import { tcpPair } from '../helpers/tcp';
import { eventually } from '../helpers/teardown';

const WAIT_LINE = /^wait select fds=(\d+) ready=(\d+) blocked=(\d+\.\d)us dispatch=(\d+\.\d)us$/;

test('--trace-loop logs each wait; shutdown prints the counters', async () => {
  const server = await startServer(['--trace-loop']);
  const alice = await ChatClient.connect(server.port);
  const bob = await ChatClient.connect(server.port);
  await alice.send('hello');
  expect((await bob.next('MSG')).text).toBe('hello');
  // The listener and two clients were watched, and some wait found one of them ready (its log
  // line is written after the turn, and reaches us through a pipe: wait for it).
  const busy = (line: string): boolean => {
    const m = WAIT_LINE.exec(line);
    return m !== null && Number(m[1]) === 3 && Number(m[2]) > 0;
  };
  await eventually(() => (server.messages.some(busy) ? true : undefined));
  const waits = server.messages.filter((m) => m.startsWith('wait '));
  for (const line of waits) expect(line).toMatch(WAIT_LINE);

  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  const summary = server.messages.find((m) => m.includes('clients joined'));
  expect(summary).toMatch(
    /^2 clients joined \(2 connected\), 1 lines received, 0 dropped for sendq, 0 refused; select: \d+ waits, \d+ wake-ups, \d+ bytes in, \d+ bytes out$/,
  );
});

test('without --trace-loop no wait is logged', async () => {
  const server = await startServer([]);
  const alice = await ChatClient.connect(server.port);
  await alice.send('/list');
  await alice.next();
  expect(server.messages.filter((m) => m.startsWith('wait '))).toEqual([]);
});

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
  expect(after.backend).toBe('select');
  expect(after.watched).toBe(1);
  expect(after.wakeups).toBeGreaterThan(before.wakeups);
  expect(after.iterations).toBeGreaterThan(after.wakeups);
  expect(after.bytesIn - before.bytesIn).toBe(12);
  expect(traces.some((t) => t.ready === 1 && t.fds === 1)).toBe(true);
  expect(traces.some((t) => t.ready === 0 && t.blockedUs > 5000)).toBe(true);
  for (const t of traces) expect(t.dispatchUs).toBeGreaterThanOrEqual(0);
});
