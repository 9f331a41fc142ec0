/**
 * A chat client for end-to-end tests: a real TCP connection to a running selectchat-server.
 * Every line the server sends is checked to be valid UTF-8 and parsed with `parseEvent`, so a
 * malformed line fails the test that receives it. `next()` awaits events in order and, on a
 * timeout, fails with the lines received so far. The socket is destroyed after the test.
 * `connectTls()` does the same over TLS.
 */
import net from 'node:net';

import { EventParseError, parseEvent, type ServerEvent } from '../../src/protocol/event-parser';
import { teardown } from './teardown';
import { connectTlsSocket, type TlsClientOptions } from './tls-connect';

/** How long `next()` waits by default; a line on the loopback takes well under a millisecond. */
export const EVENT_TIMEOUT_MS = 5000;

/** Lines shown in a failure message: the last ones, which are the interesting ones. */
const SHOWN_LINES = 40;

type Match = (event: ServerEvent) => boolean;

interface Waiter {
  match: Match;
  what: string;
  resolve(event: ServerEvent): void;
  reject(error: Error): void;
}

/** TIME as PROTOCOL.md defines it: UTC ISO-8601 with milliseconds. */
export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** What an event with exactly this type, these args and this text (or none) looks like. */
export function event(type: string, args: string[] = [], text?: string): object {
  const expected = { time: expect.stringMatching(ISO_TIME), type, args };
  return text === undefined ? expected : { ...expected, text };
}

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
  /** Every line received so far, without its `\n`, in order. */
  readonly lines: string[] = [];
  /** Resolves when the server has closed its side (EOF) or the socket closed. */
  readonly ended: Promise<void>;
  /** Resolves once the socket is fully closed. */
  readonly closed: Promise<void>;
  /** The WELCOME event, the first the server sent. */
  welcome!: ServerEvent;
  /** The client's own nick: from WELCOME, then followed through NICK events. */
  nick = '';
  /** True once the server has sent EOF (or the socket closed). */
  eof = false;
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  readonly #queue: ServerEvent[] = [];
  #head = 0;
  #partial = Buffer.alloc(0);
  #failure: Error | undefined;
  #badLine: Error | undefined; // a line that broke the protocol
  #waiter: Waiter | undefined;
  #lastTime = '';

  private constructor(socket: net.Socket, raw: net.Socket = socket) {
    this.socket = socket;
    this.raw = raw;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#fail(new Error(`socket error: ${error.message}`), false));
    // A malformed line fails the test even if the test never awaits another event.
    teardown(() => {
      if (this.#badLine !== undefined) throw this.#explain(this.#badLine, 'well-formed lines');
    });
    this.ended = new Promise((resolve) => {
      const onEnd = (): void => {
        this.eof = true;
        this.#onEnded();
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
    const found = this.#take(match);
    if (found !== undefined) return Promise.resolve(found);
    if (this.#failure !== undefined) return Promise.reject(this.#explain(this.#failure, what));
    if (this.eof) return Promise.reject(this.#explain(new Error('the server closed'), what));
    if (this.#waiter !== undefined) throw new Error(`already waiting for ${this.#waiter.what}`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(this.#explain(new Error(`timed out after ${timeoutMs} ms`), what));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.#waiter = undefined;
      };
      this.#waiter = {
        match,
        what,
        resolve: (event) => (done(), resolve(event)),
        reject: (error) => (done(), reject(error)),
      };
    });
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
    if (this.#failure !== undefined) throw this.#explain(this.#failure, 'EOF');
    return this.#queue.splice(this.#head);
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

  #take(match: Match): ServerEvent | undefined {
    while (this.#head < this.#queue.length) {
      const event = this.#queue[this.#head++] as ServerEvent;
      if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
        this.#queue.splice(0, this.#head);
        this.#head = 0;
      }
      if (match(event)) return event;
    }
    return undefined;
  }

  #onData(chunk: Buffer): void {
    const data = this.#partial.length === 0 ? chunk : Buffer.concat([this.#partial, chunk]);
    const last = data.lastIndexOf(10);
    if (last === -1) {
      this.#partial = Buffer.from(data);
      return;
    }
    this.#partial = Buffer.from(data.subarray(last + 1));
    if (this.#failure !== undefined) return;
    // Complete lines only, so no UTF-8 sequence is cut: one strict decode for all of them.
    let text: string;
    try {
      text = this.#decoder.decode(data.subarray(0, last));
    } catch {
      return this.#fail(new Error(`invalid UTF-8 from the server: ${data.toString('hex')}`));
    }
    for (const line of text.split('\n')) this.#onLine(line);
  }

  #onLine(line: string): void {
    if (this.#failure !== undefined) return;
    this.lines.push(line);
    const event = parseEvent(line);
    if (event instanceof EventParseError) return this.#fail(event);
    // TIME is UTC with milliseconds (parseEvent checked the form) and is the server's "now".
    if (event.time !== this.#lastTime) {
      const ms = Date.parse(event.time);
      if (new Date(ms).toISOString() !== event.time || Math.abs(ms - Date.now()) > 10_000) {
        return this.#fail(new Error(`TIME is not the current UTC time: ${line}`));
      }
      this.#lastTime = event.time;
    }
    if (event.type === 'WELCOME' && this.nick === '') this.nick = event.args[0] as string;
    if (event.type === 'NICK' && event.args[0] === this.nick) this.nick = event.args[1] as string;
    this.#queue.push(event);
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      const found = this.#take(waiter.match);
      if (found !== undefined) waiter.resolve(found);
    }
  }

  /** Fails every wait from now on; `protocol`: the server sent something the protocol forbids. */
  #fail(error: Error, protocol = true): void {
    if (protocol) this.#badLine ??= error;
    this.#failure ??= error;
    const waiter = this.#waiter;
    if (waiter !== undefined) waiter.reject(this.#explain(this.#failure, waiter.what));
  }

  #onEnded(): void {
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      waiter.reject(this.#explain(new Error('the server closed'), waiter.what));
    }
  }

  #explain(error: Error, what: string): Error {
    const shown = this.lines.slice(-SHOWN_LINES);
    const skipped = this.lines.length - shown.length;
    return new Error(
      `${this.nick || 'client'} waiting for ${what}: ${error.message}; ` +
        `${this.lines.length} line(s) received${skipped > 0 ? ` (last ${SHOWN_LINES} shown)` : ''}:\n` +
        shown.map((l) => `  ${l}`).join('\n'),
    );
  }
}
