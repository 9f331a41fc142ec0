/**
 * An FdSocket over a real loopback connection, with a Node client as its peer collecting what
 * it receives: for the tests of what a socket writes (turn output, its queue, its ownership).
 */
import { createHash } from 'node:crypto';

import type { EventLoop } from '../../src/loop/event-loop';
import { FdSocket } from '../../src/transport/fd-socket';
import { collect } from './lines';
import { tcpPair } from './tcp';
import { eventually, teardown } from './teardown';

export interface SocketPair {
  socket: FdSocket;
  /** Everything the peer got, once the socket has closed. */
  received: Promise<Buffer>;
  /** Resolves once the peer has got `length` bytes, with them (the socket left open). */
  receivedSoFar(length: number): Promise<Buffer>;
  pause(): void;
  resume(): void;
}

/** An FdSocket destroyed after the test (its onClose awaited). */
export async function socketPair(loop: EventLoop, onDrain?: () => void): Promise<SocketPair> {
  const tcp = await tcpPair();
  let closed = (): void => undefined;
  const done = new Promise<void>((resolve) => (closed = resolve));
  const socket = new FdSocket(loop, tcp.server.release(), tcp.peer, {
    onData: () => undefined,
    onEnd: () => undefined,
    onDrain,
    onClose: () => closed(),
  });
  teardown(async () => {
    socket.destroy();
    await done;
  });
  let got: Buffer[] = [];
  tcp.client.on('data', (data: Buffer) => got.push(data));
  return {
    socket,
    received: collect(tcp.client),
    receivedSoFar: (length) =>
      eventually(() => {
        got = [Buffer.concat(got)];
        return (got[0] as Buffer).length >= length ? got[0] : undefined;
      }),
    pause: () => tcp.client.pause(),
    resume: () => tcp.client.resume(),
  };
}

export const sha1 = (data: Buffer): string => createHash('sha1').update(data).digest('hex');

/** A line of about `size` bytes, numbered. */
export function line(i: number, size = 60): Buffer {
  return Buffer.from(`${i} ${'z'.repeat(size)}\n`);
}
