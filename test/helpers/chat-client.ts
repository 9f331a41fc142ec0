/**
 * A chat client for end-to-end tests: a real TCP connection to a running selectchat-server.
 * What it receives goes through an EventStream (event-stream.ts): every line is checked to be
 * valid UTF-8 and parsed with `parseEvent`, so a malformed line fails the test that receives it,
 * and `next()` awaits events in order and, on a timeout, fails with the lines received so far.
 * The socket is destroyed after the test. `connectTls()` does the same over TLS.
 */
import net from 'node:net';

import type { ServerEvent } from '../../src/protocol/event-parser';
import { EVENT_TIMEOUT_MS, EventStream, type Match } from './event-stream';
import { teardown } from './teardown';
import { connectTlsSocket, type TlsClientOptions } from './tls-connect';

export { EVENT_TIMEOUT_MS, ISO_TIME, event } from './event-stream';

/**
 * A Node socket connected to host:port (from `localAddress`, e.g. 127.0.0.2, if given),
 * destroyed (and its 'close' awaited) after the test.
 */
function connectSocket(port: number, host: string, localAddress?: string): Promise<net.Socket> {
  const socket = net.connect({ port, host, localAddress });
  teardown(async () => {
    if (socket.closed) return;
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.destroy();
    await closed;
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

export class ChatClient {
  /** The connection the lines travel on: a TCP socket, or the TLS socket over one. */
  readonly socket: net.Socket;
  /** The TCP socket under it all: `socket` itself for plain TCP. */
  readonly raw: net.Socket;
  /** Resolves when the server has closed its side (EOF) or the socket closed. */
  readonly ended: Promise<void>;
  /** Resolves once the socket is fully closed. */
  readonly closed: Promise<void>;
  /** The WELCOME event, the first the server sent. */
  welcome!: ServerEvent;
  readonly #events = new EventStream();

  private constructor(socket: net.Socket, raw: net.Socket = socket) {
    this.socket = socket;
    this.raw = raw;
    socket.on('data', (chunk: Buffer) => this.#events.push(chunk));
    socket.on('error', (error) => {
      this.#events.fail(new Error(`socket error: ${error.message}`), false);
    });
    // A malformed line fails the test even if the test never awaits another event.
    teardown(() => this.#events.checkWellFormed());
    this.ended = new Promise((resolve) => {
      const onEnd = (): void => {
        this.#events.end();
        resolve();
      };
      socket.once('end', onEnd);
      socket.once('close', onEnd);
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /**
   * Connects (from `localAddress`, a distinct client IP such as 127.0.0.2, if given) and awaits
   * the WELCOME line, which must be the first line; `nick` is then set. The socket is destroyed
   * after the test.
   */
  static async connect(
    port: number,
    host = '127.0.0.1',
    localAddress?: string,
  ): Promise<ChatClient> {
    return ChatClient.#welcomed(new ChatClient(await connectSocket(port, host, localAddress)));
  }

  /** As `connect()`, over TLS (see `connectTlsSocket` for `options`). */
  static async connectTls(
    port: number,
    options: TlsClientOptions,
    host = '127.0.0.1',
  ): Promise<ChatClient> {
    const { socket, raw } = await connectTlsSocket(port, options, host);
    return ChatClient.#welcomed(new ChatClient(socket, raw));
  }

  static async #welcomed(client: ChatClient): Promise<ChatClient> {
    client.welcome = await client.next();
    if (client.welcome.type !== 'WELCOME') {
      throw new Error(`the first line is not WELCOME: ${client.lines[0]}`);
    }
    return client;
  }

  /** Connects `n` clients at once; each has had its WELCOME. */
  static connectMany(n: number, port: number, host?: string): Promise<ChatClient[]> {
    return Promise.all(Array.from({ length: n }, () => ChatClient.connect(port, host)));
  }

  /** Every line received so far, without its `\n`, in order. */
  get lines(): readonly string[] {
    return this.#events.lines;
  }

  /** The client's own nick: from WELCOME, then followed through NICK events. */
  get nick(): string {
    return this.#events.nick;
  }

  /** True once the server has sent EOF (or the socket closed). */
  get eof(): boolean {
    return this.#events.ended;
  }

  /** The local port of the connection, as the server sees it in WHOIS. */
  get localPort(): number {
    const port = this.raw.localPort;
    if (port === undefined) throw new Error('not connected');
    return port;
  }

  /** Sends one line; `\n` is appended. */
  send(line: string): Promise<void> {
    return this.write(line + '\n');
  }

  /** Writes raw bytes, resolving once Node has handed them to the kernel. */
  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.write(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  /**
   * The next event; with `type`, the next event of that type (others before it are consumed).
   * Fails after `timeoutMs`, or if the connection ends first, with the lines seen so far.
   */
  next(type?: string, timeoutMs = EVENT_TIMEOUT_MS): Promise<ServerEvent> {
    const match: Match = type === undefined ? () => true : (e) => e.type === type;
    return this.nextWhere(match, type ?? 'any event', timeoutMs);
  }

  /** The next event satisfying `match` (`what` describes it in failure messages). */
  nextWhere(match: Match, what: string, timeoutMs = EVENT_TIMEOUT_MS): Promise<ServerEvent> {
    return this.#events.nextWhere(match, what, timeoutMs);
  }

  /** Every event up to and including the next one of `type` (or satisfying it), in order. */
  async until(type: string | Match, timeoutMs = EVENT_TIMEOUT_MS): Promise<ServerEvent[]> {
    const match: Match = typeof type === 'string' ? (e) => e.type === type : type;
    const seen: ServerEvent[] = [];
    const what = typeof type === 'string' ? type : 'a matching event';
    await this.nextWhere((e) => (seen.push(e), match(e)), what, timeoutMs);
    return seen;
  }

  /** Awaits EOF from the server and returns the events received but not consumed before it. */
  async rest(): Promise<ServerEvent[]> {
    await this.ended;
    return this.#events.remaining();
  }

  /** Half-closes (FIN) and awaits the server's close. */
  async close(): Promise<void> {
    this.socket.end();
    await this.closed;
  }

  /** Resets the connection (RST; over TLS, of the TCP socket under it) and awaits the close. */
  async reset(): Promise<void> {
    this.raw.resetAndDestroy();
    await this.closed;
  }

  /** Destroys the socket at once, as a killed process would, and awaits the local close. */
  async kill(): Promise<void> {
    this.socket.destroy();
    await this.closed;
  }
}
