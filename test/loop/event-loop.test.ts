/**
 * The readiness loop on real sockets: readiness fires, EOF is a readable event, only wanted
 * events are delivered, fds past FD_SETSIZE work, the ceiling is refused with ERANGE, and the
 * loop's own life cycle (runOnce, close) leaks nothing.
 */
import type { Socket } from 'node:net';

import { EventLoop, READABLE, WRITABLE } from '../../src/loop/event-loop';
import { addon } from '../../src/native/addon';
import { EAGAIN, errnoOf } from '../../src/native/errno';
import { thrownBy } from '../helpers/errors';
import { listenFd, openFdCount, OwnedFd } from '../helpers/fds';
import { collect } from '../helpers/lines';
import { suiteBackend } from '../helpers/backends';
import { createLoop, loopsFreed, untilReadable, watch, watchOnce } from '../helpers/loop';
import { tcpPair } from '../helpers/tcp';
import { nextTurn } from '../helpers/teardown';

const backend = suiteBackend();

/** Write to a raw fd until the kernel refuses more; returns the bytes it took. */
function fill(fd: number): number {
  const chunk = Buffer.alloc(256 * 1024, 'z');
  let total = 0;
  for (let n = 0; n !== EAGAIN;) {
    n = addon.fdWrite(fd, chunk, 0, chunk.length);
    if (n > 0) total += n;
  }
  return total;
}

describe('readiness', () => {
  test('readable fires when the peer writes, and the bytes are there to read', async () => {
    const loop = createLoop();
    const { server, client } = await tcpPair();
    const ready = watchOnce(loop, server.fd, READABLE);
    client.write('ping');
    expect(await ready).toBe(READABLE);
    const buffer = Buffer.alloc(16);
    const n = addon.fdRead(server.fd, buffer, 0, buffer.length);
    expect(buffer.subarray(0, n).toString()).toBe('ping');
  });

  test('writable fires only once a full socket has room again', async () => {
    const loop = createLoop();
    const { server, client } = await tcpPair();
    client.pause();
    const taken = fill(server.fd);
    const fired: number[] = [];
    let wake = (): void => undefined;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    const watcher = watch(loop, server.fd, (events) => {
      fired.push(events);
      watcher.stop();
      wake();
    });
    watcher.start(WRITABLE);
    expect(loop.runOnce(0)).toBe(0);
    expect(fired).toEqual([]);

    client.resume();
    const received = collect(client);
    await woken;
    expect(fired).toEqual([WRITABLE]);
    addon.fdShutdown(server.fd, addon.SHUT_WR);
    expect((await received).length).toBe(taken);
  });

  test('EOF is reported as readable, and the read then returns 0', async () => {
    const loop = createLoop();
    const { server, client } = await tcpPair();
    const ready = watchOnce(loop, server.fd, READABLE);
    client.end();
    expect(await ready).toBe(READABLE);
    expect(addon.fdRead(server.fd, Buffer.alloc(8), 0, 8)).toBe(0);
  });

  // A watcher that is started parks the loop, and a level-triggered fd left unread fires on
  // every turn: so these tests start, runOnce and close without awaiting in between.
  test('a handler gets only the events it asked for', async () => {
    const loop = createLoop();
    const quiet = await tcpPair();
    const { server, client } = await tcpPair();
    client.write('x');
    await untilReadable([server.fd]);
    const seen: [number, number][] = [];
    const watcher = watch(loop, server.fd, (events) => seen.push([server.fd, events]));
    const other = watch(loop, quiet.server.fd, (events) => seen.push([quiet.server.fd, events]));
    other.start(READABLE); // writable, but nothing to read: never fires
    watcher.start(READABLE | WRITABLE);
    expect(loop.runOnce(1000)).toBe(1);
    watcher.start(WRITABLE);
    expect(loop.runOnce(1000)).toBe(1);
    watcher.start(READABLE);
    expect(loop.runOnce(1000)).toBe(1);
    watcher.close();
    expect(loop.runOnce(0)).toBe(0);
    other.close();
    expect(seen).toEqual([
      [server.fd, READABLE | WRITABLE],
      [server.fd, WRITABLE],
      [server.fd, READABLE],
    ]);
  });

  test('runOnce dispatches one wait synchronously and returns how many fds were ready', async () => {
    const loop = createLoop();
    const pairs = await Promise.all([tcpPair(), tcpPair(), tcpPair()]);
    pairs[0].client.write('a');
    pairs[2].client.write('c');
    await untilReadable([pairs[0].server.fd, pairs[2].server.fd]);
    const calls: number[] = [];
    const watchers = pairs.map(({ server }) => watch(loop, server.fd, () => calls.push(server.fd)));
    for (const watcher of watchers) watcher.start(READABLE);
    expect(loop.runOnce(1000)).toBe(2);
    for (const watcher of watchers) watcher.close();
    expect(loop.runOnce(0)).toBe(0);
    expect(calls.sort()).toEqual([pairs[0].server.fd, pairs[2].server.fd].sort());
  });
});

describe('fds past FD_SETSIZE and the ceiling', () => {
  test('select watches fds above 1024 and reports the right one', async () => {
    const limit = addon.fdRaiseLimit();
    if (limit <= 2100) throw new Error(`RLIMIT_NOFILE is ${limit}: this test needs fds up to 2100`);
    const loop = createLoop();
    const a = await tcpPair();
    const b = await tcpPair();
    // Different 64-bit words of the bitmaps, both past glibc's fd_set.
    const high = new OwnedFd(addon.fdDupAbove(a.server.fd, 2050));
    const higher = new OwnedFd(addon.fdDupAbove(b.server.fd, 1500));
    expect(high.fd).toBeGreaterThanOrEqual(2050);
    expect(higher.fd).toBeGreaterThanOrEqual(1500);
    a.server.close();
    b.server.close();

    const fired: [number, number][] = [];
    const received: string[] = [];
    let wake = (): void => undefined;
    for (const owned of [high, higher]) {
      watch(loop, owned.fd, (events) => {
        fired.push([owned.fd, events]);
        const buffer = Buffer.alloc(32);
        const n = addon.fdRead(owned.fd, buffer, 0, buffer.length);
        received.push(buffer.subarray(0, n).toString());
        wake();
      }).start(READABLE);
    }
    const next = (): Promise<void> => new Promise((resolve) => (wake = resolve));
    const first = next();
    b.client.write('to 1500');
    await first;
    const second = next();
    a.client.write('to 2050');
    await second;
    expect(fired).toEqual([
      [higher.fd, READABLE],
      [high.fd, READABLE],
    ]);
    expect(received).toEqual(['to 1500', 'to 2050']);
  });

  test('watching an fd at or past maxFds throws ERANGE and changes nothing', async () => {
    const loop = createLoop({ maxFds: 64 });
    expect(loop.maxFds).toBe(64);
    const { server } = await tcpPair();
    const above = new OwnedFd(addon.fdDupAbove(server.fd, 64));
    const watcher = watch(loop, above.fd, () => undefined);
    const thrown = thrownBy(() => watcher.start(READABLE));
    expect(thrown).toMatchObject({ code: 'ERANGE', errno: errnoOf('ERANGE') });
    expect(watcher.events).toBe(0);
    expect(loop.activeCount).toBe(0);
    // An fd below the ceiling still works.
    expect(server.fd).toBeLessThan(64);
    watch(loop, server.fd, () => undefined).start(READABLE);
    expect(loop.activeCount).toBe(1);
  });

  test('a loop whose ceiling cannot serve is refused with a coded error', () => {
    expect(thrownBy(() => new EventLoop({ backend, maxFds: 0 }))).toMatchObject({ code: 'ERANGE' });
    expect(thrownBy(() => new EventLoop({ backend: 'kqueue' }))).toMatchObject({
      code: 'EINVAL',
    });
  });
});

// Not on epoll: the kernel drops a closed fd from an epoll set by itself, so there is no failing
// wait to report (test/native/backend-limits.test.ts shows what each backend does).
describe('a failing wait', () => {
  if (backend !== 'epoll')
    test('an fd closed while watched makes the loop emit a coded EBADF error, once', async () => {
      const loop = createLoop();
      const { listener } = listenFd();
      const errors: Error[] = [];
      let wake = (): void => undefined;
      const failed = new Promise<void>((resolve) => (wake = resolve));
      loop.on('error', (error: Error) => {
        errors.push(error);
        wake();
      });
      const watcher = watch(loop, listener.fd, () => undefined);
      watcher.start(READABLE);
      listener.close(); // the owner's mistake: close() before watcher.close()
      await failed;
      await nextTurn();
      expect(errors).toHaveLength(1); // the park stops rather than fail on every turn
      expect(errors[0]).toMatchObject({ code: 'EBADF', errno: errnoOf('EBADF'), syscall: backend });
    });
});

describe('life cycle', () => {
  test('the loop runs on the backend asked for; the default backend is select', () => {
    expect(createLoop().backend).toBe(backend);
    expect(addon.backends).toContain(backend);
    expect(createLoop({ backend: undefined }).backend).toBe('select');
  });

  test('watch refuses a second watcher of one fd, and a negative fd', () => {
    const loop = createLoop();
    const { listener } = listenFd();
    watch(loop, listener.fd, () => undefined);
    expect(() => loop.watch(listener.fd, () => undefined)).toThrow(/already watched/);
    expect(() => loop.watch(-1, () => undefined)).toThrow(/not an fd/);
  });

  test('closing the loop with a watcher open throws; once it is closed, it works', () => {
    const loop = createLoop();
    const { listener } = listenFd();
    const watcher = loop.watch(listener.fd, () => undefined);
    watcher.start(READABLE);
    expect(() => loop.close()).toThrow(/close the watchers/);
    watcher.close();
    expect(watcher.closed).toBe(true);
    expect(() => watcher.start(READABLE)).toThrow(/closed/);
    loop.close();
  });

  test('a second loop cannot park while one is parked (EBUSY), and can once it stops', () => {
    const first = createLoop();
    const second = createLoop();
    const a = listenFd().listener;
    const b = listenFd().listener;
    const parked = watch(first, a.fd, () => undefined);
    parked.start(READABLE);
    const other = watch(second, b.fd, () => undefined);
    expect(thrownBy(() => other.start(READABLE))).toMatchObject({ code: 'EBUSY' });
    // The refused start left nothing behind: the fd is not watched by the second loop.
    expect(other.events).toBe(0);
    expect(second.activeCount).toBe(0);
    parked.stop();
    other.start(READABLE);
    expect(second.activeCount).toBe(1);
    other.stop();
  });

  test('after every watcher and the loop are closed, no fd is left open', async () => {
    // Warm up: the first loop and socket may load things that stay (libuv's own fds).
    createLoop().close();
    await loopsFreed();
    const before = openFdCount();

    const loop = createLoop();
    const pairs = await Promise.all(Array.from({ length: 10 }, () => tcpPair()));
    const watchers = pairs.map(({ server }) => {
      const watcher = loop.watch(server.fd, () => addon.fdRead(server.fd, Buffer.alloc(8), 0, 8));
      watcher.start(READABLE);
      return watcher;
    });
    expect(loop.activeCount).toBe(10);
    expect(openFdCount()).toBeGreaterThanOrEqual(before + 20);
    for (const [i, { server, client }] of pairs.entries()) {
      watchers[i].close();
      server.close();
      const gone = collect(client);
      client.end();
      await gone;
    }
    expect(loop.activeCount).toBe(0);
    loop.close();
    await Promise.all(pairs.map(({ client }) => client.closed || closedOf(client)));
    await loopsFreed();
    expect(openFdCount()).toBe(before);
  });
});

function closedOf(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.once('close', () => resolve()));
}
