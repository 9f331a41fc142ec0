/**
 * Saves a changing state to a file without blocking the event loop and without ever writing two
 * versions at once: changes made while a write is on its way are coalesced into one more write
 * of the latest state. Each write is atomic (see atomic-file.ts), so the file always holds some
 * complete state, the last one once `idle()` resolves.
 */
import { writeFileAtomic } from '../fs/atomic-file';

export class SnapshotWriter {
  readonly file: string;
  readonly #mode: number;
  readonly #snapshot: () => string;
  readonly #onError: (error: Error) => void;
  #writing: Promise<void> | undefined;
  #dirty = false;

  /**
   * @param snapshot - the file's content for the current state, taken when a write starts
   * @param onError - a failed write (disk full, permissions); the next change tries again
   */
  constructor(file: string, mode: number, snapshot: () => string, onError: (error: Error) => void) {
    this.file = file;
    this.#mode = mode;
    this.#snapshot = snapshot;
    this.#onError = onError;
  }

  /** The state changed: write it soon. */
  schedule(): void {
    this.#dirty = true;
    this.#writing ??= this.#drain();
  }

  /** Resolves once every scheduled write is done (or has failed and been reported). */
  idle(): Promise<void> {
    return this.#writing ?? Promise.resolve();
  }

  async #drain(): Promise<void> {
    while (this.#dirty) {
      this.#dirty = false;
      try {
        await writeFileAtomic(this.file, this.#snapshot(), this.#mode);
      } catch (error) {
        this.#onError(error as Error);
      }
    }
    this.#writing = undefined;
  }
}
