/**
 * The per-turn shared output buffer and its one-call fan-out (TurnOutput, fdSendRanges) over real
 * sockets: whatever the pattern of writes in a turn (the same line to all, a socket that skips
 * lines, more than the buffer holds, a peer that does not read), every socket's peer gets exactly
 * the bytes written to it, in order.
 */
import { createHash } from 'node:crypto';

import type { EventLoop } from '../../src/loop/event-loop';
import { addon } from '../../src/native/addon';
import { EBADF } from '../../src/native/errno';
import { FdSocket } from '../../src/transport/fd-socket';
import { collect } from '../helpers/lines';
import { createLoop } from '../helpers/loop';
import { tcpPair } from '../helpers/tcp';
import { eventually, teardown } from '../helpers/teardown';

interface Pair {
  socket: FdSocket;
  received: Promise<Buffer>;
  pause(): void;
  resume(): void;
}

async function pair(loop: EventLoop): Promise<Pair> {
  const tcp = await tcpPair();
  let closed = (): void => undefined;
  const done = new Promise<void>((resolve) => (closed = resolve));
  const socket = new FdSocket(loop, tcp.server.release(), tcp.peer, {
    onData: () => undefined,
    onEnd: () => undefined,
    onClose: () => closed(),
  });
  teardown(async () => {
    socket.destroy();
    await done;
  });
  return {
    socket,
    received: collect(tcp.client),
    pause: () => tcp.client.pause(),
    resume: () => tcp.client.resume(),
  };
}

const sha1 = (data: Buffer): string => createHash('sha1').update(data).digest('hex');

function line(i: number, size = 60): Buffer {
  return Buffer.from(`${i} ${'z'.repeat(size)}\n`);
}

describe('turn output', () => {
  test('one turn: shared lines, a socket that skips some, more than the buffer holds', async () => {
    const loop = createLoop();
    const pairs = await Promise.all(Array.from({ length: 5 }, () => pair(loop)));
    const owed = new Map(pairs.map((p) => [p, [] as Buffer[]]));
    // ~ 600 KiB per socket in one synchronous turn: the 256 KiB buffer is sent early, twice.
    for (let i = 0; i < 9000; i++) {
      const shared = line(i);
      pairs.forEach((p, k) => {
        // Socket 1 skips every third line (a filter); socket 2 also gets a private line.
        if (k === 1 && i % 3 === 0) return;
        p.socket.write(shared);
        owed.get(p)?.push(shared);
        if (k === 2 && i % 100 === 0) {
          const own = Buffer.from(`private ${i}\n`);
          p.socket.write(own);
          owed.get(p)?.push(own);
        }
      });
    }
    for (const p of pairs) p.socket.end();
    const got = await Promise.all(pairs.map((p) => p.received));
    got.forEach((bytes, k) => {
      expect(sha1(bytes)).toBe(sha1(Buffer.concat(owed.get(pairs[k] as Pair) ?? [])));
    });
  });

  test('a peer that does not read: what the kernel would not take is kept, later sent', async () => {
    const loop = createLoop();
    const [slow, fast] = [await pair(loop), await pair(loop)];
    slow.pause();
    const all: Buffer[] = [];
    // Turn after turn, until the slow socket is owed more than its kernel buffers hold.
    for (let turn = 0; slow.socket.queuedBytes < 4 * 1024 * 1024; turn++) {
      for (let i = 0; i < 500; i++) {
        const shared = line(turn * 500 + i, 200);
        slow.socket.write(shared);
        fast.socket.write(shared);
        all.push(shared);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    slow.resume();
    slow.socket.end();
    fast.socket.end();
    const expected = sha1(Buffer.concat(all));
    expect(sha1(await fast.received)).toBe(expected);
    expect(sha1(await slow.received)).toBe(expected);
  });

  test('a chunk of 16 KiB or more behind a range owed this turn is sent, in order, that turn', async () => {
    const loop = createLoop();
    const tcp = await tcpPair();
    const socket = new FdSocket(loop, tcp.server.release(), tcp.peer, {
      onData: () => undefined,
      onEnd: () => undefined,
      onClose: () => undefined,
    });
    teardown(() => socket.destroy());
    let got = Buffer.alloc(0);
    tcp.client.on('data', (data: Buffer) => (got = Buffer.concat([got, data])));
    // Two turns of a small line (a range of the turn buffer), a big one (its own queue), a
    // small one again; no end(), whose flush would hide a queue left unscheduled.
    const owed: Buffer[] = [];
    for (let turn = 0; turn < 2; turn++) {
      for (const chunk of [line(turn), Buffer.alloc(20_000, 0x61 + turn), line(turn + 10)]) {
        socket.write(chunk);
        owed.push(chunk);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const expected = Buffer.concat(owed);
    await eventually(() => (got.length >= expected.length ? true : undefined));
    expect(sha1(got)).toBe(sha1(expected));
  });

  test('fdSendRanges: a row outside the buffer fails alone, with EBADF', async () => {
    const loop = createLoop();
    const p = await pair(loop);
    const buffer = Buffer.from('hello\n');
    const table = new Int32Array([p.socket.fd, 0, 6, 0, p.socket.fd, 4, 6, 0]);
    expect(addon.fdSendRanges(buffer, 0, buffer.length, 2, table)).toBe(6);
    expect([table[3], table[7]]).toEqual([6, EBADF]);
    expect(() => addon.fdSendRanges(buffer, 0, 6, 3, table)).toThrow(
      'table must be an Int32Array of rows',
    );
    p.socket.end();
    expect((await p.received).toString()).toBe('hello\n');
  });
});
