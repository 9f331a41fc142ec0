/**
 * The connection limits over the wire, on every backend: `--max-clients` and `--max-per-ip`
 * (loopback exempt by default, `--limit-loopback` to count it), each refusal one `ERROR` line
 * and a close (over TLS once the handshake is done, so the user can read it), the room unharmed,
 * a freed place taken again, and `/stats` showing the limits, the counts and the drops to admins
 * only. Distinct client addresses are 127.0.0.x, all on this machine.
 */
import { adminRoom, joinFrom, turnedAway, turnedAwayTls } from '../helpers/admin';
import { ChatClient, event } from '../helpers/chat-client';
import { startServer } from '../helpers/process';
import { eventually } from '../helpers/teardown';
import { rawConnect } from '../helpers/tls-room';
import { serverStats } from '../helpers/stats';
import { logged } from '../helpers/tls';

const FULL = event('ERROR', ['server-full'], 'the server is full; try again later');
const TOO_MANY = event(
  'ERROR',
  ['too-many-connections'],
  'too many connections from your address; close one and try again',
);

test('--max-clients 3: the fourth is told server-full and closed, over TCP and TLS', async () => {
  const { server, ca, admin } = await adminRoom(['--max-clients', '3']);
  const b = await joinFrom(server, '127.0.0.2', [admin]);
  const c = await joinFrom(server, '127.0.0.3', [admin, b]);
  expect(await turnedAway(server, '127.0.0.4')).toEqual([FULL]);
  expect(await turnedAwayTls(server, ca, '127.0.0.4')).toEqual([FULL]);
  // Nobody saw them, and the room goes on.
  await b.send('still three');
  for (const x of [admin, b, c])
    expect(await x.next()).toEqual(event('MSG', [b.nick], 'still three'));

  const stats = await serverStats(admin);
  expect(stats.get('max-clients')).toBe('3');
  expect(stats.get('connections')).toBe('3');
  expect(stats.get('clients')).toBe('3');
  expect(stats.get('drops-server-full')).toBe('2');
  await logged(server, /^refused 127\.0\.0\.4:\d+ \(plain\): server-full$/);
  await logged(server, /^refused 127\.0\.0\.4:\d+ \(tls\): server-full$/);

  // A place freed is a place taken.
  await c.send('/quit');
  for (const x of [admin, b]) expect(await x.next()).toEqual(event('QUIT', [c.nick], 'quit'));
  await logged(server, new RegExp(`^disconnected ${c.nick}: quit$`));
  const d = await joinFrom(server, '127.0.0.4', [admin, b]);
  expect(d.nick).toBe('guest-4');
});

test('--max-per-ip 2 --limit-loopback: a third from one address is refused, others are not', async () => {
  const { server, ca, admin } = await adminRoom(['--max-per-ip', '2', '--limit-loopback']);
  const first = await joinFrom(server, '127.0.0.2', [admin]);
  await joinFrom(server, '127.0.0.2', [admin, first]);
  expect(await turnedAway(server, '127.0.0.2')).toEqual([TOO_MANY]);
  expect(await turnedAwayTls(server, ca, '127.0.0.2')).toEqual([TOO_MANY]);
  const other = await joinFrom(server, '127.0.0.3', [admin, first]);
  await other.send('hello');
  expect(await first.nextWhere((e) => e.type === 'MSG', 'MSG')).toEqual(
    event('MSG', [other.nick], 'hello'),
  );
  const stats = await serverStats(admin);
  expect(stats.get('max-per-ip')).toBe('2');
  expect(stats.get('loopback-exempt')).toBe('no');
  expect(stats.get('ip:127.0.0.2')).toBe('2');
  expect(stats.get('ip:127.0.0.3')).toBe('1');
  expect(stats.get('drops-too-many-connections')).toBe('2');
});

test('by default loopback is exempt from --max-per-ip', async () => {
  const server = await startServer(['--max-per-ip', '2']);
  const clients = await Promise.all(
    Array.from({ length: 6 }, () => ChatClient.connect(server.port, '127.0.0.1', '127.0.0.2')),
  );
  expect(new Set(clients.map((c) => c.nick)).size).toBe(6);
  await logged(server, /^at most \d+ connections, at most 2 per address \(loopback exempt\)$/);
});

test('the defaults: the fd ceiling decides --max-clients; 16 per address; /stats is for admins', async () => {
  const { server, admin } = await adminRoom();
  const [line] = await logged(server, /^at most \d+ connections, at most 16 per address/);
  const stats = await serverStats(admin);
  const maxClients = Number(stats.get('max-clients'));
  expect(line).toBe(`at most ${maxClients} connections, at most 16 per address (loopback exempt)`);
  expect(maxClients).toBeGreaterThan(0);
  expect(maxClients).toBeLessThan(Number(stats.get('max-fds')));
  for (const [name, value] of [
    ['max-per-ip', '16'],
    ['loopback-exempt', 'yes'],
    ['flood-burst', '10'],
    ['flood-rate', '5'],
    ['recvq', '65536'],
    ['sendq', '1048576'],
    ['keepalive', '60'],
    ['handshake-timeout', '10'],
  ]) {
    expect([name, stats.get(name)]).toEqual([name, value]);
  }
  const someone = await joinFrom(server, '127.0.0.2', [admin]);
  await someone.send('/stats');
  expect(await someone.next()).toEqual(
    event('ERROR', ['not-permitted'], '/stats is for admins; /login <name> <password> first'),
  );
});

test('a TLS connection flood over a limit: 16 are told in-band, the rest closed at once', async () => {
  const { server, admin } = await adminRoom([
    '--max-per-ip',
    '1',
    '--limit-loopback',
    '--handshake-timeout',
    '2',
  ]);
  // The admin holds 127.0.0.1's one place; these never start their handshake.
  const raws = await Promise.all(Array.from({ length: 40 }, () => rawConnect(server.tlsPort)));
  let closed = 0;
  for (const raw of raws) void raw.closed.then(() => closed++);
  await eventually(() => (closed === 24 ? true : undefined));
  expect(closed).toBe(24); // the 16 told in-band wait for their handshake, up to the timeout
  await Promise.all(raws.map((raw) => raw.closed));
  await logged(server, /^TLS handshake failed: handshake timed out after 2000 ms$/, 16);
  const stats = await serverStats(admin);
  expect(stats.get('drops-too-many-connections')).toBe('40');
  expect(stats.get('drops-handshake-timeout')).toBe('16');
});
