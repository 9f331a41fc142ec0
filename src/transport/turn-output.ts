/**
 * The output of one loop turn for every raw-fd socket at once. Each line written in the turn is
 * copied once into one shared buffer, however many sockets are owed it; a socket owes a range of
 * that buffer (a broadcast burst is one range); and when the turn's JavaScript has run, one native
 * call sends every socket its range (`fdSendRanges`: one send() each, one crossing in all). What a
 * kernel would not take is copied out into that socket's own queue, so the buffer is reused by the
 * next turn and stays warm in the cache.
 */
import { addon } from '../native/addon';
import { ioCounters } from '../loop/stats';

/** The shared buffer; a turn that fills it is sent early and goes on from the start. */
const TURN_BYTES = 256 * 1024;
/** Chunks this big or bigger bypass the turn buffer: bulk (TLS records), not lines. */
export const MAX_TURN_CHUNK = 16 * 1024;

/**
 * A socket that owes output this turn. The first two calls only change the socket's own state:
 * nothing that could write again may run while the buffer is being sent; `turnEnded` may, to any
 * socket.
 */
export interface TurnWriter {
  readonly fd: number;
  /** The range to send; start < 0: none (the socket's output is in its own queue). */
  readonly rangeStart: number;
  readonly rangeEnd: number;
  /** Write the socket's own queue (it did not get one contiguous range this turn). */
  flushQueued(): void;
  /**
   * `result` is bytes written or -errno, of `buffer[start, end)`; keep what is left. Returns
   * whether turnEnded must follow (not for a socket that took it all and has nothing to say).
   */
  afterSend(result: number, buffer: Buffer, start: number, end: number): boolean;
  /** The turn buffer is free again: callbacks (drain, close) may run now. */
  turnEnded(): void;
}

class TurnOutput {
  readonly buffer = Buffer.allocUnsafeSlow(TURN_BYTES);
  #used = 0;
  /** The chunk copied last, and where: a socket right behind it extends its range in place. */
  last: Buffer | undefined;
  lastStart = 0;
  #writers: TurnWriter[] = [];
  #sending: (TurnWriter | undefined)[] = []; // the writers of the table's rows
  #later: (TurnWriter | undefined)[] = []; // the writers owed a turnEnded() at the turn's end
  #table = new Int32Array(4 * 256);
  #scheduled = false;
  // Made once: a closure made in enlist() would cost it a context allocation on every call.
  #flushAtTurnEnd = (): void => this.#endTurn();

  /**
   * Where `chunk` lies in the turn buffer: copied there unless it is the chunk placed last (a
   * broadcast hands the same Buffer to every recipient). The caller checked its size.
   */
  place(chunk: Buffer): number {
    if (chunk === this.last) return this.lastStart;
    if (this.#used + chunk.length > TURN_BYTES) this.#sendEarly();
    const start = this.#used;
    this.buffer.set(chunk, start); // not copy(): that makes a typed array per call
    this.#used = start + chunk.length;
    this.last = chunk;
    this.lastStart = start;
    return start;
  }

  /** `writer` owes output this turn: flush it at the turn's end. */
  enlist(writer: TurnWriter): void {
    this.#writers.push(writer);
    if (!this.#scheduled) {
      this.#scheduled = true;
      process.nextTick(this.#flushAtTurnEnd);
    }
  }

  /**
   * The buffer is full in the middle of a write: what is owed so far is sent now, and the turn
   * goes on from an empty buffer (the flush at its end still comes). Those writers' turns end on
   * the next tick, not inside the write that filled the buffer: what their callbacks write comes
   * after it, in order, and never into a buffer half placed.
   */
  #sendEarly(): void {
    const later: TurnWriter[] = [];
    this.#send(later);
    process.nextTick(endTurns, later);
  }

  #endTurn(): void {
    this.#scheduled = false;
    const later = this.#later;
    const owed = this.#send(later);
    // Callbacks may write, even fill the buffer again (sent early, into its own list): this list
    // is this loop's alone.
    for (let i = 0; i < owed; i++) {
      (later[i] as TurnWriter).turnEnded();
      later[i] = undefined;
    }
  }

  /**
   * Sends every enlisted writer its range in one call, and the buffer starts over. The writers
   * owed a turnEnded() go to `later`; returns how many.
   */
  #send(later: (TurnWriter | undefined)[]): number {
    const writers = this.#writers;
    this.#writers = [];
    if (this.#table.length < 4 * writers.length) this.#table = new Int32Array(8 * writers.length);
    const table = this.#table;
    const sending = this.#sending;
    let rows = 0;
    let owed = 0;
    for (const writer of writers) {
      if (writer.rangeStart < 0) {
        writer.flushQueued();
        later[owed++] = writer;
      } else {
        table[4 * rows] = writer.fd;
        table[4 * rows + 1] = writer.rangeStart;
        table[4 * rows + 2] = writer.rangeEnd - writer.rangeStart;
        sending[rows++] = writer;
      }
    }
    if (rows > 0) {
      ioCounters.bytesOut += addon.fdSendRanges(this.buffer, 0, this.#used, rows, table);
    }
    for (let r = 0; r < rows; r++) {
      const start = table[4 * r + 1] as number;
      const end = start + (table[4 * r + 2] as number);
      const writer = sending[r] as TurnWriter;
      if (writer.afterSend(table[4 * r + 3] as number, this.buffer, start, end)) {
        later[owed++] = writer;
      }
      sending[r] = undefined; // kept at its length: truncating an array is a runtime call
    }
    this.#used = 0;
    this.last = undefined;
    return owed;
  }
}

function endTurns(writers: readonly TurnWriter[]): void {
  for (const writer of writers) writer.turnEnded();
}

/** One per thread, like the loop. */
export const turnOutput = new TurnOutput();
