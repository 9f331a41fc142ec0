/**
 * The cost of one wait as the watched set grows: `loop.runOnce(0)`, a
 * zero-timeout wait that finds nothing, over N idle watched sockets, in µs
 * per call (the median of several timed repetitions), for each backend.
 *
 * The same N sockets are measured in two placements, and on every backend,
 * all alternated within each repetition (A, B, C, then C, B, A): `low`, at
 * the lowest free fds (as a server's clients are), and `high`, dup'd to just
 * below `top`, so that the highest fd is the same for every N. Same N,
 * different placement isolates the highest fd's share; same placement,
 * different N isolates the count's.
 *
 * A zero-timeout select() or poll() skips what a blocking one also pays per
 * fd: adding itself to, and removing itself from, every socket's wait queue.
 * That part shows in the wake-up latency instead. epoll pays it once, when
 * an fd is added to the set.
 */
import { addon } from '../src/native/addon';
import { DEFAULT_MAX_FDS, EventLoop, READABLE, type FdWatcher } from '../src/loop/event-loop';
import { median } from './stats';

export type Placement = 'low' | 'high';

export interface WaitCostOptions {
  /** Timed repetitions per placement. */
  reps: number;
  /** How long each repetition calls runOnce(0). */
  repMs: number;
  /** The `high` placement puts the fds just below this fd number. */
  top: number;
}

export interface WaitCostRow {
  backend: string;
  watched: number;
  placement: Placement;
  /** Our fds only; libuv's epoll fd is always in the set too (a low fd). */
  lowestFd: number | null;
  highestFd: number | null;
  /** Median over the repetitions, µs per runOnce(0). */
  usPerCall: number;
  minUsPerCall: number;
  maxUsPerCall: number;
  calls: number;
  /** Events handed to a handler: must be 0 for idle sockets. */
  nonEmpty: number;
}

interface WatchedSet {
  backend: string;
  loop: EventLoop;
  placement: Placement;
  fds: readonly number[];
  watchers: FdWatcher[];
  owned: boolean; // fds we dup'd, to close (once, by the first backend's set)
  perCall: number[];
  calls: number;
  nonEmpty: number;
}

const CALLS_PER_CHECK = 50;

/** runOnce(0) for about `ms`: µs per call and calls made. */
function timeCalls(loop: EventLoop, ms: number): { us: number; calls: number } {
  const budget = BigInt(Math.round(ms * 1e6));
  const start = process.hrtime.bigint();
  let now = start;
  let calls = 0;
  while (now - start < budget) {
    for (let i = 0; i < CALLS_PER_CHECK; i++) loop.runOnce(0);
    calls += CALLS_PER_CHECK;
    now = process.hrtime.bigint();
  }
  return { us: Number(now - start) / 1000 / calls, calls };
}

/** Dup `fds` to [top - n, top), or undefined if that range would not be free and above them. */
function placeHigh(fds: readonly number[], top: number): number[] | undefined {
  if (fds.length === 0 || top - fds.length <= Math.max(...fds)) return undefined;
  const dups: number[] = [];
  for (const fd of fds) {
    const dup = addon.fdDupAbove(fd, top - fds.length);
    if (dup >= 0) dups.push(dup);
    if (dup < 0 || dup >= top) {
      for (const d of dups) addon.fdClose(d);
      return undefined;
    }
  }
  return dups;
}

export function measureWaitCost(
  fds: readonly number[],
  options: WaitCostOptions,
  backends: readonly string[],
): WaitCostRow[] {
  const maxFds = Math.max(DEFAULT_MAX_FDS, options.top + 1);
  const loops = backends.map((backend) => new EventLoop({ backend, maxFds }));
  const sets: WatchedSet[] = [];
  const addSet = (placement: Placement, setFds: readonly number[], owned: boolean): void => {
    for (const loop of loops) addSetOn(loop, placement, setFds, owned && loop === loops[0]);
  };
  const addSetOn = (
    loop: EventLoop,
    placement: Placement,
    setFds: readonly number[],
    owned: boolean,
  ): void => {
    const set: WatchedSet = {
      backend: loop.backend,
      loop,
      placement,
      fds: setFds,
      watchers: [],
      owned,
      perCall: [],
      calls: 0,
      nonEmpty: 0,
    };
    set.watchers = setFds.map((fd) => loop.watch(fd, () => set.nonEmpty++));
    sets.push(set);
  };
  try {
    addSet('low', fds, false);
    const high = placeHigh(fds, options.top);
    if (high !== undefined) addSet('high', high, true);

    for (let rep = 0; rep < options.reps; rep++) {
      // A, B, C, then C, B, A: no placement or backend always runs first.
      const order = rep % 2 === 0 ? sets : [...sets].reverse();
      for (const set of order) {
        for (const watcher of set.watchers) watcher.start(READABLE);
        const { us, calls } = timeCalls(set.loop, options.repMs);
        for (const watcher of set.watchers) watcher.stop();
        set.perCall.push(us);
        set.calls += calls;
      }
    }
  } finally {
    for (const set of sets) for (const watcher of set.watchers) watcher.close();
    for (const set of sets) if (set.owned) for (const fd of set.fds) addon.fdClose(fd);
    for (const loop of loops) loop.close();
  }

  return sets.map((set) => ({
    backend: set.backend,
    watched: set.fds.length,
    placement: set.placement,
    lowestFd: set.fds.length > 0 ? Math.min(...set.fds) : null,
    highestFd: set.fds.length > 0 ? Math.max(...set.fds) : null,
    usPerCall: median(set.perCall),
    minUsPerCall: Math.min(...set.perCall),
    maxUsPerCall: Math.max(...set.perCall),
    calls: set.calls,
    nonEmpty: set.nonEmpty,
  }));
}
