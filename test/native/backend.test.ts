/**
 * Each native backend (select, poll, epoll) driven directly, below EventLoop, over real loopback
 * TCP: readiness both ways, only the events asked for, EOF and resets, a full batch that starves
 * nobody, an fd removed while it waits for the next batch, and any sequence of interest changes
 * agreeing with a model of what each fd wants and is.
 */
import { addon } from '../../src/native/addon';
import { EAGAIN } from '../../src/native/errno';
import { suiteBackend } from '../helpers/backends';
import { untilReadable } from '../helpers/loop';
import { Backend, BOTH, READABLE, WRITABLE, type Fired } from '../helpers/native-loop';
import { allowReset, tcpPair, type TcpPair } from '../helpers/tcp';

/** Write to a raw fd until the kernel refuses more. */
function fill(fd: number): void {
  const chunk = Buffer.alloc(256 * 1024, 'z');
  while (addon.fdWrite(fd, chunk, 0, chunk.length) !== EAGAIN);
}

/** `count` connections whose server ends have bytes waiting: readable until read. */
async function readablePairs(count: number): Promise<TcpPair[]> {
  const pairs = await Promise.all(Array.from({ length: count }, () => tcpPair()));
  for (const { client } of pairs) client.write('ready');
  await untilReadable(pairs.map(({ server }) => server.fd));
  return pairs;
}

/** A deterministic pseudo-random sequence (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const name = suiteBackend();

test('readable once the peer has written, not before', async () => {
  const loop = new Backend(name);
  const { server, client } = await tcpPair();
  expect(loop.set(server.fd, READABLE)).toBe(0);
  expect(loop.poll()).toEqual([]);
  client.write('x');
  await untilReadable([server.fd]);
  expect(loop.poll(1000)).toEqual([[server.fd, READABLE]]);
});

test('writable while the socket has room; not once the kernel refuses more', async () => {
  const loop = new Backend(name);
  const { server, client } = await tcpPair();
  client.pause();
  loop.set(server.fd, WRITABLE);
  expect(loop.poll()).toEqual([[server.fd, WRITABLE]]);
  fill(server.fd);
  expect(loop.poll()).toEqual([]);
});

test('only the events asked for are reported', async () => {
  const loop = new Backend(name);
  const [{ server }] = await readablePairs(1);
  const seen: Fired[][] = [];
  for (const events of [BOTH, WRITABLE, READABLE, 0]) {
    loop.set(server.fd, events);
    seen.push(loop.poll());
  }
  expect(seen).toEqual([[[server.fd, BOTH]], [[server.fd, WRITABLE]], [[server.fd, READABLE]], []]);
});

test('EOF is readable; a reset is reported both ways, to an fd that asked for both', async () => {
  const loop = new Backend(name);
  const closed = await tcpPair();
  const reset = await tcpPair();
  allowReset(reset.client);
  loop.set(closed.server.fd, READABLE);
  loop.set(reset.server.fd, BOTH);
  closed.client.end();
  reset.client.resetAndDestroy();
  await untilReadable([closed.server.fd, reset.server.fd]);
  expect(loop.poll()).toEqual([
    [closed.server.fd, READABLE],
    [reset.server.fd, BOTH],
  ]);
  // Whatever the backend saw (POLLHUP, EPOLLERR...), only what is wanted comes out.
  loop.set(reset.server.fd, WRITABLE);
  expect(loop.poll()).toContainEqual([reset.server.fd, WRITABLE]);
  expect(addon.fdRead(closed.server.fd, Buffer.alloc(8), 0, 8)).toBe(0);
});

// Busy clients stay readable (FdSocket reads one chunk per event): if each wait filled its
// batch from the same end, the same fds would be served for ever and the rest starve.
test('a full batch starves nobody: 5 ready fds, batches of 2, every fd served in turn', async () => {
  const loop = new Backend(name, { capacity: 2 });
  const pairs = await readablePairs(5);
  for (const { server } of pairs) loop.set(server.fd, READABLE);
  const served = new Map<number, number>();
  for (let wait = 0; wait < 10; wait++) {
    const fired = loop.poll();
    expect(fired.length).toBeLessThanOrEqual(2);
    for (const [fd] of fired) served.set(fd, (served.get(fd) ?? 0) + 1);
  }
  // 20 places for 5 fds: in turn, 4 each (a wake-up of libuv's own fd may take a place).
  for (const { server } of pairs) expect(served.get(server.fd)).toBeGreaterThanOrEqual(3);
});

test('an fd removed while left out of a full batch is not reported; the others are', async () => {
  const loop = new Backend(name, { capacity: 2 });
  const pairs = await readablePairs(4);
  const fds = pairs.map(({ server }) => server.fd);
  for (const fd of fds) loop.set(fd, READABLE);
  const first = loop.pollInOrder().map(([fd]) => fd);
  expect(first).toHaveLength(2);
  const waiting = fds.filter((fd) => !first.includes(fd));
  loop.set(waiting[0], 0);
  const next = loop.poll().map(([fd]) => fd);
  expect(next).not.toContain(waiting[0]);
  expect(next).toContain(waiting[1]);
  // And it comes back when asked again.
  loop.set(waiting[0], READABLE);
  const all = new Set([...loop.poll(), ...loop.poll(), ...loop.poll()].map(([fd]) => fd));
  expect(all).toEqual(new Set(fds));
});

test('300 random interest changes: every wait reports what the model says', async () => {
  const loop = new Backend(name);
  const pairs = await Promise.all(Array.from({ length: 6 }, () => tcpPair()));
  // Even pairs have bytes waiting; every socket has room to write.
  for (const [i, { client }] of pairs.entries()) if (i % 2 === 0) client.write('x');
  await untilReadable(pairs.filter((_, i) => i % 2 === 0).map(({ server }) => server.fd));
  const actual = pairs.map((_, i) => WRITABLE | (i % 2 === 0 ? READABLE : 0));
  const wanted = pairs.map(() => 0);
  const next = random(8);
  for (let step = 0; step < 300; step++) {
    const i = Math.floor(next() * pairs.length);
    wanted[i] = [0, READABLE, WRITABLE, BOTH][Math.floor(next() * 4)] as number;
    expect(loop.set(pairs[i].server.fd, wanted[i])).toBe(0);
    const expected = pairs
      .map(({ server }, j): Fired => [server.fd, wanted[j] & actual[j]])
      .filter(([, events]) => events !== 0)
      .sort((a, b) => a[0] - b[0]);
    expect({ step, fired: loop.poll() }).toEqual({ step, fired: expected });
    expect(loop.native.count).toBe(wanted.filter((events) => events !== 0).length);
  }
});
