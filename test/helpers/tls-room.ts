/**
 * A TLS server set up for failure tests: a plain client watching the room, a generated
 * certificate for TLS clients to trust, and the server's fd count and log length once it has
 * served (and let go of) one TLS client, so that what the server allocates on first use is in the
 * baseline. And raw TCP connections to its TLS port, for clients that never speak TLS properly.
 */
import type net from 'node:net';

import { ChatClient, event } from './chat-client';
import { openFdCount } from './fds';
import { startServer, type RunningServer } from './process';
import { allowReset, connect } from './tcp';
import { generatedCertificate, logged } from './tls';

export interface TlsRoom {
  server: RunningServer;
  /** The server's certificate, PEM: what TLS clients trust. */
  ca: string;
  /** A plain client (guest-1) in the room, whose queue is empty. */
  watcher: ChatClient;
  /** The server's open fds with the watcher connected and nothing else. */
  fds: number;
  /** How many log messages the server had written by then. */
  logStart: number;
}

/**
 * A server with `--handshake-timeout <seconds>` (and `args`); guest-2 was the warm-up client.
 */
export async function tlsRoom(
  handshakeTimeout = 1,
  args: readonly string[] = [],
): Promise<TlsRoom> {
  const server = await startServer([
    '--tls-port',
    '0',
    '--handshake-timeout',
    String(handshakeTimeout),
    ...args,
  ]);
  const ca = generatedCertificate(server.dataDir).cert;
  const watcher = await ChatClient.connect(server.port);
  const warm = await ChatClient.connectTls(server.tlsPort, { ca });
  expect(await watcher.next()).toEqual(event('JOIN', [warm.nick]));
  await warm.send('/quit');
  expect(await watcher.next()).toEqual(event('QUIT', [warm.nick], 'quit'));
  await warm.closed;
  // Logged once the fd is closed.
  await logged(server, /^disconnected guest-2: quit$/);
  return { server, ca, watcher, fds: openFdCount(server.pid), logStart: server.messages.length };
}

export interface RawClient {
  socket: net.Socket;
  /** Resolves, once the socket has closed, with every byte it received. */
  closed: Promise<Buffer>;
}

/** A raw TCP connection (to the TLS port), closed after the test; a reset is not an error. */
export async function rawConnect(port: number): Promise<RawClient> {
  const socket = await connect(port);
  allowReset(socket); // the server may close with bytes unread, which resets
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = new Promise<Buffer>((resolve) => {
    socket.once('close', () => resolve(Buffer.concat(chunks)));
  });
  return { socket, closed };
}
