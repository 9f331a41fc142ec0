/**
 * Wake-up latency: the writer process stamps the time and writes one sample
 * to a random one of the N watched sockets; the sample's handler stamps the
 * time on entry. Latency = handler entry − writer stamp (both
 * CLOCK_MONOTONIC). It spans the write(2) itself, TCP over loopback, the
 * wake-up of our blocked select(), and the way back into JavaScript.
 *
 * Two ways of waiting, alternated sample by sample (A, B, A, B …):
 *  - `parked`: production. The watchers are started and the process goes
 *    back to Node's event loop; the wait is the park's select() in its
 *    uv_prepare hook, and the batch reaches JS via napi_make_callback.
 *  - `bare`: a control. JS blocks in `loop.runOnce()`, a plain select()
 *    called from JS, outside libuv. parked − bare is the price of living
 *    inside Node's event loop.
 *
 * Pacing: the next request is sent from a setImmediate after the handler's
 * turn, and the writer waits `gapMs` (a timer, ≥ 1 ms) before it stamps, so
 * that we are blocked again by then. The writer checks it: it reads which
 * system call our main thread is in (/proc/<pid>/syscall) just before the
 * stamp, and every sample carries the answer (`inSelect` below).
 *
 * Where the woken loop runs matters: a TCP write over loopback wakes the
 * reader with a "sync" wake-up, and the scheduler then tends to run the reader
 * on the writer's CPU once the writer sleeps, rather than waking the other
 * CPU. Each sample notes whether the handler ran on the writer's CPU
 * (`sameCpu`), with the latencies of both groups.
 */
import { addon } from '../src/native/addon';
import { EventLoop, READABLE } from '../src/loop/event-loop';
import type { Fixture } from './loop-fixture';
import {
  currentCpu,
  decodeSample,
  NOT_READ,
  PAYLOAD_BYTES,
  RUNNING,
  SELECT_SYSCALLS,
} from './loop-protocol';
import { round, summarize, type Percentiles } from './stats';

export type WakeMode = 'parked' | 'bare';
export const WAKE_MODES: readonly WakeMode[] = ['parked', 'bare'];

export interface LatencyOptions {
  /** Counted samples per mode. */
  samples: number;
  /** Uncounted samples per mode, first. */
  warmup: number;
  /** How long the writer waits after a request before it stamps and writes. */
  gapMs: number;
}

/** Latencies in µs. */
export interface LatencyRow extends Percentiles {
  sockets: number;
  highestFd: number;
  mode: WakeMode;
  /** Samples whose write found our main thread blocked in select(2). */
  inSelect: number;
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

function stateOf(syscall: number): string {
  if (SELECT_SYSCALLS.includes(syscall)) return 'in select';
  if (syscall === RUNNING) return 'running';
  if (syscall === NOT_READ) return 'unknown';
  return `syscall ${syscall}`;
}

export async function measureLatency(
  fixture: Fixture,
  options: LatencyOptions,
): Promise<LatencyRow[]> {
  const loop = new EventLoop();
  const buffer = Buffer.alloc(4 * PAYLOAD_BYTES);
  let pending: Pending | undefined;
  let failure: Error | undefined;

  const fail = (error: Error): void => {
    failure ??= error;
    for (const watcher of watchers) watcher.stop(); // EOF would stay readable
    const waiting = pending;
    pending = undefined;
    waiting?.reject(error);
  };

  const watchers = fixture.fds.map((fd, index) => {
    const watcher = loop.watch(fd, () => {
      const entered = process.hrtime.bigint();
      const n = addon.fdRead(fd, buffer, 0, buffer.length);
      if (n === 0) return fail(new Error(`fd ${fd}: EOF (did the writer process die?)`));
      if (n !== PAYLOAD_BYTES) return fail(new Error(`fd ${fd}: read returned ${n}`));
      const sample = decodeSample(buffer);
      const waiting = pending;
      if (waiting === undefined || waiting.index !== index || waiting.seq !== sample.seq) {
        return fail(new Error(`fd ${fd}: unexpected sample ${sample.seq}`));
      }
      pending = undefined;
      waiting.resolve({
        latencyNs: entered - sample.stampNs,
        parentSyscall: sample.parentSyscall,
        sameCpu: sample.writerCpu >= 0 && sample.writerCpu === currentCpu(),
      });
    });
    watcher.start(READABLE);
    return watcher;
  });
  let measuring = true;
  fixture.onWriterExit((code) => {
    if (measuring) fail(new Error(`the writer exited (${code}) during the measurement`));
  });

  const sampleOnce = async (mode: WakeMode, seq: number): Promise<Received> => {
    // Out of the previous handler's turn before asking for the next write.
    await new Promise((resolve) => setImmediate(resolve));
    if (failure !== undefined) throw failure;
    const index = Math.floor(Math.random() * fixture.fds.length);
    const received = new Promise<Received>((resolve, reject) => {
      pending = { index, seq, resolve, reject };
    });
    fixture.request(index, seq, options.gapMs);
    if (mode === 'bare') {
      const deadline = Date.now() + SAMPLE_TIMEOUT_MS;
      while (pending !== undefined && Date.now() < deadline) loop.runOnce(BARE_WAIT_MS);
    }
    const timer = setTimeout(
      () => fail(new Error(`sample ${seq} (${mode}) did not arrive`)),
      SAMPLE_TIMEOUT_MS,
    );
    try {
      return await received;
    } finally {
      clearTimeout(timer);
    }
  };

  const counted = new Map<WakeMode, Received[]>(WAKE_MODES.map((mode) => [mode, []]));
  try {
    const total = (options.warmup + options.samples) * WAKE_MODES.length;
    for (let seq = 0; seq < total; seq++) {
      const mode = WAKE_MODES[seq % WAKE_MODES.length];
      const received = await sampleOnce(mode, seq);
      if (seq >= options.warmup * WAKE_MODES.length) counted.get(mode)?.push(received);
    }
  } finally {
    measuring = false;
    for (const watcher of watchers) watcher.close();
    loop.close();
  }

  const highestFd = Math.max(...fixture.fds);
  return WAKE_MODES.map((mode) => {
    const samples = counted.get(mode) ?? [];
    const micros = samples.map((s) => Number(s.latencyNs) / 1000);
    const onSameCpu = micros.filter((_, i) => samples[i].sameCpu);
    const onOtherCpu = micros.filter((_, i) => !samples[i].sameCpu);
    const elsewhere: Record<string, number> = {};
    let inSelect = 0;
    for (const { parentSyscall } of samples) {
      if (SELECT_SYSCALLS.includes(parentSyscall)) {
        inSelect++;
      } else {
        const name = stateOf(parentSyscall);
        elsewhere[name] = (elsewhere[name] ?? 0) + 1;
      }
    }
    return {
      sockets: fixture.fds.length,
      highestFd,
      mode,
      ...summarize(micros),
      inSelect,
      elsewhere,
      sameCpu: onSameCpu.length,
      sameCpuLatency: summarize(onSameCpu),
      otherCpuLatency: summarize(onOtherCpu),
      worst: samples
        .map((s, i) => ({
          us: round(micros[i]),
          sameCpu: s.sameCpu,
          loopWas: stateOf(s.parentSyscall),
        }))
        .sort((a, b) => b.us - a.us)
        .slice(0, 10),
    };
  });
}
