/**
 * TLS connections that go wrong, against the real server with `--handshake-timeout 1`: a stalled
 * handshake, garbage instead of a ClientHello, a plaintext chat client on the TLS port, a
 * handshake aborted half-way (FIN or RST), and a TLS client that resets mid-record after joining.
 * Each is logged as one line and its fd is closed (the server's open fds, counted in /proc, return
 * to what they were); one that never completed its handshake never joined (a plain client in the
 * room sees no JOIN or QUIT for it, and the next newcomer gets the next guest number); and the
 * room goes on (a newcomer joins over TLS and a line still reaches everyone).
 */
import type net from 'node:net';

import { currentBackend } from '../helpers/backends';
import { ChatClient, event } from '../helpers/chat-client';
import { clientHello, fdCountReaches, logged } from '../helpers/tls';
import { rawConnect, tlsRoom, type TlsRoom } from '../helpers/tls-room';

/**
 * The room after a connection that never completed its handshake: one log line matching
 * `reason`, the fd closed, nobody joined or left, and a TLS newcomer chats with the watcher.
 */
async function expectDropped(room: TlsRoom, reason: RegExp): Promise<void> {
  const { server, ca, watcher } = room;
  const [line] = await logged(server, /^TLS handshake failed: /);
  expect(line).toMatch(reason);
  await fdCountReaches(server, room.fds);
  expect(server.messages.slice(room.logStart)).toEqual([line]);

  const newcomer = await ChatClient.connectTls(server.tlsPort, { ca });
  expect(newcomer.nick).toBe('guest-3'); // the dropped connection never had a nick
  expect(await watcher.next()).toEqual(event('JOIN', ['guest-3'])); // nothing before it
  await newcomer.send('still here');
  for (const c of [watcher, newcomer]) {
    expect(await c.next()).toEqual(event('MSG', ['guest-3'], 'still here'));
  }
}

/** OpenSSL's reason for rejecting what it was sent, e.g. `wrong version number (ERR_SSL_...)`. */
const OPENSSL_REASON = /^TLS handshake failed: [a-z0-9 ]+ \(ERR_SSL_[A-Z0-9_]+\)$/;

test('a stalled handshake (connect, send nothing) is dropped after --handshake-timeout', async () => {
  const room = await tlsRoom();
  const connected = Date.now();
  const { closed } = await rawConnect(room.server.tlsPort);
  expect((await closed).length).toBe(0);
  const elapsed = Date.now() - connected;
  expect(elapsed).toBeGreaterThanOrEqual(900);
  expect(elapsed).toBeLessThan(4000);
  await expectDropped(room, /^TLS handshake failed: handshake timed out after 1000 ms$/);
});

test('garbage instead of a ClientHello is refused at once', async () => {
  const room = await tlsRoom();
  const { socket, closed } = await rawConnect(room.server.tlsPort);
  socket.write(Buffer.from('\x00\xff\x13\x37 this is not a ClientHello\r\n\r\n', 'latin1'));
  await closed;
  await expectDropped(room, OPENSSL_REASON);
});

test('a plaintext chat client on the TLS port is refused and never welcomed', async () => {
  const room = await tlsRoom();
  const { socket, closed } = await rawConnect(room.server.tlsPort);
  socket.write('/nick x\n');
  expect((await closed).toString('latin1')).not.toContain('WELCOME');
  await expectDropped(room, OPENSSL_REASON);
});

const ABORTS: [string, (socket: net.Socket) => void][] = [
  ['FIN', (socket) => socket.destroy()],
  ['RST', (socket) => socket.resetAndDestroy()],
];

test.each(ABORTS)('an aborted handshake: half a ClientHello, then %s', async (_, abort) => {
  const hello = await clientHello();
  expect(hello[0]).toBe(0x16); // a handshake record
  const room = await tlsRoom();
  const { socket, closed } = await rawConnect(room.server.tlsPort);
  await new Promise<void>((resolve) =>
    socket.write(hello.subarray(0, hello.length >> 1), () => resolve()),
  );
  abort(socket);
  await closed;
  await expectDropped(room, /^TLS handshake failed: /);
});

// A FIN during the handshake (a client that gives up half way) is dropped at once and logged as a
// close, not held until --handshake-timeout (the TLS socket is half-open like its duplex, so the
// channel listens for the duplex's end).
test('an aborted handshake (FIN) is dropped at once, logged as a close', async () => {
  const hello = await clientHello();
  const room = await tlsRoom();
  const { socket, closed } = await rawConnect(room.server.tlsPort);
  socket.end(hello.subarray(0, hello.length >> 1));
  await closed;
  await expectDropped(
    room,
    /^TLS handshake failed: the client closed the connection during the handshake$/,
  );
});

// A reset during the handshake is logged as a reset: the FdDuplex's ECONNRESET reaches Node's
// TLSSocket only as an internal event, so the channel takes it from the duplex itself. Node's own
// sockets (the node backend) may call it a close: when the reset arrives right behind the data,
// libuv reads the data, sees the hang-up and reports EOF without reading the error
// (uv__stream_io's POLLHUP short-circuit).
const RESET = currentBackend() === 'node' ? '(reset|closed)' : 'reset';
test('an aborted handshake (RST) is logged as a reset', async () => {
  const hello = await clientHello();
  const room = await tlsRoom();
  const { socket, closed } = await rawConnect(room.server.tlsPort);
  await new Promise<void>((resolve) => socket.write(hello.subarray(0, 100), () => resolve()));
  socket.resetAndDestroy();
  await closed;
  await expectDropped(
    room,
    new RegExp(`^TLS handshake failed: the client ${RESET} the connection during the handshake$`),
  );
});

/** An application-data record header announcing 256 bytes, and 16 of them. */
const PART_OF_A_RECORD = Buffer.concat([
  Buffer.from([0x17, 0x03, 0x03, 0x01, 0x00]),
  Buffer.alloc(16, 7),
]);

/** A TLS client joins, sends part of a record on the TCP socket under TLS, and resets it. */
async function resetMidRecord(room: TlsRoom): Promise<string> {
  const { server, ca, watcher } = room;
  const client = await ChatClient.connectTls(server.tlsPort, { ca });
  expect(await watcher.next()).toEqual(event('JOIN', [client.nick]));
  await new Promise<void>((resolve) => client.raw.write(PART_OF_A_RECORD, () => resolve()));
  await client.reset();
  const quit = await watcher.next();
  expect(quit).toEqual(event('QUIT', [client.nick], expect.any(String)));
  await logged(server, new RegExp(`^disconnected ${client.nick}: `));
  await fdCountReaches(server, room.fds);
  expect(server.messages.slice(room.logStart)).toEqual([
    `connected as ${client.nick}`,
    `disconnected ${client.nick}: ${quit.text}`,
  ]);
  return quit.text as string;
}

test('a TLS client that resets mid-record: others see its QUIT, its fd is closed', async () => {
  const room = await tlsRoom();
  await resetMidRecord(room);
  // The room goes on.
  const newcomer = await ChatClient.connectTls(room.server.tlsPort, { ca: room.ca });
  expect(await room.watcher.next()).toEqual(event('JOIN', [newcomer.nick]));
  await room.watcher.send('after the reset');
  for (const c of [room.watcher, newcomer]) {
    expect(await c.next()).toEqual(event('MSG', [room.watcher.nick], 'after the reset'));
  }
});

// After the handshake, a TLS client that resets is announced like a plain one:
// `QUIT <nick> :connection reset by peer` (or, on the node backend, possibly as a close, for the
// reason given above RESET).
test('a TLS client that resets is reported as reset, like a plain one', async () => {
  const room = await tlsRoom();
  const reason =
    currentBackend() === 'node'
      ? /^connection (reset by peer|closed)$/
      : /^connection reset by peer$/;
  expect(await resetMidRecord(room)).toMatch(reason);
});

// The server's own shutdown is nobody's failed handshake: no line blames the client for it.
test('SIGTERM during a handshake closes it without logging a failure', async () => {
  const room = await tlsRoom(30);
  const { closed } = await rawConnect(room.server.tlsPort);
  await fdCountReaches(room.server, room.fds + 1); // accepted: its handshake is pending
  room.server.child.kill('SIGTERM');
  await closed;
  expect(await room.server.exited).toEqual({ code: 0, signal: null });
  expect(room.server.messages.filter((m) => /handshake/.test(m))).toEqual([]);
});
