/**
 * The NodeListener (`--backend node`) on real TCP: it hands over Node sockets with their peer's
 * address, reports listen's own error (EADDRINUSE) through `listening`, refuses a connection
 * whose fd lies past its ceiling (the client reads what onRefused wrote, then EOF, and the fd is
 * closed), and stops accepting once closed.
 */
import net from 'node:net';

import type { SocketAddress } from '../../src/native/addon';
import { NodeListener } from '../../src/transport/node-listener';
import { openFdCount } from '../helpers/fds';
import { collect } from '../helpers/lines';
import { connect, track } from '../helpers/tcp';
import { eventually, teardown } from '../helpers/teardown';

interface Seen {
  connections: net.Socket[];
  refused: SocketAddress[];
  errors: Error[];
}

async function listen(maxFds: number, port = 0): Promise<[NodeListener, Seen]> {
  const seen: Seen = { connections: [], refused: [], errors: [] };
  const listener = new NodeListener(
    { host: '127.0.0.1', port, maxFds },
    {
      onConnection: (socket) => seen.connections.push(track(socket)),
      onRefused: (socket, peer) => {
        seen.refused.push(peer);
        socket.write('server full\n');
      },
      onError: (error) => seen.errors.push(error),
    },
  );
  teardown(() => listener.close());
  await listener.listening;
  return [listener, seen];
}

test('hands over each connection, with its peer address', async () => {
  const [listener, seen] = await listen(1 << 20);
  expect(listener.address).toMatchObject({ address: '127.0.0.1', family: 4 });
  const clients = await Promise.all([
    connect(listener.address.port),
    connect(listener.address.port),
  ]);
  await eventually(() => (seen.connections.length === 2 ? true : undefined));
  expect(seen.connections.map((s) => s.remotePort).sort()).toEqual(
    clients.map((c) => c.localPort).sort(),
  );
  expect(seen.refused).toEqual([]);
  expect(seen.errors).toEqual([]);
});

test('a port in use rejects `listening` with EADDRINUSE', async () => {
  const [first] = await listen(1 << 20);
  const second = new NodeListener(
    { host: '127.0.0.1', port: first.address.port, maxFds: 1 << 20 },
    { onConnection: () => undefined, onRefused: () => undefined, onError: () => undefined },
  );
  teardown(() => second.close());
  await expect(second.listening).rejects.toMatchObject({ code: 'EADDRINUSE' });
});

test('an fd past the ceiling is refused: its line, then EOF, and the fd is closed', async () => {
  // Every fd this process opens from now on is past a ceiling of 3.
  const [listener, seen] = await listen(3);
  const fds = openFdCount();
  const client = await connect(listener.address.port);
  const received = collect(client);
  expect((await received).toString()).toBe('server full\n');
  expect(seen.refused).toEqual([{ address: '127.0.0.1', port: client.localPort, family: 4 }]);
  expect(seen.connections).toEqual([]);
  client.destroy();
  await eventually(() => (openFdCount() === fds ? true : undefined));
});

test('once closed, it accepts no more', async () => {
  const [listener] = await listen(1 << 20);
  const { port } = listener.address;
  listener.close();
  const refused = new Promise<NodeJS.ErrnoException>((resolve) =>
    track(net.connect(port, '127.0.0.1')).once('error', resolve),
  );
  expect((await refused).code).toBe('ECONNREFUSED');
});
