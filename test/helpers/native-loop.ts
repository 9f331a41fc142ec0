/**
 * A native backend driven directly, below EventLoop: the addon's Loop, polled synchronously and
 * never parked, so a test sees exactly what one wait of the backend reports. Closed after the
 * test, every fd's interest cleared first (as an owner must before closing an fd).
 */
import { DEFAULT_MAX_FDS } from '../../src/loop/event-loop';
import { addon, type NativeLoop } from '../../src/native/addon';
import { errnoError } from '../../src/native/errno';
import { loopsFreed } from './loop';
import { teardown } from './teardown';

export const { READABLE, WRITABLE } = addon;
export const BOTH = READABLE | WRITABLE;

/** One fd's readiness as a wait reported it. */
export type Fired = [fd: number, events: number];

export class Backend {
  readonly native: NativeLoop;
  #events: Int32Array;
  #watched = new Set<number>();
  #closed = false;

  constructor(name: string, options: { maxFds?: number; capacity?: number } = {}) {
    this.#events = new Int32Array(2 * (options.capacity ?? 64));
    this.native = new addon.Loop(
      name,
      options.maxFds ?? DEFAULT_MAX_FDS,
      this.#events,
      () => undefined,
    );
    teardown(() => this.close());
  }

  /** Watch exactly `events` on fd; returns set()'s result (0, or a negated errno). */
  set(fd: number, events: number): number {
    const ret = this.native.set(fd, events);
    if (ret === 0 && events !== 0) this.#watched.add(fd);
    if (ret === 0 && events === 0) this.#watched.delete(fd);
    return ret;
  }

  /** One wait: what it reported, sorted by fd (order is the backend's business). Throws on error. */
  poll(timeoutMs = 0): Fired[] {
    const fired = this.pollInOrder(timeoutMs);
    return fired.sort((a, b) => a[0] - b[0]);
  }

  /** One wait, in the order the backend reported. */
  pollInOrder(timeoutMs = 0): Fired[] {
    const count = this.native.poll(timeoutMs);
    if (count < 0) throw errnoError(count, this.native.backend);
    return Array.from({ length: count }, (_, i): Fired => [
      this.#events[2 * i],
      this.#events[2 * i + 1],
    ]);
  }

  /** Clear every interest and release the loop; resolves once libuv has let go of it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    for (const fd of this.#watched) this.native.set(fd, 0);
    this.#watched.clear();
    this.#closed = true;
    this.native.close();
    await loopsFreed();
  }
}
