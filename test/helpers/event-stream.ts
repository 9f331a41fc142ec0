/**
 * What a test client receives, as events: the server's bytes in, checked and parsed events out,
 * in order. Every line must be valid UTF-8, parse with `parseEvent` and carry the current UTC
 * time, or every wait fails (and the test, at teardown, even if it never waits again).
 * `next()` awaits events in order and, on a timeout, fails with the lines received so far.
 * ChatClient feeds one from its socket; the waiting is all here.
 */
import { EventParseError, parseEvent, type ServerEvent } from '../../src/protocol/event-parser';

/** How long `next()` waits by default; a line on the loopback takes well under a millisecond. */
export const EVENT_TIMEOUT_MS = 5000;

/** Lines shown in a failure message: the last ones, which are the interesting ones. */
const SHOWN_LINES = 40;

export type Match = (event: ServerEvent) => boolean;

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

export class EventStream {
  /** Every line received so far, without its `\n`, in order. */
  readonly lines: string[] = [];
  /** The client's own nick: from WELCOME, then followed through NICK events. */
  nick = '';
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  readonly #queue: ServerEvent[] = [];
  #head = 0;
  #partial = Buffer.alloc(0);
  #ended = false;
  #failure: Error | undefined;
  #badLine: Error | undefined; // a line that broke the protocol
  #waiter: Waiter | undefined;
  #lastTime = '';

  /** True once the server has sent EOF (or the connection closed). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Bytes from the server; each complete line becomes an event. */
  push(chunk: Buffer): void {
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
      return this.fail(new Error(`invalid UTF-8 from the server: ${data.toString('hex')}`));
    }
    for (const line of text.split('\n')) this.#onLine(line);
  }

  /** The server closed: a wait for an event that has not come fails. */
  end(): void {
    this.#ended = true;
    const waiter = this.#waiter;
    if (waiter !== undefined)
      waiter.reject(this.explain(new Error('the server closed'), waiter.what));
  }

  /** Fails every wait from now on; `protocol`: the server sent something the protocol forbids. */
  fail(error: Error, protocol = true): void {
    if (protocol) this.#badLine ??= error;
    this.#failure ??= error;
    const waiter = this.#waiter;
    if (waiter !== undefined) waiter.reject(this.explain(this.#failure, waiter.what));
  }

  /** Throws if the server ever sent a line that broke the protocol. */
  checkWellFormed(): void {
    if (this.#badLine !== undefined) throw this.explain(this.#badLine, 'well-formed lines');
  }

  /** The next event satisfying `match` (`what` describes it in failure messages). */
  nextWhere(match: Match, what: string, timeoutMs = EVENT_TIMEOUT_MS): Promise<ServerEvent> {
    const found = this.#take(match);
    if (found !== undefined) return Promise.resolve(found);
    if (this.#failure !== undefined) return Promise.reject(this.explain(this.#failure, what));
    if (this.#ended) return Promise.reject(this.explain(new Error('the server closed'), what));
    if (this.#waiter !== undefined) throw new Error(`already waiting for ${this.#waiter.what}`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(this.explain(new Error(`timed out after ${timeoutMs} ms`), what));
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

  /** The events received but not consumed; throws if the connection failed. */
  remaining(): ServerEvent[] {
    if (this.#failure !== undefined) throw this.explain(this.#failure, 'EOF');
    return this.#queue.splice(this.#head);
  }

  /** `error`, with what was awaited and the last lines received, for a failure message. */
  explain(error: Error, what: string): Error {
    const shown = this.lines.slice(-SHOWN_LINES);
    const skipped = this.lines.length - shown.length;
    return new Error(
      `${this.nick || 'client'} waiting for ${what}: ${error.message}; ` +
        `${this.lines.length} line(s) received${skipped > 0 ? ` (last ${SHOWN_LINES} shown)` : ''}:\n` +
        shown.map((l) => `  ${l}`).join('\n'),
    );
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

  #onLine(line: string): void {
    if (this.#failure !== undefined) return;
    this.lines.push(line);
    const event = parseEvent(line);
    if (event instanceof EventParseError) return this.fail(event);
    // TIME is UTC with milliseconds (parseEvent checked the form) and is the server's "now".
    if (event.time !== this.#lastTime) {
      const ms = Date.parse(event.time);
      if (new Date(ms).toISOString() !== event.time || Math.abs(ms - Date.now()) > 10_000) {
        return this.fail(new Error(`TIME is not the current UTC time: ${line}`));
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
}
