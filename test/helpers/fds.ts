/**
 * Raw fds in tests: counting a process's open fds, and owning the fds the addon returns so that
 * each is closed exactly once (closing twice could close an unrelated fd that took its number).
 */
import fs from 'node:fs';

import { addon } from '../../src/native/addon';
import { teardown } from './teardown';

/** Open fds of this process (or of `pid`), from /proc. */
export function openFdCount(pid: number | 'self' = 'self'): number {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}

/** An fd this test owns: closed by `close()` or, failing that, after the test. */
export class OwnedFd {
  readonly fd: number;
  #closed = false;

  constructor(fd: number) {
    if (!Number.isInteger(fd) || fd < 0) throw new Error(`not an fd: ${fd}`);
    this.fd = fd;
    teardown(() => this.close());
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const ret = addon.fdClose(this.fd);
    if (ret !== 0) throw new Error(`close(${this.fd}) returned ${ret}`);
  }

  /**
   * Give the fd to an object that closes it itself (an FdSocket); the test no longer closes it.
   */
  release(): number {
    this.#closed = true;
    return this.fd;
  }
}

/** A native listening socket on 127.0.0.1 (or `host`) and a free port. */
export function listenFd(host = '127.0.0.1'): { listener: OwnedFd; port: number } {
  const listener = new OwnedFd(addon.fdListen(host, 0, 64));
  return { listener, port: addon.fdLocalAddress(listener.fd).port };
}
