/**
 * Flood control for one client: a token bucket of `burst` lines refilled at `ratePerSecond`.
 * A line that finds a token goes to the room at once; one that does not is held back, in order,
 * and the client's channel stops being read, so what it sends next waits in the kernel (and then
 * in the client, once TCP's window closes) rather than in the server: InspIRCd's fakelag. A
 * timer lets the held lines through as tokens come back, then reading resumes. While a flooder
 * is held back it costs the loop nothing (its fd is not even watched for reading) beyond one
 * timer per token. What is held is bounded by one read, and by two limits that drop the client:
 * its held-back bytes past `recvqBytes` (`recvq exceeded`), or more held-back lines than a
 * minute lets through (`excess flood`: one read of short lines could otherwise trickle into the
 * room for hours, even after the client has gone, since its FIN waits behind them).
 */
import { ProtocolError } from '../protocol/errors';
import { EXCESS_FLOOD, RECVQ_EXCEEDED } from '../protocol/limits';
import type { ServerCounters } from './counters';

export interface FloodOptions {
  /** Lines a client may send at once. */
  burst: number;
  /** Lines per second after the burst; > 0 (0 turns flood control off: no FloodControl). */
  ratePerSecond: number;
  /** Most bytes of input held back before the client is dropped. */
  recvqBytes: number;
}

/** One item of a client's input: a decoded line, or the framer's error for an overlong one. */
export type InputItem = string | ProtocolError;

/** What flood control drives: the connection it belongs to. */
export interface FloodSink {
  /** Hand one item to the room now. */
  deliver(item: InputItem): void;
  /** Stop or resume reading the client's channel. */
  setReading(reading: boolean): void;
  /**
   * Too much is held back: tell the client `error`, drop it with QUIT `reason` (RECVQ_EXCEEDED
   * or EXCESS_FLOOD), and `close()` this.
   */
  overflow(error: ProtocolError, reason: string): void;
  /** True while the client may skip flood control (an admin). */
  exempt(): boolean;
}

/** What an overlong line's error counts for against the recvq: it stands for discarded bytes. */
const ERROR_BYTES = 64;
/** Held-back lines may take at most this long to let through at the rate. */
const MAX_HOLD_SECONDS = 60;

export class FloodControl {
  readonly #options: FloodOptions;
  readonly #sink: FloodSink;
  readonly #counters: ServerCounters;
  readonly #clock: () => number;
  readonly #perMs: number;
  readonly #maxHeldLines: number;
  #tokens: number;
  #stamp: number;
  // Held-back items from #head on; the array is reset once drained.
  #held: InputItem[] = [];
  #head = 0;
  #heldBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #drained: (() => void) | undefined;
  #closed = false;
  // Counted in heldBackClients: from the first held line until drained or closed. Not derived
  // from `holding`, which is already false while the last held line (a /quit that closes us) is
  // being delivered.
  #counted = false;

  constructor(
    options: FloodOptions,
    sink: FloodSink,
    counters: ServerCounters,
    clock: () => number = Date.now,
  ) {
    this.#options = options;
    this.#sink = sink;
    this.#counters = counters;
    this.#clock = clock;
    this.#perMs = options.ratePerSecond / 1000;
    this.#maxHeldLines = Math.max(
      options.burst,
      Math.ceil(options.ratePerSecond * MAX_HOLD_SECONDS),
    );
    this.#tokens = options.burst;
    this.#stamp = clock();
  }

  /** True while input is held back. */
  get holding(): boolean {
    return this.#head < this.#held.length;
  }

  /** Bytes of input held back now. */
  get heldBytes(): number {
    return this.#heldBytes;
  }

  /**
   * True if the next line may go to the room now: nothing is held back and a token was taken.
   * For a caller that delivers the line itself (the bytes fast path); otherwise `offer` it.
   */
  admit(): boolean {
    return !this.#closed && !this.holding && this.#take();
  }

  /** The next item of the client's input, in order: delivered now or held back. */
  offer(item: InputItem): void {
    if (this.admit()) this.#sink.deliver(item);
    else if (!this.#closed) this.#hold(item);
  }

  /** Calls `done` once nothing is held back (at once if nothing is). */
  whenDrained(done: () => void): void {
    if (!this.holding) return done();
    this.#drained = done;
  }

  /** The connection is gone: drop what is held, stop the timer. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#uncount();
    this.#counters.heldBackBytes -= this.#heldBytes;
    this.#held = [];
    this.#head = 0;
    this.#heldBytes = 0;
    this.#drained = undefined;
  }

  #uncount(): void {
    if (this.#counted) this.#counters.heldBackClients--;
    this.#counted = false;
  }

  /** Takes a token if there is one (refilled for the time since the last take). */
  #take(): boolean {
    const now = this.#clock();
    this.#tokens = Math.min(this.#options.burst, this.#tokens + (now - this.#stamp) * this.#perMs);
    this.#stamp = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    return this.#sink.exempt();
  }

  #hold(item: InputItem): void {
    if (!this.holding) {
      this.#sink.setReading(false);
      this.#counters.throttled++;
      this.#counters.heldBackClients++;
      this.#counted = true;
      this.#schedule();
    }
    this.#held.push(item);
    const bytes = typeof item === 'string' ? Buffer.byteLength(item) : ERROR_BYTES;
    this.#heldBytes += bytes;
    this.#counters.heldBackBytes += bytes;
    this.#counters.heldBackLines++;
    if (this.#heldBytes > this.#options.recvqBytes) this.#recvqExceeded();
    else if (this.#held.length - this.#head > this.#maxHeldLines) this.#excessFlood();
  }

  #recvqExceeded(): void {
    const { recvqBytes, ratePerSecond } = this.#options;
    const text = `you sent more than ${recvqBytes} bytes faster than ${ratePerSecond} lines/s`;
    this.#counters.drop('recvq');
    this.#sink.overflow(
      new ProtocolError('recvq-exceeded', `${text}; disconnected`),
      RECVQ_EXCEEDED,
    );
  }

  #excessFlood(): void {
    const { ratePerSecond } = this.#options;
    const text =
      `you sent more than ${this.#maxHeldLines} lines faster than ${ratePerSecond} a second ` +
      '(a minute of them)';
    this.#counters.drop('flood');
    this.#sink.overflow(new ProtocolError('excess-flood', `${text}; disconnected`), EXCESS_FLOOD);
  }

  /** Wakes up when the next token is due. */
  #schedule(): void {
    const wait = Math.max(1, Math.ceil((1 - this.#tokens) / this.#perMs));
    this.#timer = setTimeout(() => this.#release(), wait);
  }

  /** Lets held items through while tokens last; resumes reading once none is left. */
  #release(): void {
    this.#timer = undefined;
    while (!this.#closed && this.holding && this.#take()) {
      const item = this.#held[this.#head] as InputItem;
      this.#held[this.#head++] = '';
      const bytes = typeof item === 'string' ? Buffer.byteLength(item) : ERROR_BYTES;
      this.#heldBytes -= bytes;
      this.#counters.heldBackBytes -= bytes;
      this.#sink.deliver(item);
    }
    if (this.#closed) return;
    if (this.holding) return this.#schedule();
    this.#held = [];
    this.#head = 0;
    this.#uncount();
    this.#sink.setReading(true);
    const drained = this.#drained;
    this.#drained = undefined;
    drained?.();
  }
}
