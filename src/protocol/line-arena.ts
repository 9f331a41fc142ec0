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

export class LineArena {
  #slab = Buffer.allocUnsafe(SLAB_BYTES);
  #used = 0;

  /** The UTF-8 bytes of `line`; treat them as immutable (they are shared). */
  encode(line: string): Buffer {
    // UTF-8 needs at most 3 bytes per UTF-16 unit: a cheap bound, no scan.
    const bound = 3 * line.length;
    if (bound > MAX_ARENA_LINE) return Buffer.from(line, 'utf8');
    if (this.#used + bound > SLAB_BYTES) {
      this.#slab = Buffer.allocUnsafe(SLAB_BYTES);
      this.#used = 0;
    }
    const start = this.#used;
    this.#used += this.#slab.write(line, start, 'utf8');
    return this.#slab.subarray(start, this.#used);
  }
}
