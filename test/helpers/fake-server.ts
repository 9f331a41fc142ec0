/**
 * A scripted stand-in for a selectchat server, over a real socket on 127.0.0.1: it accepts
 * connections, writes exactly the bytes a test gives it (escape sequences, odd answers) and
 * records the lines the client sends. For the client's tests of a server it cannot trust, which
 * the real server (it strips control characters, keeps to the protocol) cannot play.
 */
import net from 'node:net';

import { teardown } from './teardown';

/** One client connected to the fake server. */
export interface FakePeer {
  /** Writes each line stamped now and ended with `\n`, bytes and all as given. */
  send(...lines: string[]): void;
  /** The next line the client sends (waits for it). */
  next(): Promise<string>;
  /** Hangs up on the client, after what was written (FIN, not RST). */
  close(): void;
}

export interface FakeServer {
  port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** The next connection (the first not yet taken), once it is accepted. */
  connection(): Promise<FakePeer>;
}

function peerOf(socket: net.Socket): FakePeer {
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('error', () => undefined); // the client may hang up first
  socket.on('data', (text: string) => {
    pending += text;
    for (let lf = pending.indexOf('\n'); lf !== -1; lf = pending.indexOf('\n')) {
      const line = pending.slice(0, lf);
      pending = pending.slice(lf + 1);
      const waiter = waiting.shift();
      if (waiter === undefined) lines.push(line);
      else waiter(line);
    }
  });
  return {
    send: (...sent) => {
      socket.write(sent.map((line) => `${new Date().toISOString()} ${line}\n`).join(''));
    },
    next: () => {
      const line = lines.shift();
      return line !== undefined
        ? Promise.resolve(line)
        : new Promise((resolve) => waiting.push(resolve));
    },
    close: () => socket.end(),
  };
}

/** Listens on a free port of 127.0.0.1; the server and every connection close after the test. */
export async function fakeServer(): Promise<FakeServer> {
  const sockets = new Set<net.Socket>();
  const peers: FakePeer[] = [];
  const waiting: ((peer: FakePeer) => void)[] = [];
  let accepted = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const peer = peerOf(socket);
    const waiter = waiting.shift();
    if (waiter === undefined) peers.push(peer);
    else waiter(peer);
    accepted++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    port: (server.address() as net.AddressInfo).port,
    get accepted() {
      return accepted;
    },
    connection: () => {
      const peer = peers.shift();
      return peer !== undefined
        ? Promise.resolve(peer)
        : new Promise((resolve) => waiting.push(resolve));
    },
  };
}
