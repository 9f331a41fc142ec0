/**
 * Wake-up latency: the writer process stamps the time and writes one sample
 * to a random one of the N watched sockets; the sample's handler stamps the
 * time on entry. Latency = handler entry − writer stamp (both
 * CLOCK_MONOTONIC). It spans the write(2) itself, TCP over loopback, the
 * wake-up of our blocked wait, and the way back into JavaScript.
 *
 * Two ways of waiting, alternated sample by sample (A, B, A, B …):
 *  - `parked`: production. The watchers are started and the process goes
 *    back to Node's event loop; the wait is the park's in its uv_prepare
 *    hook, and the batch reaches JS via napi_make_callback.
 *  - `bare`: a control. JS blocks in `loop.runOnce()`, the backend's wait
 *    called from JS, outside libuv. parked − bare is the price of living
 *    inside Node's event loop.
 *
 * Several backends are measured side by side over the same sockets: one
 * loop each, the active one's watchers started and the others' stopped,
 * taking turns in blocks of BLOCK samples in the order A B C C B A A B C …
 *
 * Pacing: the next request is sent from a setImmediate after the handler's
 * turn, and the writer waits `gapMs` (a timer, ≥ 1 ms) before it stamps, so
 * that we are blocked again by then. The writer checks it: it reads which
 * system call our main thread is in (/proc/<pid>/syscall) just before the
 * stamp, and every sample carries the answer (`inWait` below).
 *
 * Where the woken loop runs matters: a TCP write over loopback wakes the
 * reader with a "sync" wake-up, and the scheduler then tends to run the reader
 * on the writer's CPU once the writer sleeps, rather than waking the other
 * CPU. Each sample notes whether the handler ran on the writer's CPU
 * (`sameCpu`), with the latencies of both groups.
 */
import { addon } from '../src/native/addon';
import { EventLoop, READABLE, type FdWatcher } from '../src/loop/event-loop';
import type { Fixture } from './loop-fixture';
import {
  currentCpu,
  decodeSample,
  NOT_READ,
  PAYLOAD_BYTES,
  RUNNING,
  WAIT_SYSCALLS,
} from './loop-protocol';
import { round, summarize, type Percentiles } from './stats';

export type WakeMode = 'parked' | 'bare';
export const WAKE_MODES: readonly WakeMode[] = ['parked', 'bare'];

export interface LatencyOptions {
  /** Counted samples per backend and mode. */
  samples: number;
  /** Uncounted samples per backend and mode, first. */
  warmup: number;
  /** How long the writer waits after a request before it stamps and writes. */
  gapMs: number;
}

/** Latencies in µs. */
export interface LatencyRow extends Percentiles {
  backend: string;
  sockets: number;
  highestFd: number;
  mode: WakeMode;
  /** Samples whose write found our main thread blocked in the backend's wait. */
  inWait: number;
  /** The other samples, by what the writer saw instead. */
  elsewhere: Record<string, number>;
  /** Samples whose handler ran on the CPU the writer wrote from, and their split. */
  sameCpu: number;
  sameCpuLatency: Percentiles;
  otherCpuLatency: Percentiles;
  /** The ten largest samples: µs, where the handler ran, where the writer found us. */
  worst: { us: number; sameCpu: boolean; loopWas: string }[];
}

interface Received {
  latencyNs: bigint;
  parentSyscall: number;
  sameCpu: boolean;
}

interface Pending {
  index: number;
  seq: number;
  resolve(received: Received): void;
  reject(error: Error): void;
}

const SAMPLE_TIMEOUT_MS = 5000;
const BARE_WAIT_MS = 100;
/** Samples (both modes together) a backend takes before the next one's turn. */
const BLOCK = 100;

function stateOf(syscall: number): string {
  if (WAIT_SYSCALLS.includes(syscall)) return 'in wait';
  if (syscall === RUNNING) return 'running';
  if (syscall === NOT_READ) return 'unknown';
  return `syscall ${syscall}`;
}

/** One backend's loop over the fixture's sockets, sampled one write at a time. */
class Probe {
  readonly backend: string;
  readonly counted = new Map<WakeMode, Received[]>(WAKE_MODES.map((mode) => [mode, []]));
  #fixture: Fixture;
  #loop: EventLoop;
  #watchers: FdWatcher[];
  #buffer = Buffer.alloc(4 * PAYLOAD_BYTES);
  #pending: Pending | undefined;
  #failure: Error | undefined;

  constructor(fixture: Fixture, backend: string) {
    this.backend = backend;
    this.#fixture = fixture;
    this.#loop = new EventLoop({ backend });
    this.#watchers = fixture.fds.map((fd, index) =>
      this.#loop.watch(fd, () => this.#read(fd, index)),
    );
  }

  /** Only one probe's watchers run at a time (only one loop may park). */
  activate(on: boolean): void {
    for (const watcher of this.#watchers) watcher.start(on ? READABLE : 0);
  }

  fail(error: Error): void {
    this.#failure ??= error;
    this.activate(false); // EOF would stay readable
    const waiting = this.#pending;
    this.#pending = undefined;
    waiting?.reject(error);
  }

  async sample(mode: WakeMode, seq: number, gapMs: number): Promise<Received> {
    // Out of the previous handler's turn before asking for the next write.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.#failure !== undefined) throw this.#failure;
    const index = Math.floor(Math.random() * this.#fixture.fds.length);
    const received = new Promise<Received>((resolve, reject) => {
      this.#pending = { index, seq, resolve, reject };
    });
    this.#fixture.request(index, seq, gapMs);
    if (mode === 'bare') {
      const deadline = Date.now() + SAMPLE_TIMEOUT_MS;
      while (this.#pending !== undefined && Date.now() < deadline) this.#loop.runOnce(BARE_WAIT_MS);
    }
    const timer = setTimeout(
      () => this.fail(new Error(`sample ${seq} (${this.backend}, ${mode}) did not arrive`)),
      SAMPLE_TIMEOUT_MS,
    );
    try {
      return await received;
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    for (const watcher of this.#watchers) watcher.close();
    this.#loop.close();
  }

  #read(fd: number, index: number): void {
    const entered = process.hrtime.bigint();
    const n = addon.fdRead(fd, this.#buffer, 0, this.#buffer.length);
    if (n === 0) return this.fail(new Error(`fd ${fd}: EOF (did the writer process die?)`));
    if (n !== PAYLOAD_BYTES) return this.fail(new Error(`fd ${fd}: read returned ${n}`));
    const sample = decodeSample(this.#buffer);
    const waiting = this.#pending;
    if (waiting === undefined || waiting.index !== index || waiting.seq !== sample.seq) {
      return this.fail(new Error(`fd ${fd}: unexpected sample ${sample.seq}`));
    }
    this.#pending = undefined;
    waiting.resolve({
      latencyNs: entered - sample.stampNs,
      parentSyscall: sample.parentSyscall,
      sameCpu: sample.writerCpu >= 0 && sample.writerCpu === currentCpu(),
    });
  }
}

export async function measureLatency(
  fixture: Fixture,
  options: LatencyOptions,
  backends: readonly string[],
): Promise<LatencyRow[]> {
  const probes = backends.map((backend) => new Probe(fixture, backend));
  let measuring = true;
  fixture.onWriterExit((code) => {
    const error = new Error(`the writer exited (${code}) during the measurement`);
    if (measuring) for (const probe of probes) probe.fail(error);
  });

  const perProbe = (options.warmup + options.samples) * WAKE_MODES.length;
  const taken = new Map<Probe, number>(probes.map((probe) => [probe, 0]));
  let seq = 0;
  try {
    for (let round = 0; taken.get(probes[0]) !== perProbe; round++) {
      for (const probe of round % 2 === 0 ? probes : [...probes].reverse()) {
        probe.activate(true);
        const done = taken.get(probe) ?? 0;
        const until = Math.min(perProbe, done + BLOCK);
        for (let n = done; n < until; n++) {
          const mode = WAKE_MODES[n % WAKE_MODES.length];
          const received = await probe.sample(mode, seq++, options.gapMs);
          if (n >= options.warmup * WAKE_MODES.length) probe.counted.get(mode)?.push(received);
        }
        taken.set(probe, until);
        probe.activate(false);
      }
    }
  } finally {
    measuring = false;
    for (const probe of probes) probe.close();
  }
  const highestFd = Math.max(...fixture.fds);
  return probes.flatMap((probe) =>
    WAKE_MODES.map((mode) => summarizeMode(probe, mode, fixture.fds.length, highestFd)),
  );
}

function summarizeMode(
  probe: Probe,
  mode: WakeMode,
  sockets: number,
  highestFd: number,
): LatencyRow {
  const samples = probe.counted.get(mode) ?? [];
  const micros = samples.map((s) => Number(s.latencyNs) / 1000);
  const elsewhere: Record<string, number> = {};
  let inWait = 0;
  for (const { parentSyscall } of samples) {
    if (WAIT_SYSCALLS.includes(parentSyscall)) {
      inWait++;
    } else {
      const name = stateOf(parentSyscall);
      elsewhere[name] = (elsewhere[name] ?? 0) + 1;
    }
  }
  return {
    backend: probe.backend,
    sockets,
    highestFd,
    mode,
    ...summarize(micros),
    inWait,
    elsewhere,
    sameCpu: samples.filter((s) => s.sameCpu).length,
    sameCpuLatency: summarize(micros.filter((_, i) => samples[i].sameCpu)),
    otherCpuLatency: summarize(micros.filter((_, i) => !samples[i].sameCpu)),
    worst: samples
      .map((s, i) => ({
        us: round(micros[i]),
        sameCpu: s.sameCpu,
        loopWas: stateOf(s.parentSyscall),
      }))
      .sort((a, b) => b.us - a.us)
      .slice(0, 10),
  };
}
