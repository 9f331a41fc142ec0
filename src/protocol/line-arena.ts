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
   * `prefix` encoded, then `bytes[start, end)` as they are, then `\n`: a line whose text is
   * already UTF-8 is copied, never decoded and encoded again.
   */
  encodeWith(prefix: string, bytes: Buffer, start: number, end: number): Buffer {
    const bound = 3 * prefix.length + (end - start) + 1;
    if (bound > MAX_ARENA_LINE) {
      return Buffer.concat([Buffer.from(prefix, 'utf8'), bytes.subarray(start, end), NEWLINE]);
    }
    const first = this.#reserve(bound);
    const textAt = first + this.#slab.write(prefix, first, 'utf8');
    bytes.copy(this.#slab, textAt, start, end);
    const last = textAt + (end - start);
    this.#slab[last] = 0x0a;
    this.#used = last + 1;
    return this.#slab.subarray(first, this.#used);
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
