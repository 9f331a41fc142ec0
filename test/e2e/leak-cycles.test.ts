/**
 * Leaks, on every backend: 1 000 connect/disconnect cycles (plain and TLS; each leaving a
 * different way: a close, a reset, `/quit`, a kill mid-line) leave the server's open fds, counted
 * in /proc, exactly as they were, and its resident memory within 32 MiB: what a connection's
 * buffers (a 64 KiB read slab, a queue of lines) would break if any were kept, where the GC's own
 * slack here is 6 to 10 MiB. (A leak of a few hundred bytes a connection hides in that slack: the
 * soak script, bench/soak.ts, watches RSS over hours for those.)
 */
import { ChatClient } from '../helpers/chat-client';
import { openFdCount } from '../helpers/fds';
import { residentBytes } from '../helpers/proc';
import { eventually } from '../helpers/teardown';
import { fdCountReaches, generatedCertificate } from '../helpers/tls';
import { startServer } from '../helpers/process';

const CYCLES = 1000;
const TLS_EVERY = 10; // one cycle in ten over TLS
const LANES = 10;

const LEAVES: ((c: ChatClient) => Promise<void>)[] = [
  (c) => c.close(),
  (c) => c.reset(),
  async (c) => (await c.send('/quit bye'), await c.closed),
  async (c) => (await c.write('half a li'), await c.kill()),
];

test(`${CYCLES} connect/disconnect cycles: the same fds, bounded memory`, async () => {
  const server = await startServer(['--tls-port', '0']);
  const ca = generatedCertificate(server.dataDir).cert;
  const disconnected = (): number =>
    server.messages.filter((m) => /^disconnected guest-\d+: /.test(m)).length;
  const cycle = async (i: number): Promise<void> => {
    const c =
      i % TLS_EVERY === 0
        ? await ChatClient.connectTls(server.tlsPort, { ca })
        : await ChatClient.connect(server.port);
    await (LEAVES[i % LEAVES.length] as (c: ChatClient) => Promise<void>)(c);
  };
  const run = async (from: number, to: number): Promise<void> => {
    await Promise.all(
      Array.from({ length: LANES }, async (_, lane) => {
        for (let i = from + lane; i < to; i += LANES) await cycle(i);
      }),
    );
    await eventually(() => (disconnected() === to ? true : undefined), 20_000);
  };

  await run(0, 100); // a warm-up: what the server allocates once is in the baseline
  const fds = openFdCount(server.pid);
  const rss = residentBytes(server.pid);
  await run(100, 100 + CYCLES);
  await fdCountReaches(server, fds);
  expect(residentBytes(server.pid) - rss).toBeLessThan(32 << 20);
});
