/**
 * FdSocket on real loopback TCP, with a Node client as the peer: what the kernel will not take
 * is queued and later delivered intact; end() flushes then sends FIN; destroy() drops the queue;
 * onClose comes exactly once, after the call stack unwinds, with the error if there was one.
 */
import { createHash } from 'node:crypto';
import type net from 'node:net';

import type { EventLoop } from '../../src/loop/event-loop';
import type { SystemError } from '../../src/native/errno';
import { FdSocket } from '../../src/transport/fd-socket';
import { collect } from '../helpers/lines';
import { createLoop } from '../helpers/loop';
import { tcpPair, type TcpPair } from '../helpers/tcp';
import { eventually, nextTurn, teardown } from '../helpers/teardown';

/** An FdSocket and the Node client at its other end, with what the handlers saw. */
class Harness {
  readonly client: net.Socket;
  readonly socket: FdSocket;
  /** Copies of every chunk given to onData (the original is a view of a shared slab). */
  readonly data: Buffer[] = [];
  readonly closes: (SystemError | undefined)[] = [];
  /** Resolves with onClose's argument on its first call. */
  readonly closed: Promise<SystemError | undefined>;
  ends = 0;

  constructor(loop: EventLoop, pair: TcpPair, onEnd: (harness: Harness) => void) {
    this.client = pair.client;
    let resolveClosed = (_error: SystemError | undefined): void => undefined;
    this.closed = new Promise((resolve) => (resolveClosed = resolve));
    this.socket = new FdSocket(loop, pair.server.release(), pair.peer, {
      onData: (chunk) => this.data.push(Buffer.from(chunk)),
      onEnd: () => {
        this.ends++;
        onEnd(this);
      },
      onClose: (error) => {
        this.closes.push(error);
        resolveClosed(error);
      },
    });
  }
}

/** An FdSocket over an accepted fd, destroyed after the test (its onClose awaited). */
async function fdSocketPair(
  loop: EventLoop,
  onEnd: (harness: Harness) => void = () => undefined,
): Promise<Harness> {
  const harness = new Harness(loop, await tcpPair(), onEnd);
  teardown(async () => {
    harness.socket.destroy();
    await harness.closed;
  });
  return harness;
}

const sha1 = (data: Buffer): string => createHash('sha1').update(data).digest('hex');

/** A 64 KiB chunk that names its place in the stream, so reordering changes the checksum. */
function numbered(index: number): Buffer {
  const chunk = Buffer.alloc(64 * 1024, index & 0xff);
  chunk.writeUInt32BE(index, 0);
  return chunk;
}

/** Write numbered chunks until some are queued; returns everything written. */
function writeUntilQueued(socket: FdSocket): Buffer[] {
  const written: Buffer[] = [];
  while (socket.queuedBytes === 0) {
    if (written.length > 4096) throw new Error('256 MiB taken by the kernel without queueing');
    const chunk = numbered(written.length);
    written.push(chunk);
    socket.write(chunk);
  }
  return written;
}

describe('FdSocket', () => {
  let loop: EventLoop;
  beforeEach(() => {
    loop = createLoop();
  });

  test('a peer that does not read: the queue grows, then everything arrives in order', async () => {
    const h = await fdSocketPair(loop);
    h.client.pause();
    const written = writeUntilQueued(h.socket);
    const queued = h.socket.queuedBytes;
    for (let i = 0; i < 8; i++) {
      const chunk = numbered(written.length);
      written.push(chunk);
      h.socket.write(chunk);
    }
    expect(h.socket.queuedBytes).toBe(queued + 8 * 64 * 1024);

    const received = collect(h.client);
    h.client.resume();
    h.socket.end();
    const all = await received;
    expect(all.length).toBe(written.length * 64 * 1024);
    expect(sha1(all)).toBe(sha1(Buffer.concat(written)));
    expect(h.socket.queuedBytes).toBe(0);
    expect(await h.closed).toBeUndefined();
  });

  test('end() sends what is queued, then FIN; the peer sees all bytes then end', async () => {
    const h = await fdSocketPair(loop);
    const received = collect(h.client);
    h.socket.write(Buffer.from('one '));
    h.socket.write(Buffer.from('two'));
    h.socket.end();
    h.socket.write(Buffer.from(' too late')); // ignored once ending
    expect((await received).toString()).toBe('one two');
    expect(await h.closed).toBeUndefined();
    expect(h.closes).toEqual([undefined]);
  });

  test('a client that half-closes still receives the reply written after its FIN', async () => {
    const h = await fdSocketPair(loop, (harness) => {
      const question = Buffer.concat(harness.data).toString();
      harness.socket.write(Buffer.from(`answer to ${question}`));
      harness.socket.end();
    });
    const received = collect(h.client);
    h.client.end('question\n');
    expect((await received).toString()).toBe('answer to question\n');
    expect(h.ends).toBe(1);
    expect(await h.closed).toBeUndefined();
  });

  test('destroy() with writes queued drops them: the peer gets what the kernel took, then end', async () => {
    const h = await fdSocketPair(loop);
    h.client.pause();
    const written = writeUntilQueued(h.socket);
    const taken = written.length * 64 * 1024 - h.socket.queuedBytes;
    h.socket.destroy();
    expect(h.socket.closed).toBe(true);
    expect(h.socket.queuedBytes).toBe(0);
    expect(h.closes).toEqual([]); // onClose waits for the stack to unwind
    h.socket.write(Buffer.from('after destroy'));
    expect(h.socket.queuedBytes).toBe(0);

    const received = collect(h.client);
    h.client.resume();
    const all = await received;
    expect(all.length).toBe(taken);
    expect(sha1(all)).toBe(sha1(Buffer.concat(written).subarray(0, taken)));
    expect(await h.closed).toBeUndefined();
    await nextTurn();
    expect(h.closes).toEqual([undefined]);
  });

  test('a reset peer closes the socket: onClose once, with ECONNRESET', async () => {
    const h = await fdSocketPair(loop);
    h.client.resetAndDestroy();
    const error = await h.closed;
    expect(error).toMatchObject({ code: 'ECONNRESET', syscall: 'read' });
    expect(h.socket.closed).toBe(true);
    h.socket.destroy();
    h.socket.end();
    await nextTurn();
    expect(h.closes).toHaveLength(1);
    expect(h.ends).toBe(0);
  });

  test('writing to a peer that has gone closes the socket with EPIPE', async () => {
    const h = await fdSocketPair(loop);
    h.client.destroy();
    await eventually(() => (h.ends === 1 ? true : undefined));
    // The first bytes may still be taken; the peer's reset makes a later write fail.
    await eventually(() => {
      h.socket.write(Buffer.from('anyone there?\n'));
      return h.socket.closed ? true : undefined;
    });
    expect(await h.closed).toMatchObject({ code: 'EPIPE', syscall: 'write' });
    expect(h.closes).toHaveLength(1);
  });

  test('bytes read are handed to onData in order', async () => {
    const h = await fdSocketPair(loop);
    const parts = ['alpha ', 'beta ', 'gamma'];
    for (const part of parts) h.client.write(part);
    h.client.end();
    await eventually(() => (h.ends === 1 ? true : undefined));
    expect(Buffer.concat(h.data).toString()).toBe(parts.join(''));
    h.socket.end();
    expect(await h.closed).toBeUndefined();
  });
});
