/**
 * Encodes outgoing lines back to back into shared slabs.
 *
 * The lines of one loop turn then sit next to each other in memory, so a
 * socket that is owed a run of them (a broadcast burst) sends the run as one
 * buffer: one iovec per client per turn instead of one per line. A slab is
 * never reused: it lives while any queued line still points into it.
 */
const SLAB_BYTES = 64 * 1024;
/** Longer lines get a Buffer of their own rather than a slab's tail. */
const MAX_ARENA_LINE = SLAB_BYTES / 8;
const NEWLINE = Buffer.from('\n');
const SHORT_COPY = 128;

export class LineArena {
  #slab = Buffer.allocUnsafe(SLAB_BYTES);
  #used = 0;

  /** The UTF-8 bytes of `line`; treat them as immutable (they are shared). */
  encode(line: string): Buffer {
    // UTF-8 needs at most 3 bytes per UTF-16 unit: a cheap bound, no scan.
    const bound = 3 * line.length;
    if (bound > MAX_ARENA_LINE) return Buffer.from(line, 'utf8');
    const start = this.#reserve(bound);
    this.#used += this.#slab.write(line, start, 'utf8');
    return this.#slab.subarray(start, this.#used);
  }

  /**
   * `head`, `middle`, then `bytes[start, end)`, then `\n`, all bytes already: a line whose text is
   * already UTF-8 is copied, never decoded and encoded again.
   */
  join(head: Buffer, middle: Buffer, bytes: Buffer, start: number, end: number): Buffer {
    const length = head.length + middle.length + (end - start) + 1;
    if (length > MAX_ARENA_LINE) {
      return Buffer.concat([head, middle, bytes.subarray(start, end), NEWLINE]);
    }
    const first = this.#reserve(length);
    const slab = this.#slab;
    slab.set(head, first);
    slab.set(middle, first + head.length);
    let at = first + head.length + middle.length;
    // A chat line is short: a loop beats copy(), which makes a typed array per call.
    if (end - start <= SHORT_COPY)
      for (let i = start; i < end; i++) slab[at++] = bytes[i] as number;
    else at += bytes.copy(slab, at, start, end);
    slab[at++] = 0x0a;
    this.#used = at;
    return slab.subarray(first, at);
  }

  /** Where `bound` bytes fit: in this slab, or at the start of a fresh one. */
  #reserve(bound: number): number {
    if (this.#used + bound > SLAB_BYTES) {
      this.#slab = Buffer.allocUnsafe(SLAB_BYTES);
      this.#used = 0;
    }
    return this.#used;
  }
}
