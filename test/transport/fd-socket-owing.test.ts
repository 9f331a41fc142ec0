/**
 * What an FdSocket owes, over random turns of writes to several sockets (broadcasts that some skip,
 * private lines, chunks too big for the turn buffer, turns that fill it, peers that stop reading
 * for a while). After every write: a socket owes either a range of the turn buffer or a queue of
 * its own, never both (a range is sent whole at the turn's end, so a queue behind it would wait
 * unscheduled). At the end, with no end() to flush them: every peer gets every byte, in order,
 * so nothing owed was ever left without a turn's end or a WRITABLE interest to send it.
 */
import { addon } from '../../src/native/addon';
import type { FdSocket } from '../../src/transport/fd-socket';
import { createLoop } from '../helpers/loop';
import { random } from '../helpers/random';
import { line, sha1, socketPair } from '../helpers/socket-pair';
import { nextTurn, teardown } from '../helpers/teardown';

/** A range and nothing else, or a queue (or nothing) and no range. */
function owesOneThing(socket: FdSocket): boolean {
  return socket.rangeStart < 0 || socket.queuedBytes === socket.rangeEnd - socket.rangeStart;
}

test.each([1, 2, 3, 4])('random turns of writes (seed %i)', async (seed) => {
  const next = random(seed);
  const loop = createLoop();
  // Two of them have a drain callback (as a TLS channel's socket has): every send ends their turn.
  const pairs = await Promise.all(
    [undefined, undefined, () => undefined, () => undefined].map((onDrain) =>
      socketPair(loop, onDrain),
    ),
  );
  const owed = pairs.map((): Buffer[] => []);
  const write = (k: number, chunk: Buffer): void => {
    const { socket } = pairs[k] as (typeof pairs)[number];
    socket.write(chunk);
    owed[k]?.push(chunk);
    if (!owesOneThing(socket)) throw new Error(`socket ${k} owes a range and a queue`);
  };
  // Two peers stop reading for the first ten turns: their kernel buffers fill, writes come back
  // partial, and what is left waits in their queues while new turns go on.
  for (const p of pairs.slice(0, 2)) p.pause();
  const sends = jest.spyOn(addon, 'fdSendRanges');
  teardown(() => sends.mockRestore());
  let earlySends = 0; // turns that filled the buffer
  for (let turn = 0; turn < 30; turn++) {
    if (turn === 10) for (const p of pairs) p.resume();
    // Some turns write more than the 256 KiB turn buffer holds: it is sent early. In some, every
    // line goes to everyone (each socket owes one range); in others, sockets skip lines, get
    // private ones or chunks too big for the buffer (and owe their own queues).
    const writes = next() < 0.3 ? 300 + Math.floor(next() * 700) : Math.floor(next() * 100);
    const mess = [0, 0.003, 0.1][Math.floor(next() * 3)] as number;
    const before = sends.mock.calls.length;
    for (let i = 0; i < writes; i++) {
      const chunk =
        next() < mess / 2
          ? Buffer.alloc(16 * 1024 + Math.floor(next() * 8000), 0x41 + (i % 26)) // its own queue
          : line(turn * 10_000 + i, 200 + Math.floor(next() * 1200));
      if (next() < mess) {
        write(Math.floor(next() * pairs.length), chunk);
      } else {
        for (let k = 0; k < pairs.length; k++) if (next() >= mess) write(k, chunk);
      }
    }
    if (sends.mock.calls.length > before) earlySends++;
    await nextTurn();
  }
  expect(earlySends).toBeGreaterThan(0);
  for (const [k, p] of pairs.entries()) {
    const expected = Buffer.concat(owed[k] as Buffer[]);
    expect(sha1(await p.receivedSoFar(expected.length))).toBe(sha1(expected));
  }
});
