/**
 * The writer process of the wake-up latency benchmark (spawned by
 * loop-fixture.ts). It holds the client ends of the measured connections as
 * raw fds (WRITER_FIRST_FD, WRITER_FIRST_FD + 1, ...) and, on each request,
 * waits `gapMs`, notes which system call the benchmark's main thread is
 * blocked in and which CPU it runs on itself, stamps the time and writes one
 * sample with a single write(2).
 *
 * Usage (by the fixture only): node loop-writer.js <socket count>
 */
import fs from 'node:fs';

import { addon } from '../src/native/addon';
import {
  currentCpu,
  encodeSample,
  isWriteRequest,
  NOT_READ,
  PAYLOAD_BYTES,
  RUNNING,
  WRITER_FIRST_FD,
  type ReadyMessage,
  type WriteRequest,
} from './loop-protocol';

const count = Number(process.argv[2]);
const parentSyscallFile = `/proc/${process.ppid}/task/${process.ppid}/syscall`;
const payload = Buffer.alloc(PAYLOAD_BYTES);

/** The system call number the parent's main thread is blocked in, if any. */
function parentSyscall(): number {
  let text: string;
  try {
    text = fs.readFileSync(parentSyscallFile, 'latin1');
  } catch {
    return NOT_READ;
  }
  if (text.startsWith('running')) return RUNNING;
  const nr = Number.parseInt(text, 10);
  return Number.isNaN(nr) ? NOT_READ : nr;
}

function fail(message: string): never {
  process.stderr.write(`loop-writer: ${message}\n`);
  process.exit(1);
}

function write(request: WriteRequest): void {
  const fd = WRITER_FIRST_FD + request.index;
  const syscall = parentSyscall();
  const writerCpu = currentCpu();
  const stampNs = process.hrtime.bigint();
  encodeSample(payload, { stampNs, seq: request.seq, parentSyscall: syscall, writerCpu });
  const written = addon.fdWrite(fd, payload, 0, PAYLOAD_BYTES);
  if (written !== PAYLOAD_BYTES) fail(`write to fd ${fd} returned ${written}`);
}

function main(): void {
  if (!Number.isInteger(count) || count <= 0 || process.send === undefined) {
    fail('run by the benchmark only: node loop-writer.js <socket count> (with an IPC channel)');
  }
  // Without TCP_NODELAY a sample written to a socket whose previous sample
  // is not yet ACKed (the reader never answers, so its ACK is delayed) would
  // wait for that ACK: a 40 ms outlier that is Nagle's, not the loop's.
  for (let i = 0; i < count; i++) {
    const ret = addon.fdSetNoDelay(WRITER_FIRST_FD + i, 1);
    if (ret < 0) fail(`fd ${WRITER_FIRST_FD + i}: setsockopt(TCP_NODELAY) returned ${ret}`);
  }
  process.on('message', (message: unknown) => {
    if (!isWriteRequest(message)) fail(`unexpected message ${JSON.stringify(message)}`);
    if (message.index < 0 || message.index >= count) fail(`no socket ${message.index}`);
    setTimeout(write, message.gapMs, message);
  });
  // The benchmark is gone (or done): the fds close with the process.
  process.on('disconnect', () => process.exit(0));
  const ready: ReadyMessage = { type: 'ready' };
  process.send(ready);
}

main();
