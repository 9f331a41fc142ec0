/**
 * Client-side framing: bytes in, decoded lines out. Pure (no I/O, no timers), so the transport
 * decides when to read and the tests can split input anywhere.
 *
 * Rules (PROTOCOL.md "Lines"): `\n` ends a line and one `\r` before it is dropped; a lone `\r` is
 * not a line end. A line longer than the limit yields one `line-too-long` error and is skipped up
 * to its `\n`, holding at most `maxLineBytes + 1` bytes meanwhile. Lines are decoded as UTF-8 with
 * U+FFFD for invalid sequences, then control characters except TAB (C0, DEL and C1, whose CSI
 * U+009B could drive other users' terminals) are removed. Lines that end up empty are skipped
 * silently.
 */
import { ProtocolError } from './errors';
import { MAX_LINE_BYTES } from './limits';

const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;
const DEL = 0x7f;
const C1_LEAD = 0xc2; // U+0080..U+009F are 0xC2 0x80..0x9F in UTF-8
const EMPTY = Buffer.alloc(0);

// Only used once a byte scan has found a control character, so plain text never runs it.
// eslint-disable-next-line no-control-regex -- matching control characters is its purpose
const CONTROL_RE = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;

/**
 * `text` without its control characters other than TAB (C0, DEL, C1): the rule of
 * {@link decodeLine}, for text that is already a string (the terminal client's lines from a
 * server it cannot trust, where an escape sequence would drive the user's terminal).
 */
export function removeControls(text: string): string {
  return text.replace(CONTROL_RE, '');
}

/**
 * Decodes `bytes[start, end)` as one line: UTF-8 with U+FFFD for invalid sequences, control
 * characters other than TAB (C0, DEL, C1) removed. Exported so that a transport splitting lines itself (natively)
 * applies the same rules.
 */
export function decodeLine(bytes: Buffer, start: number, end: number): string {
  let clean = true;
  for (let i = start; i < end; i++) {
    const b = bytes[i] as number;
    // C0 and DEL are single bytes in UTF-8 and C1 is 0xC2 then 0x80..0x9F, so a byte scan finds
    // every control character (and, rarely, a false alarm the regex then finds nothing in).
    if (
      (b < 0x20 && b !== TAB) ||
      b === DEL ||
      (b === C1_LEAD && (bytes[i + 1] as number) < 0xa0)
    ) {
      clean = false;
      break;
    }
  }
  const text = bytes.toString('utf8', start, end);
  return clean ? text : removeControls(text);
}

/** Options for {@link LineReader}. */
export interface LineReaderOptions {
  /** Longest line in bytes without its terminator; default {@link MAX_LINE_BYTES}. */
  maxLineBytes?: number;
}

/** Splits a byte stream into decoded lines with a bounded buffer. */
export class LineReader {
  /** The line limit in bytes, not counting `\n` or `\r\n`. */
  readonly maxLineBytes: number;

  // Appended chunks not yet fully scanned; kept by reference, never copied.
  readonly #chunks: Buffer[] = [];
  #head = 0;
  #pos = 0;
  // The start of a line that spans chunks; room for the limit plus a trailing CR.
  #partial: Buffer | undefined;
  #partialLength = 0;
  // True while skipping the rest of an overlong line whose error was already returned.
  #discarding = false;

  constructor(options: LineReaderOptions = {}) {
    const max = options.maxLineBytes ?? MAX_LINE_BYTES;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`bad maxLineBytes ${max}`);
    this.maxLineBytes = max;
  }

  /**
   * Queues bytes. The reader keeps a reference to `chunk` until {@link nextLine} has consumed it,
   * so do not reuse its memory before `nextLine()` returns `undefined`.
   */
  append(chunk: Buffer): void {
    if (chunk.length > 0) this.#chunks.push(chunk);
  }

  /**
   * Takes the next complete line.
   *
   * @returns the decoded line (never empty); a `line-too-long` {@link ProtocolError}, once per
   *   overlong line, as soon as it is known to be overlong; or `undefined` when more bytes are
   *   needed (then every appended chunk has been consumed)
   */
  nextLine(): string | ProtocolError | undefined {
    while (this.#head < this.#chunks.length) {
      const chunk = this.#chunks[this.#head] as Buffer;
      const start = this.#pos;
      const lf = chunk.indexOf(LF, start);
      this.#advance(chunk, lf === -1 ? chunk.length : lf + 1);
      const result =
        lf === -1 ? this.#stash(chunk, start, chunk.length) : this.#end(chunk, start, lf);
      if (result !== undefined) return result;
    }
    this.#chunks.length = 0;
    this.#head = 0;
    return undefined;
  }

  /**
   * Appends `chunk` and hands every complete line to `onLine` and every overlong line's error to
   * `onError`, in input order. The chunk may be reused once this returns.
   */
  push(
    chunk: Buffer,
    onLine: (line: string) => void,
    onError: (error: ProtocolError) => void,
  ): void {
    this.append(chunk);
    for (let r = this.nextLine(); r !== undefined; r = this.nextLine()) {
      if (typeof r === 'string') onLine(r);
      else onError(r);
    }
  }

  /** Bytes held: unscanned appended bytes plus the start of an incomplete line. */
  get bufferedBytes(): number {
    let n = this.#partialLength - this.#pos; // #pos bytes of the current chunk are scanned
    for (let i = this.#head; i < this.#chunks.length; i++) n += (this.#chunks[i] as Buffer).length;
    return n;
  }

  /** Forgets everything buffered, e.g. when the connection ends mid-line. */
  reset(): void {
    this.#chunks.length = 0;
    this.#head = 0;
    this.#pos = 0;
    this.#partialLength = 0;
    this.#discarding = false;
  }

  /** Moves the scan position to `pos` in the current chunk, or to the next chunk at its end. */
  #advance(chunk: Buffer, pos: number): void {
    if (pos < chunk.length) {
      this.#pos = pos;
    } else {
      this.#chunks[this.#head] = EMPTY; // drop the reference early; the array is reset when drained
      this.#head++;
      this.#pos = 0;
    }
  }

  /** Keeps `chunk[start, end)`, the start of a line without its `\n` yet. */
  #stash(chunk: Buffer, start: number, end: number): ProtocolError | undefined {
    if (this.#discarding) return undefined;
    const length = this.#partialLength + (end - start);
    // One byte of slack: a line of exactly the limit may still be followed by `\r`.
    if (length > this.maxLineBytes + 1) {
      this.#partialLength = 0;
      this.#discarding = true;
      return this.#tooLong();
    }
    this.#partial ??= Buffer.allocUnsafe(this.maxLineBytes + 1);
    chunk.copy(this.#partial, this.#partialLength, start, end);
    this.#partialLength = length;
    return undefined;
  }

  /** Finishes the line ending at the `\n` at `chunk[lf]`; `undefined` means "skip it". */
  #end(chunk: Buffer, start: number, lf: number): string | ProtocolError | undefined {
    if (this.#discarding) {
      this.#discarding = false;
      return undefined;
    }
    if (this.#partialLength === 0) return this.#decode(chunk, start, lf);
    const err = this.#stash(chunk, start, lf);
    // A stash error leaves the reader discarding, but this line ends here.
    this.#discarding = false;
    const length = this.#partialLength;
    this.#partialLength = 0;
    return err ?? this.#decode(this.#partial as Buffer, 0, length);
  }

  /** Decodes `bytes[start, end)` minus one trailing `\r`; `undefined` for an empty line. */
  #decode(bytes: Buffer, start: number, end: number): string | ProtocolError | undefined {
    if (end > start && bytes[end - 1] === CR) end--;
    if (end - start > this.maxLineBytes) return this.#tooLong();
    if (end === start) return undefined;
    const line = decodeLine(bytes, start, end);
    return line.length > 0 ? line : undefined;
  }

  #tooLong(): ProtocolError {
    return lineTooLong(this.maxLineBytes);
  }
}

/** The error of a line over `maxLineBytes`, for every framer (this one, and the native one). */
export function lineTooLong(maxLineBytes: number): ProtocolError {
  return new ProtocolError(
    'line-too-long',
    `line longer than ${maxLineBytes} bytes; it was discarded`,
  );
}
