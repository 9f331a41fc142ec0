/**
 * The loop parked inside Node's event loop: libuv's own work (timers, `net` sockets, child
 * process pipes) goes on beside it, and an idle park costs no CPU. The bounds here are loose on
 * purpose: they tell "blocked in select()" from "spinning", not fast from slow.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

import { READABLE, type EventLoop } from '../../src/loop/event-loop';
import { addon } from '../../src/native/addon';
import { Listener } from '../../src/transport/listener';
import { OwnedFd } from '../helpers/fds';
import { readLine, watchLines } from '../helpers/lines';
import { createLoop, watch } from '../helpers/loop';
import { connect } from '../helpers/tcp';
import { teardown } from '../helpers/teardown';

const IDLE_CONNECTIONS = 100;

/** A Listener on 127.0.0.1:0, closed after the test, that must never report an accept error. */
function listen(loop: EventLoop, onConnection: (fd: number) => void): Listener {
  const errors: Error[] = [];
  const listener = new Listener(
    loop,
    { host: '127.0.0.1', port: 0 },
    { onConnection, onRefused: () => undefined, onError: (error) => errors.push(error) },
  );
  teardown(() => {
    listener.close();
    expect(errors).toEqual([]);
  });
  return listener;
}

/** A parked loop watching `count` idle accepted connections (and its listener). */
async function parkedWithIdleConnections(loop: EventLoop, count: number): Promise<OwnedFd[]> {
  const accepted: OwnedFd[] = [];
  let wake = (): void => undefined;
  const listener = listen(loop, (fd) => {
    accepted.push(new OwnedFd(fd));
    // Watched for input that never comes: these are the idle fds select() waits on.
    watch(loop, fd, () => addon.fdRead(fd, Buffer.alloc(64), 0, 64)).start(READABLE);
    if (accepted.length === count) wake();
  });
  const all = new Promise<void>((resolve) => (wake = resolve));
  await Promise.all(Array.from({ length: count }, () => connect(listener.address.port)));
  await all;
  expect(loop.activeCount).toBe(count + 1);
  return accepted;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('a setTimeout fires on time while the loop is parked', async () => {
  const loop = createLoop();
  await parkedWithIdleConnections(loop, 10);
  for (const delay of [20, 100]) {
    const start = performance.now();
    await sleep(delay);
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(delay - 1);
    // Generous: late by a scheduling hiccup is fine, late by a missed wake-up is not.
    expect(elapsed).toBeLessThan(delay + 250);
  }
});

test(`parked over ${IDLE_CONNECTIONS} idle connections, the process uses almost no CPU`, async () => {
  const loop = createLoop();
  await parkedWithIdleConnections(loop, IDLE_CONNECTIONS);
  await sleep(50); // let the connections' set-up work finish
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  await sleep(1000);
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = performance.now() - wallStart;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  // A busy loop would burn ~100% of wall time; blocked in select() it is close to 0.
  expect(cpuMs / wallMs).toBeLessThan(0.2);
});

test('a Node net pair and a child process exchange data while the loop is parked', async () => {
  const loop = createLoop();
  const idle = await parkedWithIdleConnections(loop, 10);

  const echo = net.createServer((socket) => socket.pipe(socket));
  teardown(() => new Promise((resolve) => echo.close(resolve)));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const { port } = echo.address() as net.AddressInfo;
  const client = await connect(port);
  watchLines(client);

  const child = spawn(process.execPath, ['-e', 'process.stdin.pipe(process.stdout)'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  teardown(async () => {
    child.kill();
    await exited;
  });
  watchLines(child.stdout);

  // Strict ping-pong: each answer must come back before the next question leaves, so a stall
  // of libuv's own I/O behind our select() would hang here.
  for (let i = 0; i < 50; i++) {
    client.write(`net ${i}\n`);
    expect(await readLine(client)).toBe(`net ${i}`);
    child.stdin.write(`child ${i}\n`);
    expect(await readLine(child.stdout)).toBe(`child ${i}`);
    expect(loop.activeCount).toBe(idle.length + 1);
  }
  child.stdin.end();
  expect(await exited).toBe(0);
});

test('bytes from another process wake the parked loop when libuv has nothing to do', async () => {
  const loop = createLoop();
  let wake = (_text: string): void => undefined;
  const received = new Promise<string>((resolve) => (wake = resolve));
  const listener = listen(loop, (fd) => {
    const owned = new OwnedFd(fd);
    const watcher = watch(loop, fd, () => {
      const buffer = Buffer.alloc(64);
      const n = addon.fdRead(fd, buffer, 0, buffer.length);
      watcher.close();
      owned.close();
      wake(buffer.subarray(0, Math.max(n, 0)).toString());
    });
    watcher.start(READABLE);
  });
  // No pipes to the child: nothing of it reaches libuv's own fds while it connects and writes.
  const script = `const s = require('net').connect(${listener.address.port}, '127.0.0.1', () =>
    setTimeout(() => s.write('from another process'), 50)); setTimeout(() => {}, 10000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  teardown(async () => {
    child.kill();
    await exited;
  });
  expect(await received).toBe('from another process');
});
