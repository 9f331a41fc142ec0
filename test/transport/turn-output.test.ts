/**
 * The per-turn shared output buffer and its one-call fan-out (TurnOutput, fdSendRanges) over real
 * sockets: whatever the pattern of writes in a turn (the same line to all, a socket that skips
 * lines, more than the buffer holds, a peer that does not read), every socket's peer gets exactly
 * the bytes written to it, in order.
 */
import { addon } from '../../src/native/addon';
import { EBADF } from '../../src/native/errno';
import { FdSocket } from '../../src/transport/fd-socket';
import { createLoop } from '../helpers/loop';
import { line, sha1, socketPair as pair, type SocketPair as Pair } from '../helpers/socket-pair';
import { tcpPair } from '../helpers/tcp';
import { eventually, teardown } from '../helpers/teardown';

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

  // Drain callbacks may write to any socket, and write so much that the buffer fills again while
  // another flush's callbacks are running. Each socket's peer must get its bytes in the order of
  // the write() calls. No end() below: its flush would hide a socket whose output is left
  // unscheduled.
  describe('drain callbacks that write 300 KB', () => {
    /** Four sockets; `turn` writes one turn, `refill` what the first drain of socket k writes. */
    async function drainAndRefill(
      turn: (write: (k: number, chunk: Buffer) => void) => void,
      refill: (k: number) => [to: number, chunk: Buffer][],
      endRefilled = false, // the callback then ends the sockets it wrote to
    ): Promise<{ sentWhileDraining: boolean }> {
      const loop = createLoop();
      const owed: Buffer[][] = [[], [], [], []];
      const pairs: Pair[] = [];
      const write = (k: number, chunk: Buffer): void => {
        owed[k]?.push(chunk); // first: a drain callback inside this write would write after it
        (pairs[k] as Pair).socket.write(chunk);
      };
      const sends = jest.spyOn(addon, 'fdSendRanges');
      teardown(() => sends.mockRestore());
      const drained = new Set<number>();
      const ended = new Set<number>();
      let sentWhileDraining = false;
      for (let k = 0; k < 4; k++) {
        const onDrain = (): void => {
          if (drained.has(k)) return; // the first drain only
          drained.add(k);
          const before = sends.mock.calls.length;
          const writes = refill(k);
          for (const [to, chunk] of writes) write(to, chunk);
          sentWhileDraining ||= sends.mock.calls.length > before;
          if (endRefilled) for (const [to] of writes) ended.add(to);
          if (endRefilled) for (const to of ended) (pairs[to] as Pair).socket.end();
        };
        pairs.push(await pair(loop, onDrain));
      }
      turn(write);
      // Every socket drained, or ended first.
      await eventually(() => (new Set([...drained, ...ended]).size === 4 ? true : undefined));
      for (const [k, p] of pairs.entries()) {
        const expected = Buffer.concat(owed[k] as Buffer[]);
        // An ended socket's peer gets it all before the FIN.
        const got = ended.has(k) ? await p.received : await p.receivedSoFar(expected.length);
        expect(sha1(got)).toBe(sha1(expected));
      }
      return { sentWhileDraining };
    }

    const own = (k: number): [number, Buffer][] =>
      Array.from({ length: 100 }, (_, i) => [k, line(100 * k + i, 1000)]);
    const toOthers = (k: number): [number, Buffer][] =>
      k !== 0
        ? []
        : Array.from({ length: 300 }, (_, i) => [1 + Math.floor(i / 100), line(i, 1000)]);
    // A line each: the turn's flush calls every drain callback, and what they write fills the
    // 256 KiB buffer, which is sent early, inside that flush.
    const oneLineEach = (write: (k: number, chunk: Buffer) => void): void => {
      for (let k = 0; k < 4; k++) write(k, line(k));
    };
    // 4 x 70 lines of 1 KB, one socket after the other (one range each): the buffer is sent early
    // inside a write, and the callbacks come after it.
    const burst = (write: (k: number, chunk: Buffer) => void): void => {
      for (let k = 0; k < 4; k++) for (let i = 0; i < 70; i++) write(k, line(1000 * k + i, 1000));
    };

    test.each([
      ['each to its own socket (as a TLS channel does)', own],
      ['the first one to the others', toOthers],
    ])('during the flush at the turn’s end: %s', async (_, refill) => {
      expect((await drainAndRefill(oneLineEach, refill)).sentWhileDraining).toBe(true);
    });

    test.each([
      ['each to its own socket (as a TLS channel does)', own],
      ['the first one to the others', toOthers],
    ])('after a write that filled the buffer: %s', async (_, refill) => {
      await drainAndRefill(burst, refill);
    });

    // Those sockets' turns, ended early, end on the next tick, while they owe what was written to
    // them after: their FIN must wait for it.
    test('during the flush at the turn’s end: the first one to the others, then end() of them', async () => {
      expect((await drainAndRefill(oneLineEach, toOthers, true)).sentWhileDraining).toBe(true);
    });
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
