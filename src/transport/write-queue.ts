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

  /** Up to `max` chunks from the front, for one writev. */
  front(max: number): Buffer[] {
    return this.#chunks.slice(this.#head, this.#head + max);
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
