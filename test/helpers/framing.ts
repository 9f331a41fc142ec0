/**
 * Connections whose server side the loop frames natively (native/reader.c, native/lines.c), each
 * collecting what its sink yields as a list of items, for the framing tests.
 */
import type net from 'node:net';

import { READABLE, type EventLoop, type FdWatcher } from '../../src/loop/event-loop';
import type { LineSink } from '../../src/loop/line-batch';
import { decodeLine } from '../../src/protocol/line-reader';
import type { OwnedFd } from './fds';
import { watch } from './loop';
import { tcpPair } from './tcp';
import { eventually } from './teardown';

/** A line, '!line-too-long', '!eof', or '!error <errno>'. */
export type Item = string;

export const noSink: LineSink = {
  onLine: () => undefined,
  onLineTooLong: () => undefined,
  onEof: () => undefined,
  onReadError: () => undefined,
};

export interface Framed {
  items: Item[];
  client: net.Socket;
  /** Our side (closed after the test, unless closed before). */
  server: OwnedFd;
  fd: number;
  watcher: FdWatcher;
  /** Called after each item. */
  onItem?: (item: Item) => void;
  /** Bytes the loop has read from this connection so far (its native counter). */
  bytesIn(): number;
}

/** What a framed connection's sink makes of a line: its text, checked if it is said clean. */
function itemOf(bytes: Buffer, start: number, end: number, clean: boolean): Item | undefined {
  if (!clean) {
    const text = decodeLine(bytes, start, end);
    return text.length > 0 ? text : undefined;
  }
  const text = bytes.toString('utf8', start, end);
  // The fast path's promise: a clean line's bytes are its decoded text, unchanged.
  const same =
    decodeLine(bytes, start, end) === text &&
    Buffer.from(text, 'utf8').equals(bytes.subarray(start, end));
  return same ? text : `!not clean: ${JSON.stringify(text)}`;
}

/** A real connection whose server side the loop frames natively, collecting what it yields. */
export async function framedPair(loop: EventLoop, maxLineBytes: number): Promise<Framed> {
  const { server, client } = await tcpPair();
  const items: Item[] = [];
  const push = (item: Item | undefined): void => {
    if (item === undefined) return;
    items.push(item);
    framed.onItem?.(item);
  };
  const sink: LineSink = {
    onLine: (bytes, start, end, clean) => push(itemOf(bytes, start, end, clean)),
    onLineTooLong: () => push('!line-too-long'),
    onEof: () => {
      push('!eof');
      watcher.stop();
    },
    onReadError: (errno) => push(`!error ${errno}`),
  };
  const watcher = watch(loop, server.fd, () => undefined);
  watcher.start(READABLE);
  watcher.frame(maxLineBytes, sink);
  const before = loop.stats().bytesIn;
  const framed: Framed = {
    items,
    client,
    server,
    fd: server.fd,
    watcher,
    bytesIn: () => loop.stats().bytesIn - before,
  };
  return framed;
}

/** Sends each chunk only once the loop has read the one before: the splits are the reads. */
export async function sendApart(framed: Framed, chunks: readonly Buffer[]): Promise<void> {
  let sent = 0;
  for (const chunk of chunks) {
    framed.client.write(chunk);
    sent += chunk.length;
    await eventually(() => (framed.bytesIn() >= sent ? true : undefined));
  }
}
