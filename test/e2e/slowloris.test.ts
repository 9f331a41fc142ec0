/**
 * Slowloris, on every backend: hundreds of connections that send half a line, or half a TLS
 * handshake, and stall. The others keep chatting meanwhile (plain and TLS newcomers join and
 * are heard); the half handshakes are dropped at `--handshake-timeout`, each logged and counted,
 * their fds closed; the half lines are simply idle users (the server holds their bytes, at most
 * a line each), whose lines arrive whole when they finish them.
 */
import net from 'node:net';

import { adminRoom } from '../helpers/admin';
import { ChatClient, event } from '../helpers/chat-client';
import { exchangeNumbered } from '../helpers/chat-room';
import { openFdCount } from '../helpers/fds';
import { serverStats } from '../helpers/stats';
import { teardown } from '../helpers/teardown';
import { clientHello, fdCountReaches, logged } from '../helpers/tls';
import { rawConnect } from '../helpers/tls-room';

const HALF_LINES = 300;
const HALF_HANDSHAKES = 200;

test(`${HALF_LINES} half lines and ${HALF_HANDSHAKES} half handshakes stall; the room goes on`, async () => {
  const { server, ca, admin } = await adminRoom(['--handshake-timeout', '2']);
  const baseline = openFdCount(server.pid);
  const hello = await clientHello();

  const halfLines = Array.from({ length: HALF_LINES }, () => {
    const socket = net.connect(server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    teardown(() => socket.destroy());
    socket.write('half a li');
    return socket;
  });
  const halfShakes = await Promise.all(
    Array.from({ length: HALF_HANDSHAKES }, async () => {
      const raw = await rawConnect(server.tlsPort);
      raw.socket.write(hello.subarray(0, hello.length >> 1));
      return raw;
    }),
  );
  for (let i = 0; i < HALF_LINES; i++) await admin.next('JOIN');
  await fdCountReaches(server, baseline + HALF_LINES + HALF_HANDSHAKES);

  // Meanwhile, the room works: newcomers over TCP and TLS chat with the admin.
  const plain = await ChatClient.connect(server.port);
  const secure = await ChatClient.connectTls(server.tlsPort, { ca });
  for (let i = 0; i < 2; i++) await admin.next('JOIN');
  await exchangeNumbered([admin, plain, secure], 5);

  // The half handshakes go at the timeout, every one logged and counted; the half lines stay.
  for (const s of halfShakes) expect((await s.closed).length).toBe(0);
  const TIMED_OUT = /^TLS handshake failed: handshake timed out after 2000 ms$/;
  await logged(server, TIMED_OUT, HALF_HANDSHAKES);
  await fdCountReaches(server, baseline + HALF_LINES + 2);
  expect((await serverStats(admin)).get('drops-handshake-timeout')).toBe(String(HALF_HANDSHAKES));

  // And the half lines, finished, arrive whole.
  for (const socket of halfLines) socket.write('ne\n');
  for (let i = 0; i < HALF_LINES; i++) {
    expect(await admin.next('MSG')).toEqual(event('MSG', [expect.any(String)], 'half a line'));
  }
});
