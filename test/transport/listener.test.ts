/**
 * The Listener on the readiness loop: it accepts a crowd arriving at once (more than one turn's
 * worth), reports each peer's address, and refuses cleanly a connection whose fd lies past the
 * loop's ceiling: the client reads what onRefused wrote, then EOF.
 */
import fs from 'node:fs';

import type { EventLoop } from '../../src/loop/event-loop';
import { addon, type SocketAddress } from '../../src/native/addon';
import { FdSocket } from '../../src/transport/fd-socket';
import { Listener, type ListenerHandlers, type RefusalReason } from '../../src/transport/listener';
import { openFdCount, OwnedFd } from '../helpers/fds';
import { ended, readLine, watchLines } from '../helpers/lines';
import { createLoop, loopsFreed } from '../helpers/loop';
import { connect } from '../helpers/tcp';
import { eventually, teardown } from '../helpers/teardown';

interface Seen {
  connections: { fd: OwnedFd; peer: SocketAddress }[];
  refused: { fd: number; peer: SocketAddress; reason: RefusalReason }[];
  errors: Error[];
}

/** A Listener on 127.0.0.1:0 that records what happens; accepted fds are closed after. */
function listen(loop: EventLoop, onEvent: () => void = () => undefined): [Listener, Seen] {
  const seen: Seen = { connections: [], refused: [], errors: [] };
  const handlers: ListenerHandlers = {
    onConnection: (fd, peer) => {
      seen.connections.push({ fd: new OwnedFd(fd), peer });
      onEvent();
    },
    onRefused: (fd, peer, reason) => {
      seen.refused.push({ fd, peer, reason });
      addon.fdWrite(fd, Buffer.from('server full\n'), 0, 12);
      onEvent();
    },
    onError: (error) => seen.errors.push(error),
  };
  const listener = new Listener(loop, { host: '127.0.0.1', port: 0 }, handlers);
  teardown(() => listener.close());
  return [listener, seen];
}

/** Take every free fd number below `ceiling` (with /dev/null), so that the next fd is past it. */
function occupyFdsBelow(ceiling: number): OwnedFd[] {
  const held: OwnedFd[] = [];
  for (;;) {
    const fd = new OwnedFd(fs.openSync('/dev/null', 'r'));
    if (fd.fd >= ceiling) {
      fd.close();
      return held;
    }
    held.push(fd);
  }
}

test('accepts 200 clients connecting at once, each with its own peer address', async () => {
  const loop = createLoop();
  const count = 200;
  let wake = (): void => undefined;
  const all = new Promise<void>((resolve) => (wake = resolve));
  const [listener, seen] = listen(loop, () => seen.connections.length === count && wake());
  expect(listener.address).toMatchObject({ address: '127.0.0.1', family: 4 });

  const clients = await Promise.all(
    Array.from({ length: count }, () => connect(listener.address.port)),
  );
  await all;
  expect(seen.errors).toEqual([]);
  expect(seen.refused).toEqual([]);
  const ports = seen.connections.map(({ peer }) => peer.port).sort();
  expect(ports).toEqual(clients.map((client) => client.localPort).sort());
  expect(new Set(seen.connections.map(({ fd }) => fd.fd)).size).toBe(count);
  expect(loop.activeCount).toBe(1); // the listener: accepted fds are ours to watch
});

test('a connection past the ceiling is refused: onRefused writes, then the client sees EOF', async () => {
  await loopsFreed(); // an epoll loop of the last test would free a low fd number later
  const loop = createLoop({ maxFds: 64 });
  let wake = (): void => undefined;
  let next = new Promise<void>((resolve) => (wake = resolve));
  const [listener, seen] = listen(loop, () => wake());
  const held = occupyFdsBelow(64);

  const refusedClient = await connect(listener.address.port);
  watchLines(refusedClient);
  const refusedEnd = ended(refusedClient);
  await next;
  expect(seen.connections).toEqual([]);
  expect(seen.refused).toHaveLength(1);
  expect(seen.refused[0].fd).toBeGreaterThanOrEqual(64);
  expect(seen.refused[0]).toMatchObject({
    reason: 'server-full',
    peer: { address: '127.0.0.1', port: refusedClient.localPort },
  });
  expect(await readLine(refusedClient)).toBe('server full');
  await refusedEnd;

  // Below the ceiling again, the listener admits the next connection.
  for (const fd of held) fd.close();
  next = new Promise<void>((resolve) => (wake = resolve));
  const admitted = await connect(listener.address.port);
  await next;
  expect(seen.connections).toHaveLength(1);
  expect(seen.connections[0].fd.fd).toBeLessThan(64);
  expect(seen.connections[0].peer.port).toBe(admitted.localPort);
  expect(seen.refused).toHaveLength(1);
});

// What the backend itself cannot watch (epoll's ENOSPC past fs.epoll.max_user_watches) is
// refused the same way; here a second loop whose ceiling is below the next fd plays that backend.
test('a connection its handler cannot watch is refused like one past the ceiling', async () => {
  await loopsFreed(); // the last test's epoll fds, which would free low numbers later
  const loop = createLoop();
  const full = createLoop({ maxFds: 64 });
  let wake = (): void => undefined;
  const refused = new Promise<void>((resolve) => (wake = resolve));
  const seen: RefusalReason[] = [];
  const listener = new Listener(
    loop,
    { host: '127.0.0.1', port: 0 },
    {
      onConnection: (fd, peer) => {
        const ignore = (): void => undefined;
        new FdSocket(full, fd, peer, { onData: ignore, onEnd: ignore, onClose: ignore });
      },
      onRefused: (fd, _peer, reason) => {
        seen.push(reason);
        addon.fdWrite(fd, Buffer.from('server full\n'), 0, 12);
        wake();
      },
      onError: (error) => {
        throw error;
      },
    },
  );
  teardown(() => listener.close());
  occupyFdsBelow(64); // the next fd is one `full` cannot watch
  const before = openFdCount();
  const client = await connect(listener.address.port);
  watchLines(client);
  const closed = ended(client);
  await refused;
  expect(seen).toEqual(['server-full']);
  expect(await readLine(client)).toBe('server full');
  await closed;
  client.destroy();
  await eventually(() => (openFdCount() === before ? true : undefined));
  expect(full.activeCount).toBe(0);
});

test('listening on a port in use throws EADDRINUSE and leaks no fd', async () => {
  const loop = createLoop();
  const [listener] = listen(loop);
  const before = openFdCount();
  expect(
    () =>
      new Listener(
        loop,
        { host: '127.0.0.1', port: listener.address.port },
        { onConnection: () => undefined, onRefused: () => undefined, onError: () => undefined },
      ),
  ).toThrow(/EADDRINUSE/);
  expect(openFdCount()).toBe(before);
});
