import fs from 'node:fs';

/**
 * What the benchmark process and its writer process (loop-writer.ts) say to
 * each other: requests over Node's IPC channel, samples over the measured
 * sockets themselves.
 */

/** The writer's fd of socket 0: 0-2 are stdio, 3 is the IPC channel. */
export const WRITER_FIRST_FD = 4;

/**
 * One sample on the wire, written in one write(2): the writer's
 * `process.hrtime.bigint()` (CLOCK_MONOTONIC, the same clock in every process
 * of the machine) taken just before the write, the sample's sequence number,
 * the system call the benchmark process's main thread was blocked in just
 * before the stamp (from /proc/<pid>/syscall; see `NOT_READ`, `RUNNING`), and
 * the CPU the writer ran on.
 */
export const PAYLOAD_BYTES = 20;

/** The writer could not read /proc/<pid>/syscall. */
export const NOT_READ = -1;
/** The benchmark's main thread was on a CPU, not blocked in a system call. */
export const RUNNING = -2;

/**
 * The system calls a backend's wait may be, whichever libc uses: select/pselect6, poll/ppoll,
 * epoll_wait/epoll_pwait/epoll_pwait2 (x86_64 and arm64 numbers).
 */
export const WAIT_SYSCALLS: readonly number[] =
  process.arch === 'x64'
    ? [23, 270, 7, 271, 232, 281, 441]
    : process.arch === 'arm64'
      ? [72, 73, 22, 441]
      : [];

/** Benchmark → writer: write one sample to socket `index` after `gapMs`. */
export interface WriteRequest {
  type: 'write';
  index: number;
  seq: number;
  gapMs: number;
}

/** Writer → benchmark: set up and waiting for requests. */
export interface ReadyMessage {
  type: 'ready';
}

export interface Sample {
  stampNs: bigint;
  seq: number;
  parentSyscall: number;
  writerCpu: number;
}

export function encodeSample(buffer: Buffer, sample: Sample): void {
  buffer.writeBigUInt64LE(sample.stampNs, 0);
  buffer.writeUInt32LE(sample.seq, 8);
  buffer.writeInt32LE(sample.parentSyscall, 12);
  buffer.writeInt32LE(sample.writerCpu, 16);
}

export function decodeSample(buffer: Buffer): Sample {
  return {
    stampNs: buffer.readBigUInt64LE(0),
    seq: buffer.readUInt32LE(8),
    parentSyscall: buffer.readInt32LE(12),
    writerCpu: buffer.readInt32LE(16),
  };
}

/** The CPU the calling thread runs on (field 39 of /proc/thread-self/stat), or -1. */
export function currentCpu(): number {
  try {
    const stat = fs.readFileSync('/proc/thread-self/stat', 'latin1');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = Number(fields[36]);
    return Number.isInteger(cpu) ? cpu : -1;
  } catch {
    return -1;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isWriteRequest(value: unknown): value is WriteRequest {
  return (
    isRecord(value) &&
    value.type === 'write' &&
    typeof value.index === 'number' &&
    typeof value.seq === 'number' &&
    typeof value.gapMs === 'number'
  );
}

export function isReadyMessage(value: unknown): value is ReadyMessage {
  return isRecord(value) && value.type === 'ready';
}
