/**
 * Reading Node streams in tests: lines one at a time, or every byte until 'end'. A stream that
 * ends or fails while a line is awaited rejects the wait, so a missing line fails the test.
 */
import type { Readable } from 'node:stream';

interface Waiter {
  resolve(line: string): void;
  reject(error: Error): void;
}

/** The lines of a stream, in order, each without its '\n'. */
class LineQueue {
  #pending = Buffer.alloc(0);
  #lines: string[] = [];
  #waiters: Waiter[] = [];
  #done: Error | undefined;

  constructor(stream: Readable) {
    stream.on('data', (chunk: Buffer | string) => this.#push(Buffer.from(chunk)));
    stream.once('end', () => this.#finish(new Error('the stream ended before a full line')));
    stream.once('error', (error: Error) => this.#finish(error));
    stream.once('close', () => this.#finish(new Error('the stream closed before a full line')));
  }

  next(): Promise<string> {
    const line = this.#lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.#done !== undefined) return Promise.reject(this.#done);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  #push(chunk: Buffer): void {
    this.#pending = Buffer.concat([this.#pending, chunk]);
    let newline: number;
    while ((newline = this.#pending.indexOf(10)) >= 0) {
      const line = this.#pending.subarray(0, newline).toString('utf8');
      this.#pending = this.#pending.subarray(newline + 1);
      const waiter = this.#waiters.shift();
      if (waiter !== undefined) waiter.resolve(line);
      else this.#lines.push(line);
    }
  }

  #finish(error: Error): void {
    this.#done ??= error;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#done);
  }
}

const queues = new WeakMap<Readable, LineQueue>();

/**
 * The next line of `stream`. Call it as soon as the stream exists (or call `watchLines`), so no
 * early data is missed: the first call starts listening.
 */
export function readLine(stream: Readable): Promise<string> {
  return watchLines(stream).next();
}

/** Start buffering the lines of `stream` now. */
export function watchLines(stream: Readable): LineQueue {
  let queue = queues.get(stream);
  if (queue === undefined) {
    queue = new LineQueue(stream);
    queues.set(stream, queue);
  }
  return queue;
}

/** Every byte of `stream` until its 'end'. */
export function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk: Buffer | string) => chunks.push(Buffer.from(chunk)));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

/** Resolves when `stream` emits 'end'; rejects if it closes or fails first. */
export function ended(stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('end', resolve);
    stream.once('error', reject);
    stream.once('close', () => reject(new Error('closed without an end')));
  });
}
