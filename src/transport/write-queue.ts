/**
 * Bytes waiting for a writable fd: a FIFO of Buffers that a partial write
 * advances in place (libuv's uv__write_req_update), flushed with writev.
 */
export class WriteQueue {
  #chunks: Buffer[] = [];
  #head = 0;
  #bytes = 0;

  get bytes(): number {
    return this.#bytes;
  }

  get empty(): boolean {
    return this.#bytes === 0;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
  }

  /** A copy of `buffer[start, end)`: for bytes of a buffer that is reused (the turn's). */
  pushCopy(buffer: Buffer, start: number, end: number): void {
    const copy = Buffer.allocUnsafe(end - start);
    buffer.copy(copy, 0, start, end);
    this.push(copy);
  }

  /**
   * Up to `max` buffers from the front, for one writev. Chunks that lie
   * next to each other in memory (a burst of lines from one LineArena slab)
   * go out as one buffer, so a broadcast burst costs one iovec, not one per
   * line.
   */
  front(max: number): Buffer[] {
    const out: Buffer[] = [];
    let run: Buffer | undefined;
    let runEnd = 0; // byte offset in run.buffer just past the run
    for (let i = this.#head; i < this.#chunks.length; i++) {
      const chunk = this.#chunks[i];
      if (run !== undefined && chunk.buffer === run.buffer && chunk.byteOffset === runEnd) {
        runEnd += chunk.length;
        continue;
      }
      if (run !== undefined && out.push(widen(run, runEnd)) === max) return out;
      run = chunk;
      runEnd = chunk.byteOffset + chunk.length;
    }
    if (run !== undefined) out.push(widen(run, runEnd));
    return out;
  }

  /** Drop `written` bytes from the front. */
  advance(written: number): void {
    this.#bytes -= written;
    while (written > 0) {
      const chunk = this.#chunks[this.#head];
      if (written < chunk.length) {
        this.#chunks[this.#head] = chunk.subarray(written);
        return;
      }
      written -= chunk.length;
      this.#head++;
    }
    // Compact now and then, so the array does not grow without bound.
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    } else if (this.#head > 1024) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }

  clear(): void {
    this.#chunks = [];
    this.#head = 0;
    this.#bytes = 0;
  }
}

/** `run` extended to end at byte `end` of its memory. */
function widen(run: Buffer, end: number): Buffer {
  if (end === run.byteOffset + run.length) return run;
  return Buffer.from(run.buffer, run.byteOffset, end - run.byteOffset);
}
