/**
 * Real TCP connections on the loopback: a Node `net` client on one side and, on the other, a raw
 * fd accepted by our own native listener. Everything is closed after the test, and the Node
 * sockets' 'close' is awaited.
 */
import net from 'node:net';

import { addon, type Accepted } from '../../src/native/addon';
import { EAGAIN, errnoError } from '../../src/native/errno';
import { listenFd, OwnedFd } from './fds';
import { eventually, teardown } from './teardown';

/** Destroy `socket` after the test and wait for its 'close'. Calling it again is harmless. */
export function track(socket: net.Socket): net.Socket {
  teardown(async () => {
    if (socket.closed) return;
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.destroy();
    await closed;
  });
  return socket;
}

/** A Node client connected to host:port. */
export function connect(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  const socket = track(net.connect(port, host));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Accept one connection from a non-blocking listening fd, waiting for it if need be. */
export function acceptFrom(listenerFd: number): Promise<Accepted> {
  return eventually(() => {
    const accepted = addon.fdAccept(listenerFd);
    if (typeof accepted !== 'number') return accepted;
    if (accepted !== EAGAIN) throw errnoError(accepted, 'accept');
    return undefined;
  });
}

export interface TcpPair {
  /** Our side: a raw non-blocking fd from fdAccept. */
  server: OwnedFd;
  /** What fdAccept said about the peer. */
  peer: Accepted;
  /** Their side: a Node socket. */
  client: net.Socket;
}

/** A connection between a Node client and a raw fd accepted by the native listener. */
export async function tcpPair(host = '127.0.0.1'): Promise<TcpPair> {
  const { listener, port } = listenFd(host);
  const client = await connect(port, host);
  const peer = await acceptFrom(listener.fd);
  listener.close();
  const server = new OwnedFd(peer.fd);
  // The client goes first: our fd closing first with unread bytes would reset it, and the
  // reset would surface as an 'error' on a socket nobody watches any more.
  track(client);
  return { server, peer, client };
}

/** Read from a raw fd until it returns something other than EAGAIN. */
export function readWhenReady(fd: number, buffer: Buffer): Promise<number> {
  return eventually(() => {
    const n = addon.fdRead(fd, buffer, 0, buffer.length);
    return n === EAGAIN ? undefined : n;
  });
}

/** Everything a raw fd yields until EOF (throws on an error). */
export async function readToEnd(fd: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  for (;;) {
    const n = await readWhenReady(fd, buffer);
    if (n < 0) throw errnoError(n, 'read');
    if (n === 0) return Buffer.concat(chunks);
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
}

/**
 * For tests that close our side with bytes unread, which resets the connection: the client's
 * ECONNRESET is expected; any other error still fails the test.
 */
export function allowReset(socket: net.Socket): void {
  socket.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET') throw error;
  });
}
