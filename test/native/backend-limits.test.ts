/**
 * Each native backend at its edges: fds far past FD_SETSIZE, the loop's ceiling (-ERANGE, the
 * interest set unchanged), an fd closed while still watched (the owner's bug: how each backend
 * tells it), and no fd left behind by a loop (/proc/self/fd before and after); epoll's own fd is
 * close-on-exec.
 */
import fs from 'node:fs';

import { addon } from '../../src/native/addon';
import { errnoOf } from '../../src/native/errno';
import { suiteBackend } from '../helpers/backends';
import { thrownBy } from '../helpers/errors';
import { listenFd, openFdCount, OwnedFd } from '../helpers/fds';
import { untilReadable } from '../helpers/loop';
import { Backend, READABLE } from '../helpers/native-loop';
import { allowReset, tcpPair } from '../helpers/tcp';

/** Linux's O_CLOEXEC, as the flags of /proc/<pid>/fdinfo show it (octal). */
const O_CLOEXEC = 0o2000000;

/** Our fds that are epoll instances. */
function epollFds(): number[] {
  return fs
    .readdirSync('/proc/self/fd')
    .map(Number)
    .filter((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`) === 'anon_inode:[eventpoll]';
      } catch {
        return false; // the fd of readdir itself, gone by now
      }
    });
}

const name = suiteBackend();

test('fds past 1024, in different words of a bitmap, are reported as themselves', async () => {
  const limit = addon.fdRaiseLimit();
  if (limit <= 5100) throw new Error(`RLIMIT_NOFILE is ${limit}: this test needs fds to 5100`);
  const loop = new Backend(name);
  const pairs = await Promise.all([tcpPair(), tcpPair(), tcpPair()]);
  for (const { client } of pairs) allowReset(client); // our ends close with bytes unread
  const high = [1500, 2050, 5000].map((min, i) => {
    const owned = new OwnedFd(addon.fdDupAbove(pairs[i].server.fd, min));
    expect(owned.fd).toBeGreaterThanOrEqual(min);
    pairs[i].server.close();
    expect(loop.set(owned.fd, READABLE)).toBe(0);
    return owned.fd;
  });
  expect(loop.poll()).toEqual([]);
  pairs[2].client.write('to 5000');
  pairs[0].client.write('to 1500');
  await untilReadable([high[0], high[2]]);
  expect(loop.poll()).toEqual([
    [high[0], READABLE],
    [high[2], READABLE],
  ]);
});

test('an fd at or past the ceiling gets -ERANGE and changes nothing', async () => {
  const loop = new Backend(name, { maxFds: 64 });
  const { server, client } = await tcpPair();
  expect(server.fd).toBeLessThan(64);
  const above = new OwnedFd(addon.fdDupAbove(server.fd, 64));
  expect(loop.set(above.fd, READABLE)).toBe(errnoOf('ERANGE'));
  expect(loop.set(64, READABLE)).toBe(errnoOf('ERANGE'));
  expect(loop.native.get(above.fd)).toBe(0);
  expect(loop.native.count).toBe(0);
  // Below it, all is as usual.
  expect(loop.set(server.fd, READABLE)).toBe(0);
  client.write('x');
  await untilReadable([server.fd]);
  expect(loop.poll()).toEqual([[server.fd, READABLE]]);
  expect(thrownBy(() => new Backend(name, { maxFds: 0 }))).toMatchObject({ code: 'ERANGE' });
});

// The owner must clear an fd's interest before closing it. select() and poll() find out on the
// next wait and fail it with EBADF (the park then stops and says so); epoll cannot: the kernel
// drops a closed fd from the set by itself, so the wait goes on, and the late clear is harmless.
test('an fd closed while watched', () => {
  const loop = new Backend(name);
  const { listener } = listenFd();
  loop.set(listener.fd, READABLE);
  listener.close();
  if (name === 'epoll') {
    expect(loop.poll()).toEqual([]);
  } else {
    expect(thrownBy(() => loop.poll())).toMatchObject({ code: 'EBADF', syscall: name });
  }
  expect(loop.set(listener.fd, 0)).toBe(0);
  expect(loop.poll()).toEqual([]);
});

test('a loop, its watched fds cleared and itself closed, leaves no fd open', async () => {
  const pairs = await Promise.all(Array.from({ length: 10 }, () => tcpPair()));
  for (const { client } of pairs) client.write('x');
  await untilReadable(pairs.map(({ server }) => server.fd));
  // Warm up: a first loop may leave what libuv keeps for good.
  await new Backend(name).close();
  const before = openFdCount();
  for (let round = 0; round < 3; round++) {
    const loop = new Backend(name);
    for (const { server } of pairs) loop.set(server.fd, READABLE);
    expect(loop.poll()).toHaveLength(10);
    await loop.close();
  }
  expect(openFdCount()).toBe(before);
});

// Only epoll has an fd of its own.
if (name === 'epoll')
  test('the epoll fd is close-on-exec', () => {
    const before = new Set(epollFds());
    const loop = new Backend(name);
    const created = epollFds().filter((fd) => !before.has(fd));
    expect(created).toHaveLength(1);
    const flags = /^flags:\s+([0-7]+)$/m.exec(
      fs.readFileSync(`/proc/self/fdinfo/${created[0]}`, 'utf8'),
    );
    expect(Number.parseInt(flags?.[1] ?? '0', 8) & O_CLOEXEC).toBe(O_CLOEXEC);
    expect(loop.native.backend).toBe('epoll');
  });
