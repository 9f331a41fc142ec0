/**
 * A connected, non-blocking socket fd driven by the readiness loop: reads into a shared slab (or
 * lets the loop read and split lines natively), owes its output of each turn as a range of the
 * shared turn buffer, queues what the kernel would not take, and closes gracefully.
 *
 * It knows nothing of chat: bytes in (or framed lines), bytes out.
 */
import { addon, type SocketAddress } from '../native/addon';
import { EAGAIN, errnoError, type SystemError } from '../native/errno';
import { READABLE, WRITABLE, type EventLoop, type FdWatcher } from '../loop/event-loop';
import type { LineSink } from '../loop/line-batch';
import { ioCounters } from '../loop/stats';
import { LINGER_MS, type Channel, type ChannelHandlers, type LineHandlers } from './channel';
import { MAX_TURN_CHUNK, turnOutput, type TurnWriter } from './turn-output';
import { WriteQueue } from './write-queue';

/** onData's chunk is a view into a slab shared by every FdSocket. */
export interface FdSocketHandlers extends ChannelHandlers {
  /** The write queue has emptied: for a producer that waits for room. */
  onDrain?(): void;
  /** As Channel's; an FdSocket's errors are always system errors. */
  onClose(error?: SystemError): void;
}

/** Bytes read per readable event; one read per event keeps turns fair. */
const READ_CHUNK = 64 * 1024;

// One slab serves every socket: a read's bytes are handed on before the next.
const slab = Buffer.allocUnsafe(READ_CHUNK);

export class FdSocket implements Channel, TurnWriter {
  readonly fd: number;
  readonly remote: SocketAddress;
  readonly secure = false;
  #watcher: FdWatcher;
  #handlers: FdSocketHandlers;
  #queue = new WriteQueue();
  #reading = true;
  #eof = false; // the peer has sent FIN
  #ending = false; // end() called: close once the queue is flushed
  #closed = false;
  #enlisted = false; // on the turn's list: flushed when the turn ends
  // This turn's output as a range of the turn buffer; -1: none (or it is in the queue).
  #rangeStart = -1;
  #rangeEnd = 0;
  #linger: NodeJS.Timeout | undefined;

  constructor(loop: EventLoop, fd: number, remote: SocketAddress, handlers: FdSocketHandlers) {
    this.fd = fd;
    this.remote = remote;
    this.#handlers = handlers;
    this.#watcher = loop.watch(fd, (events) => this.#onEvents(events));
    try {
      this.#watcher.start(READABLE);
    } catch (error) {
      this.#watcher.close();
      throw error;
    }
  }

  /** Bytes accepted by write() and not yet taken by the kernel. */
  get queuedBytes(): number {
    return this.#queue.bytes + (this.#rangeStart < 0 ? 0 : this.#rangeEnd - this.#rangeStart);
  }

  /** @internal TurnWriter: this turn's range of the turn buffer. */
  get rangeStart(): number {
    return this.#rangeStart;
  }

  /** @internal */
  get rangeEnd(): number {
    return this.#rangeEnd;
  }

  /**
   * Let the loop read and split this socket's input natively (the raw-fd fast path): lines reach
   * `handlers` instead of bytes reaching onData. EOF and errors still end as onEnd and onClose.
   * False when lines this long do not fit the loop's batch: then bytes it is.
   */
  readLines(maxLineBytes: number, handlers: LineHandlers): boolean {
    const sink: LineSink = {
      onLine: (bytes, start, end, clean) => {
        if (!this.#ending) handlers.onLine(bytes, start, end, clean);
      },
      onLineTooLong: () => {
        if (!this.#ending) handlers.onLineTooLong();
      },
      onEof: () => this.#onEof(),
      onReadError: (errno) => this.#fail(errno, 'read'),
    };
    return this.#watcher.frame(maxLineBytes, sink);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Queue bytes for the peer. They are written when the current call stack unwinds, together
   * with everything else owed in this turn: one send per socket per turn, and one native call
   * for all of them (TurnOutput), however many lines a broadcast produced.
   */
  write(chunk: Buffer): void {
    // The hot case, kept small enough to be inlined into a broadcast: the line just placed in
    // the turn buffer, right behind what this socket owes already.
    const turn = turnOutput;
    if (chunk === turn.last && this.#rangeEnd === turn.lastStart && this.#rangeStart >= 0) {
      if (!this.#ending) this.#rangeEnd += chunk.length;
      return;
    }
    this.#place(chunk);
  }

  // A socket owes either a range of the turn buffer or a queue of its own, never both: a range is
  // sent whole at the turn's end, so anything queued behind it would wait there unscheduled (and
  // the range's unsent rest would go behind it, out of order).
  #place(chunk: Buffer): void {
    if (this.#closed || this.#ending) return;
    if (!this.#queue.empty) return this.#enqueue(chunk);
    if (chunk.length >= MAX_TURN_CHUNK) {
      this.#rangeToQueue();
      return this.#enqueue(chunk);
    }
    const start = turnOutput.place(chunk); // may send the turn so far, if the buffer was full
    if (this.#closed) return; // that send failed
    if (!this.#queue.empty) return this.#enqueue(chunk);
    if (this.#rangeStart < 0) {
      this.#rangeStart = start;
      this.#rangeEnd = start + chunk.length;
      this.#enlist();
    } else if (this.#rangeEnd === start) {
      this.#rangeEnd += chunk.length;
    } else {
      // Not next to what this socket owes (it skipped a line that others got): its own queue
      // from here on, the range first.
      this.#rangeToQueue();
      this.#queue.push(chunk);
    }
  }

  /** Stop or resume reading (backpressure from whoever consumes onData). */
  setReading(reading: boolean): void {
    this.#reading = reading;
    this.#updateInterest();
  }

  /**
   * Close gracefully: flush what is queued, send FIN, then wait (briefly) for the peer's FIN, so
   * that a close never turns into a reset that destroys the last lines on their way to the peer.
   */
  end(): void {
    if (this.#closed || this.#ending) return;
    this.#ending = true;
    // A peer that never reads must not hold the fd forever.
    this.#linger = setTimeout(() => this.destroy(), LINGER_MS);
    // Reading resumes even if the consumer had paused it: what arrives now is discarded, and
    // only reading can tell us the peer's FIN has come.
    this.#reading = !this.#eof;
    if (this.#owesNothing()) this.#shutdown();
    else this.#updateInterest();
  }

  /** Close now; queued bytes are dropped. */
  destroy(error?: SystemError): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#linger);
    this.#queue.clear();
    this.#rangeStart = -1;
    this.#watcher.close();
    addon.fdClose(this.fd);
    process.nextTick(() => this.#handlers.onClose(error));
  }

  /** @internal TurnWriter */
  flushQueued(): void {
    this.#enlisted = false; // off the list now: a write before turnEnded() lists it again
    if (!this.#closed) this.#flush();
  }

  /** @internal TurnWriter */
  afterSend(result: number, buffer: Buffer, start: number, end: number): boolean {
    this.#enlisted = false; // off the list now: a write before turnEnded() lists it again
    this.#rangeStart = -1;
    if (result === end - start && !this.#ending && this.#handlers.onDrain === undefined) {
      return false; // all taken, interest unchanged, nobody to tell: the usual case
    }
    if (this.#closed) return true;
    if (result < 0 && result !== EAGAIN) {
      this.#fail(result, 'write');
      return true;
    }
    const written = Math.max(result, 0);
    if (start + written < end) this.#queue.pushCopy(buffer, start + written, end);
    return true;
  }

  /** @internal TurnWriter */
  turnEnded(): void {
    if (this.#closed) return;
    // A range written since (its turn ended late: an early send's) is sent first.
    if (this.#owesNothing() && this.#ending) return this.#shutdown();
    this.#updateInterest();
    if (this.#owesNothing()) this.#handlers.onDrain?.();
  }

  #enlist(): void {
    if (this.#enlisted) return;
    this.#enlisted = true;
    turnOutput.enlist(this);
  }

  /** What this socket owes of the turn buffer, copied into its own queue (still enlisted). */
  #rangeToQueue(): void {
    if (this.#rangeStart < 0) return;
    this.#queue.pushCopy(turnOutput.buffer, this.#rangeStart, this.#rangeEnd);
    this.#rangeStart = -1;
  }

  /** Behind what is queued already; a queue that was empty is flushed at the turn's end. */
  #enqueue(chunk: Buffer): void {
    if (this.#queue.empty && this.#rangeStart < 0) this.#enlist();
    this.#queue.push(chunk);
  }

  #owesNothing(): boolean {
    return this.#queue.empty && this.#rangeStart < 0;
  }

  #onEvents(events: number): void {
    if (events & WRITABLE && this.#flush() && !this.#closed) this.#handlers.onDrain?.();
    if (events & READABLE && !this.#closed) this.#read();
  }

  #read(): void {
    const n = addon.fdRead(this.fd, slab, 0, slab.length);
    if (n > 0) {
      ioCounters.bytesIn += n;
      if (!this.#ending) this.#handlers.onData(slab.subarray(0, n));
    } else if (n === 0) {
      this.#onEof();
    } else if (n !== EAGAIN) {
      this.#fail(n, 'read');
    }
  }

  #onEof(): void {
    this.#eof = true;
    this.#reading = false;
    if (this.#ending && this.#owesNothing()) return this.destroy();
    this.#updateInterest();
    if (!this.#ending) this.#handlers.onEnd();
  }

  /**
   * Write the queue; true when it has emptied (the caller then says onDrain: not from inside a
   * turn flush, where a drained writer writing again would disturb the turn buffer).
   */
  #flush(): boolean {
    if (this.#queue.empty) return false;
    const chunks = this.#queue.front(addon.IOV_MAX);
    // One buffer (the usual case, lines being merged) skips the array crossing.
    const written =
      chunks.length === 1
        ? addon.fdWrite(this.fd, chunks[0], 0, chunks[0].length)
        : addon.fdWritev(this.fd, chunks);
    if (written < 0) {
      if (written !== EAGAIN) this.#fail(written, 'write');
      else this.#updateInterest();
      return false;
    }
    ioCounters.bytesOut += written;
    this.#queue.advance(written);
    if (this.#queue.empty && this.#ending) {
      this.#shutdown();
      return false;
    }
    this.#updateInterest();
    return this.#queue.empty;
  }

  // FIN, then read (and discard) until the peer's FIN or the linger timer.
  #shutdown(): void {
    addon.fdShutdown(this.fd, addon.SHUT_WR);
    if (this.#eof) this.destroy();
    else this.#updateInterest();
  }

  #updateInterest(): void {
    if (this.#closed) return;
    const events = (this.#reading ? READABLE : 0) | (this.#queue.empty ? 0 : WRITABLE);
    this.#watcher.start(events);
  }

  #fail(ret: number, syscall: string): void {
    this.destroy(errnoError(ret, syscall));
  }
}
