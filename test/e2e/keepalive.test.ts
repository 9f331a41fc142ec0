/**
 * TCP keepalive, on every backend: each accepted connection has SO_KEEPALIVE with
 * `--keepalive <seconds>` of silence before the first probe, as the kernel shows it (`ss -o`:
 * `timer:(keepalive,...)` counting down from at most that); `--keepalive 0` sets none. (A peer
 * that vanishes without a FIN cannot be made on the loopback, where the kernel always answers;
 * once the probes go unanswered, the read fails with ETIMEDOUT, reported as
 * `QUIT <nick> :connection timed out`.)
 */
import { execFileSync } from 'node:child_process';

import { ChatClient } from '../helpers/chat-client';
import { startServer } from '../helpers/process';

/** The kernel's timer of the server's end of `client`'s connection, as `ss -o` shows it. */
function serverTimer(serverPort: number, client: ChatClient): string {
  const out = execFileSync(
    'ss',
    [
      '-tnoH',
      'state',
      'established',
      `( sport = :${serverPort} and dport = :${client.localPort} )`,
    ],
    { encoding: 'utf8' },
  );
  return /timer:\(([^)]*)\)/.exec(out)?.[1] ?? 'none';
}

test('--keepalive 30: every connection probes after 30 s of silence', async () => {
  const server = await startServer(['--keepalive', '30']);
  const client = await ChatClient.connect(server.port);
  const timer = serverTimer(server.port, client);
  const match = /^keepalive,(\d+)(?:\.\d+)?(ms|sec),0$/.exec(timer);
  expect(match).not.toBeNull();
  const seconds = Number(match?.[1]) / (match?.[2] === 'ms' ? 1000 : 1);
  expect(seconds).toBeGreaterThan(20);
  expect(seconds).toBeLessThanOrEqual(30);
});

test('--keepalive 0: no keepalive timer', async () => {
  const server = await startServer(['--keepalive', '0']);
  const client = await ChatClient.connect(server.port);
  expect(serverTimer(server.port, client)).toBe('none');
});
