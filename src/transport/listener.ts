/**
 * A listening TCP socket on the readiness loop: accepts connections and
 * hands over their fds, refusing cleanly those the loop cannot watch.
 */
import fs from 'node:fs';

import { addon, type Accepted, type SocketAddress } from '../native/addon';
import { EAGAIN, EMFILE, ENFILE, errnoError, type SystemError } from '../native/errno';
import { READABLE, type EventLoop, type FdWatcher } from '../loop/event-loop';

/** Why a connection was accepted only to be closed. */
export type RefusalReason = 'server-full';

export interface ListenerHandlers {
  /**
   * A new connection; its fd is non-blocking, close-on-exec and now yours, unless this throws
   * the loop's `watch` error: then it is refused, as if past the ceiling.
   */
  onConnection(fd: number, peer: SocketAddress): void;
  /**
   * A connection that will be closed right after this call: past the
   * loop's ceiling, or accepted on the reserve fd when fds ran out. A line
   * written here with `fdWrite` is the peer's only explanation.
   */
  onRefused(fd: number, peer: SocketAddress, reason: RefusalReason): void;
  /** accept() failed other than by running out of fds; the listener goes on. */
  onError(error: SystemError): void;
}

export interface ListenOptions {
  host: string; // a numeric IPv4 or IPv6 address
  port: number; // 0: any free port
  backlog?: number;
}

/** Accepts per readable event, so that a connect storm cannot starve the room. */
const ACCEPTS_PER_EVENT = 64;
/** How long accepting pauses when fds ran out and no reserve is left. */
const EXHAUSTED_PAUSE_MS = 100;

export class Listener {
  readonly fd: number;
  readonly address: SocketAddress;
  #loop: EventLoop;
  #watcher: FdWatcher;
  #handlers: ListenerHandlers;
  #reserveFd: number; // spent when fds run out (libuv's EMFILE trick)
  #resume: NodeJS.Timeout | undefined;

  constructor(loop: EventLoop, options: ListenOptions, handlers: ListenerHandlers) {
    this.#loop = loop;
    this.#handlers = handlers;
    this.#reserveFd = fs.openSync('/dev/null', 'r');
    try {
      this.fd = addon.fdListen(options.host, options.port, options.backlog ?? 511);
    } catch (error) {
      fs.closeSync(this.#reserveFd);
      throw error;
    }
    this.address = addon.fdLocalAddress(this.fd);
    this.#watcher = loop.watch(this.fd, () => this.#acceptSome());
    this.#watcher.start(READABLE);
  }

  close(): void {
    if (this.#watcher.closed) return;
    clearTimeout(this.#resume);
    this.#watcher.close();
    addon.fdClose(this.fd);
    if (this.#reserveFd >= 0) fs.closeSync(this.#reserveFd);
  }

  #acceptSome(): void {
    for (let i = 0; i < ACCEPTS_PER_EVENT; i++) {
      const accepted = addon.fdAccept(this.fd);
      if (typeof accepted !== 'number') {
        this.#admit(accepted);
      } else if (accepted === EAGAIN) {
        return;
      } else if (accepted === EMFILE || accepted === ENFILE) {
        // The listening fd stays readable while the backlog is full, so
        // without this the loop would spin at 100% CPU until fds free up.
        return this.#shedOne();
      } else {
        this.#handlers.onError(errnoError(accepted, 'accept'));
      }
    }
  }

  #admit(accepted: Accepted): void {
    const { fd, ...peer } = accepted;
    if (fd >= this.#loop.maxFds) return this.#refuse(fd, peer);
    try {
      this.#handlers.onConnection(fd, peer);
    } catch (error) {
      // The backend could not watch it (epoll's ENOSPC past fs.epoll.max_user_watches, ENOMEM):
      // it is full too, and the fd is still ours, since nothing took it.
      if ((error as Partial<SystemError>).syscall !== 'watch') throw error;
      this.#refuse(fd, peer);
    }
  }

  #refuse(fd: number, peer: SocketAddress): void {
    this.#handlers.onRefused(fd, peer, 'server-full');
    addon.fdClose(fd);
  }

  /** Out of fds: give back the reserve, accept one and refuse it, re-arm. */
  #shedOne(): void {
    if (this.#reserveFd < 0) return this.#pause();
    fs.closeSync(this.#reserveFd);
    this.#reserveFd = -1;
    const accepted = addon.fdAccept(this.fd);
    if (typeof accepted !== 'number') {
      const { fd, ...peer } = accepted;
      this.#refuse(fd, peer);
    }
    try {
      this.#reserveFd = fs.openSync('/dev/null', 'r');
    } catch {
      // Someone took the fd in between; the next EMFILE pauses instead.
    }
  }

  #pause(): void {
    this.#watcher.stop();
    this.#resume = setTimeout(() => {
      if (this.#reserveFd < 0) {
        try {
          this.#reserveFd = fs.openSync('/dev/null', 'r');
        } catch {
          return this.#pause();
        }
      }
      this.#watcher.start(READABLE);
    }, EXHAUSTED_PAUSE_MS);
  }
}
