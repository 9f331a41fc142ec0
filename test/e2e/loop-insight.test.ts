/**
 * Loop insight: `--trace-loop` logs every wait, and the server's counters are printed at
 * shutdown (the loop's own counters are checked directly in test/loop/loop-stats.test.ts).
 * `--backend node` has no loop of ours to trace, and says so.
 */
import { ChatClient } from '../helpers/chat-client';
import { nativeBackend, suiteBackend } from '../helpers/backends';
import { startServer } from '../helpers/process';
import { eventually } from '../helpers/teardown';

const backend = suiteBackend();
const onLoop = nativeBackend() !== undefined ? test : test.skip;
const onNode = nativeBackend() === undefined ? test : test.skip;

const WAIT_LINE = new RegExp(
  String.raw`^wait ${backend} fds=(\d+) ready=(\d+) blocked=(\d+\.\d)us dispatch=(\d+\.\d)us$`,
);
const COUNTS = String.raw`^2 clients joined \(2 connected\), 1 lines received, 0 dropped for sendq, 0 refused; `;

/** Two clients, one line said; then SIGTERM: the server's log messages. */
async function chatThenStop(args: string[]): Promise<string[]> {
  const server = await startServer(args);
  const alice = await ChatClient.connect(server.port);
  const bob = await ChatClient.connect(server.port);
  await alice.send('hello');
  expect((await bob.next('MSG')).text).toBe('hello');
  // The listener and two clients were watched, and some wait found one of them ready (its log
  // line is written after the turn, and reaches us through a pipe: wait for it).
  if (args.includes('--trace-loop') && nativeBackend() !== undefined) {
    const busy = (line: string): boolean => {
      const m = WAIT_LINE.exec(line);
      return m !== null && Number(m[1]) === 3 && Number(m[2]) > 0;
    };
    await eventually(() => (server.messages.some(busy) ? true : undefined));
  }
  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  return server.messages;
}

onLoop('--trace-loop logs each wait; shutdown prints the counters', async () => {
  const messages = await chatThenStop(['--trace-loop']);
  const waits = messages.filter((m) => m.startsWith('wait '));
  expect(waits.length).toBeGreaterThan(0);
  for (const line of waits) expect(line).toMatch(WAIT_LINE);
  const summary = messages.find((m) => m.includes('clients joined'));
  expect(summary).toMatch(
    new RegExp(
      COUNTS + String.raw`${backend}: \d+ waits, \d+ wake-ups, \d+ bytes in, \d+ bytes out$`,
    ),
  );
});

onNode(
  '--trace-loop on node says there is no loop to trace; shutdown prints the counters',
  async () => {
    const messages = await chatThenStop(['--trace-loop']);
    expect(messages).toContain(
      '--trace-loop traces our readiness loop; --backend node has none (libuv waits)',
    );
    expect(messages.filter((m) => m.startsWith('wait '))).toEqual([]);
    const summary = messages.find((m) => m.includes('clients joined'));
    expect(summary).toMatch(new RegExp(COUNTS + "node: libuv's own loop$"));
  },
);

test('without --trace-loop no wait is logged', async () => {
  const server = await startServer([]);
  const alice = await ChatClient.connect(server.port);
  await alice.send('/list');
  await alice.next();
  expect(server.messages.filter((m) => m.startsWith('wait '))).toEqual([]);
});
