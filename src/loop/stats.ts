/**
 * The loop's counters. The native park and reader count into a Float64Array that JavaScript owns
 * (slots as in native/park.h: two stores per wait, no crossing); bytes that JavaScript moves itself
 * are counted here. A snapshot is a plain object, cheap enough to take on demand (`/stats`, the
 * shutdown summary).
 */

/** Slots of the native counters; keep in step with the SC_STAT_* enum of native/park.h. */
export const STAT_WAITS = 0;
export const STAT_WAKEUPS = 1;
export const STAT_BYTES_IN = 2;
export const STAT_WATCHED = 3;
export const STAT_READY = 4;
export const STAT_BLOCKED_US = 5;
export const STAT_SLOTS = 6;

/** Bytes moved by JavaScript calls (reads of unframed fds, every write). One per thread. */
export const ioCounters = { bytesIn: 0, bytesOut: 0 };

/** What the loop has done since it was created. */
export interface LoopStats {
  backend: string;
  /** Waits (iterations of the readiness loop), whatever ended them. */
  iterations: number;
  /** Waits that found some of our fds ready. */
  wakeups: number;
  /** Fds watched now (not counting libuv's own). */
  watched: number;
  bytesIn: number;
  bytesOut: number;
}

/** One wait, as `--trace-loop` logs it. */
export interface WaitTrace {
  backend: string;
  /** Our fds watched during the wait. */
  fds: number;
  /** How many were ready. */
  ready: number;
  blockedUs: number;
  /** Handlers and the end-of-turn flush that followed. */
  dispatchUs: number;
}

export function loopStats(native: Float64Array, backend: string, watched: number): LoopStats {
  return {
    backend,
    iterations: native[STAT_WAITS] as number,
    wakeups: native[STAT_WAKEUPS] as number,
    watched,
    bytesIn: (native[STAT_BYTES_IN] as number) + ioCounters.bytesIn,
    bytesOut: ioCounters.bytesOut,
  };
}
