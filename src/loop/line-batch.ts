/**
 * Lines read and split natively (native/reader.h), handed over in one batch per loop turn: one
 * buffer of line bytes and one Int32Array of records `[fd, kind, offset, length]`. JavaScript owns
 * both; the native side fills them during the wait, and they are reused by the next one, so a
 * line's bytes are valid only during its handler.
 */

/** Valid UTF-8 without control characters (TAB aside): the bytes are the line's text as is. */
export const LINE_CLEAN = 1;
/** Anything else: decode it with `decodeLine()`, which applies the replacement rules. */
export const LINE_DIRTY = 2;
/** A line over the limit; it is skipped, and this is its one report. */
export const LINE_TOO_LONG = 3;
/** The peer sent FIN. */
export const RECORD_EOF = 4;
/** read() failed; the record's length is the negated errno. */
export const RECORD_ERROR = 5;

/** Line bytes per turn. A read gets at most 64 KiB, so this is at least 16 full reads. */
const LINE_BYTES = 1 << 20;
/** Records per turn; the native side sizes each read so that its lines always fit. */
const MAX_RECORDS = 1 << 16;

/** What a natively framed fd delivers, in the order it happened. */
export interface LineSink {
  /**
   * One line, without its terminator, as bytes `[start, end)` of `bytes` (valid only during the
   * call). `clean`: see {@link LINE_CLEAN}; otherwise decode it.
   */
  onLine(bytes: Buffer, start: number, end: number, clean: boolean): void;
  onLineTooLong(): void;
  onEof(): void;
  /** `errno` is negative, e.g. -ECONNRESET. */
  onReadError(errno: number): void;
}

export class LineBatch {
  readonly bytes = Buffer.allocUnsafeSlow(LINE_BYTES);
  readonly records = new Int32Array(4 * MAX_RECORDS);
  /** Records of the batch being dispatched, else 0. */
  #count = 0;

  /** Hands each of the first `count` records to the sink of its fd, in order. */
  dispatch(count: number, sinks: readonly (LineSink | undefined)[]): void {
    const { bytes, records } = this;
    this.#count = count;
    try {
      for (let r = 0; r < 4 * count; r += 4) {
        const fd = records[r] as number;
        const sink = fd < 0 ? undefined : sinks[fd];
        if (sink === undefined) continue;
        const kind = records[r + 1] as number;
        if (kind <= LINE_DIRTY) {
          const start = records[r + 2] as number;
          sink.onLine(bytes, start, start + (records[r + 3] as number), kind === LINE_CLEAN);
        } else if (kind === LINE_TOO_LONG) {
          sink.onLineTooLong();
        } else if (kind === RECORD_EOF) {
          sink.onEof();
        } else {
          sink.onReadError(records[r + 3] as number);
        }
      }
    } finally {
      this.#count = 0;
    }
  }

  /** Drops fd's records still pending in this batch: its number may be reused at once. */
  invalidate(fd: number): void {
    const records = this.records;
    for (let r = 0; r < 4 * this.#count; r += 4) if (records[r] === fd) records[r] = -1;
  }
}
