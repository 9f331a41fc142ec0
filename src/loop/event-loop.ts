/**
 * The readiness loop's typed face: watch an fd for readable/writable events
 * with a handler, in the spirit of libuv's uv_poll_t.
 *
 * The wait runs inside Node's event loop (native/park.h), so timers,
 * promises, fs and Node's own sockets keep working beside it. Every wait
 * that finds something makes one call into JavaScript with the whole batch.
 */
import { EventEmitter } from 'node:events';

import { addon, type NativeLoop } from '../native/addon';
import { EMSGSIZE, errnoError } from '../native/errno';
import { LineBatch, type LineSink } from './line-batch';
import { loopStats, STAT_BLOCKED_US, STAT_READY, STAT_SLOTS, STAT_WATCHED } from './stats';
import type { LoopStats, WaitTrace } from './stats';

export const READABLE = addon.READABLE;
export const WRITABLE = addon.WRITABLE;

/** Called with the events (READABLE | WRITABLE) that are ready and wanted. */
export type FdHandler = (events: number) => void;

export interface EventLoopOptions {
  /** Which multiplexer: one of `addon.backends` (`select`, the default; `poll`; `epoll`). */
  backend?: string;
  /**
   * The ceiling: fds at or above it cannot be watched (`ERANGE`). select's
   * cost grows with the highest fd, not with this number.
   */
  maxFds?: number;
  /** Most events handed over per wait; the rest come on the next turn. */
  batchSize?: number;
}

export const DEFAULT_MAX_FDS = 8192;
export const DEFAULT_BATCH_SIZE = 1024;

/** One fd's interest in the loop. Created by `EventLoop.watch`. */
export class FdWatcher {
  readonly fd: number;
  readonly handler: FdHandler;
  #loop: EventLoop;
  #events = 0;
  #closed = false;

  /** @internal */
  constructor(loop: EventLoop, fd: number, handler: FdHandler) {
    this.#loop = loop;
    this.fd = fd;
    this.handler = handler;
  }

  /** The events currently watched. */
  get events(): number {
    return this.#events;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Watch exactly `events` from now on (0 is the same as `stop()`). Throws
   * `ERANGE` for an fd at or past the loop's ceiling.
   */
  start(events: number): void {
    if (this.#closed) throw new Error(`fd ${this.fd}: watcher is closed`);
    if (events === this.#events) return;
    this.#loop._setInterest(this, this.#events, events);
    this.#events = events;
  }

  stop(): void {
    this.start(0);
  }

  /**
   * Read and split this fd's input natively from now on: each wait that finds it readable reads
   * it before JavaScript runs, and its lines reach `sink` in the turn's one batch; `handler` then
   * only ever sees WRITABLE. Reading still follows `start()`: no READABLE interest, no reads.
   * False, and nothing changed, when lines this long do not fit the native batch
   * (`EventLoop.maxFramedLine`). Once per fd: framing it again throws EALREADY.
   */
  frame(maxLineBytes: number, sink: LineSink): boolean {
    if (this.#closed) throw new Error(`fd ${this.fd}: watcher is closed`);
    return this.#loop._frame(this, maxLineBytes, sink);
  }

  /**
   * Stop watching for good. Events of this fd still pending in the current
   * batch are dropped, so the fd may be closed and its number reused at
   * once. Does not close the fd: that is its owner's job, after this.
   */
  close(): void {
    if (this.#closed) return;
    this.stop();
    this.#closed = true;
    this.#loop._forget(this);
  }
}

/** A readiness loop over raw fds. Emits 'error' if a wait fails. */
export class EventLoop extends EventEmitter {
  #native: NativeLoop;
  #events: Int32Array;
  #watchers: (FdWatcher | undefined)[] = [];
  #active = 0; // watchers with a non-empty interest
  #batchCount = 0; // events of the batch being dispatched, else 0
  #lines = new LineBatch();
  #sinks: (LineSink | undefined)[] = [];
  #stats = new Float64Array(STAT_SLOTS);
  #trace: ((wait: WaitTrace) => void) | undefined;

  constructor(options: EventLoopOptions = {}) {
    super();
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.#events = new Int32Array(2 * batchSize);
    this.#native = new addon.Loop(
      options.backend ?? 'select',
      options.maxFds ?? DEFAULT_MAX_FDS,
      this.#events,
      (count, records) => this.#onReady(count, records),
      { lines: this.#lines.bytes, records: this.#lines.records, stats: this.#stats },
    );
  }

  /** The backend's name, e.g. `select`. */
  get backend(): string {
    return this.#native.backend;
  }

  get maxFds(): number {
    return this.#native.maxFds;
  }

  /** The longest line limit `FdWatcher.frame` accepts; past it, lines are JavaScript's to frame. */
  get maxFramedLine(): number {
    return this.#native.maxLine;
  }

  /** How many fds have a non-empty interest. */
  get activeCount(): number {
    return this.#active;
  }

  /** Counters since the loop was created (a snapshot). */
  stats(): LoopStats {
    return loopStats(this.#stats, this.backend, this.#native.count);
  }

  /**
   * Report every wait to `onWait` (`--trace-loop`), or stop with `undefined`. While tracing, the
   * native side times each wait and calls in even when only libuv's fd or a timer ended it; when
   * not, it does neither, so the flag off costs nothing.
   */
  traceWaits(onWait: ((wait: WaitTrace) => void) | undefined): void {
    this.#trace = onWait;
    this.#native.trace(onWait !== undefined);
  }

  /** Create the (stopped) watcher of fd. One watcher per fd at a time. */
  watch(fd: number, handler: FdHandler): FdWatcher {
    if (!Number.isInteger(fd) || fd < 0) throw new TypeError(`not an fd: ${fd}`);
    if (this.#watchers[fd] !== undefined) throw new Error(`fd ${fd} is already watched`);
    const watcher = new FdWatcher(this, fd, handler);
    this.#watchers[fd] = watcher;
    return watcher;
  }

  /**
   * One synchronous wait outside Node's loop, dispatched like a parked one.
   * It blocks the process: for benchmarks and tests. Returns the count.
   */
  runOnce(timeoutMs: number): number {
    if (this.#batchCount > 0) throw new Error('runOnce() inside a handler');
    const count = this.#native.poll(timeoutMs);
    this.#dispatch(count, this.#native.records);
    return Math.max(count, 0);
  }

  /** Release the native loop. Watchers must have been closed first. */
  close(): void {
    if (this.#watchers.some((w) => w !== undefined)) {
      throw new Error('close the watchers before the loop');
    }
    this.#native.close();
  }

  /** @internal Tell the native loop; park while anything is watched. */
  _setInterest(watcher: FdWatcher, from: number, to: number): void {
    const ret = this.#native.set(watcher.fd, to);
    if (ret < 0) throw errnoError(ret, 'watch');
    if (from === 0 && to !== 0) {
      if (this.#active === 0) this.#startParking(watcher.fd);
      this.#active++;
    } else if (from !== 0 && to === 0 && --this.#active === 0) {
      this.#native.stop();
    }
  }

  // Only one loop per thread may park (EBUSY): two would each block
  // without the other's fds.
  #startParking(fd: number): void {
    try {
      this.#native.start();
    } catch (error) {
      this.#native.set(fd, 0);
      throw error;
    }
  }

  /** @internal See FdWatcher.frame. */
  _frame(watcher: FdWatcher, maxLineBytes: number, sink: LineSink): boolean {
    const ret = this.#native.frame(watcher.fd, maxLineBytes);
    if (ret === EMSGSIZE) return false;
    if (ret < 0) throw errnoError(ret, 'frame');
    this.#sinks[watcher.fd] = sink;
    return true;
  }

  /** @internal Drop a closed watcher, and its events and lines in the current batch. */
  _forget(watcher: FdWatcher): void {
    if (this.#watchers[watcher.fd] === watcher) this.#watchers[watcher.fd] = undefined;
    if (this.#sinks[watcher.fd] !== undefined) {
      this.#sinks[watcher.fd] = undefined;
      this.#native.frame(watcher.fd, 0);
      this.#lines.invalidate(watcher.fd);
    }
    const events = this.#events;
    // A handler may close another fd of this batch, and a new fd may then
    // take its number: its stale events must not fire (libuv does the same).
    for (let i = 0; i < this.#batchCount; i++) {
      if (events[2 * i] === watcher.fd) events[2 * i] = -1;
    }
  }

  #onReady(count: number, records: number): void {
    if (this.#trace === undefined) this.#dispatch(count, records);
    else this.#dispatchTraced(count, records, this.#trace);
  }

  // Apart from #onReady, whose every call would otherwise allocate the closure's context.
  #dispatchTraced(count: number, records: number, trace: (wait: WaitTrace) => void): void {
    const started = performance.now();
    const wait = {
      backend: this.backend,
      fds: this.#stats[STAT_WATCHED] as number,
      ready: this.#stats[STAT_READY] as number,
      blockedUs: this.#stats[STAT_BLOCKED_US] as number,
      dispatchUs: 0,
    };
    this.#dispatch(count, records);
    // Queued last, so it runs after the end-of-turn flush the handlers queued.
    process.nextTick(() => {
      wait.dispatchUs = 1000 * (performance.now() - started);
      trace(wait);
    });
  }

  #dispatch(count: number, records: number): void {
    if (count < 0) {
      this.emit('error', errnoError(count, this.backend));
      return;
    }
    // Lines first: they were read before the rest of the batch is handled.
    if (records > 0) this.#lines.dispatch(records, this.#sinks);
    const events = this.#events;
    this.#batchCount = count;
    try {
      for (let i = 0; i < count; i++) {
        const watcher = this.#watchers[events[2 * i]];
        if (watcher === undefined) continue;
        // Re-check against the current interest: an earlier handler of this
        // batch may have changed it.
        const ready = events[2 * i + 1] & watcher.events;
        if (ready !== 0) watcher.handler(ready);
      }
    } finally {
      this.#batchCount = 0;
    }
  }
}
