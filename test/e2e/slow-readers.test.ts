/**
 * Readers that stop reading, on every backend: 20 clients that never read while others chat.
 * Each is dropped with `QUIT <nick> :sendq exceeded` once what it is owed passes the sendq
 * (beyond what the kernel buffers for it), the server's memory stays bounded meanwhile (it holds
 * one shared copy of each line, however many are owed it, plus at most the sendq per client),
 * and the clients that read get every line, once, in order.
 */
import net from 'node:net';

import type { ServerEvent } from '../../src/protocol/event-parser';
import { adminRoom, joinFrom } from '../helpers/admin';
import { currentBackend } from '../helpers/backends';
import { event } from '../helpers/chat-client';
import { residentBytes } from '../helpers/proc';
import { serverStats } from '../helpers/stats';
import { teardown } from '../helpers/teardown';

const SLOW = 20;
const SENDQ = 64 * 1024;
const PER_ROUND = 100;
const ROUNDS = 60; // 6 MB of chat: past what the kernel holds for a client that does not read
const PAD = 'p'.repeat(1000);
// Node's own sockets copy each write into their stream and read into fresh Buffers, which V8
// frees late: a looser bound there (see ARCHITECTURE.md, "--backend node").
const RSS_BOUND = currentBackend() === 'node' ? 64 << 20 : 32 << 20;

test(`${SLOW} clients that never read are dropped with sendq exceeded; the others lose nothing`, async () => {
  const { server, admin } = await adminRoom(['--sendq', String(SENDQ), '--flood-rate', '0']);
  const talker = await joinFrom(server, '127.0.0.2', [admin]);
  const slow = new Set<string>();
  for (let i = 0; i < SLOW; i++) {
    const socket = net.connect(server.port, '127.0.0.1'); // no 'data' listener: never read
    socket.on('error', () => undefined);
    teardown(() => socket.destroy());
    for (const c of [admin, talker]) slow.add((await c.next('JOIN')).args[0] as string);
  }
  expect(slow.size).toBe(SLOW);
  const before = residentBytes(server.pid);
  let peak = before;

  const quits: ServerEvent[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const lines = Array.from({ length: PER_ROUND }, (_, i) => `${round * PER_ROUND + i} ${PAD}`);
    void talker.write(lines.map((line) => `${line}\n`).join(''));
    for (const reader of [admin, talker]) {
      for (let n = 0; n < PER_ROUND;) {
        const e = await reader.next(undefined, 20_000);
        if (e.type === 'QUIT' && reader === admin) quits.push(e);
        if (e.type !== 'MSG') continue;
        expect(e).toEqual(event('MSG', [talker.nick], lines[n]));
        n++;
      }
    }
    peak = Math.max(peak, residentBytes(server.pid));
  }
  while (quits.length < SLOW) quits.push(await admin.next('QUIT', 20_000));
  expect(new Set(quits.map((q) => q.args[0]))).toEqual(slow);
  for (const q of quits) expect(q.text).toBe('sendq exceeded');
  expect(peak - before).toBeLessThan(RSS_BOUND);
  expect((await serverStats(admin)).get('drops-sendq')).toBe(String(SLOW));
});
