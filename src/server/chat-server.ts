/**
 * The chat server: one room, its listeners, and a Connection per client.
 * Wiring only; the room decides, the transports carry bytes.
 */
import { Room } from '../chat/room';
import { addon, type SocketAddress } from '../native/addon';
import type { EventLoop } from '../loop/event-loop';
import { formatEvent } from '../protocol/format';
import { FdSocket } from '../transport/fd-socket';
import { Listener, type RefusalReason } from '../transport/listener';
import { Connection } from './connection';
import type { Logger } from './log';

export interface ChatServerOptions {
  host: string;
  port: number;
  maxLineBytes: number;
}

const REFUSALS: Record<RefusalReason, string> = {
  'server-full': 'the server is full; try again later',
};

/** Shows an address the way users type it: `[::1]:7000`, `127.0.0.1:7000`. */
export function formatAddress({ address, port }: SocketAddress): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export class ChatServer {
  readonly room = new Room();
  readonly listener: Listener;
  #loop: EventLoop;
  #log: Logger;
  #options: ChatServerOptions;

  /** Starts listening at once; throws a coded error (EADDRINUSE, ...) if it cannot. */
  constructor(loop: EventLoop, options: ChatServerOptions, log: Logger) {
    this.#loop = loop;
    this.#log = log;
    this.#options = options;
    this.listener = new Listener(loop, options, {
      onConnection: (fd, peer) => this.#accept(fd, peer),
      onRefused: (fd, peer, reason) => this.#refuse(fd, peer, reason),
      onError: (error) => log.warn(`accept failed: ${error.message}`),
    });
  }

  /** Tell every client the server is going away, flush, close, stop listening. */
  close(): void {
    this.listener.close();
    this.room.shutdown();
  }

  #accept(fd: number, peer: SocketAddress): void {
    addon.fdSetNoDelay(fd, 1);
    new Connection(
      this.room,
      (handlers) => new FdSocket(this.#loop, fd, peer, handlers),
      { maxLineBytes: this.#options.maxLineBytes },
      this.#log,
    );
  }

  /** One line of explanation, written best-effort before the listener closes the fd. */
  #refuse(fd: number, peer: SocketAddress, reason: RefusalReason): void {
    const line = formatEvent(new Date().toISOString(), 'ERROR', [reason], REFUSALS[reason]);
    addon.fdWrite(fd, line, 0, line.length);
    this.#log.warn(`refused ${formatAddress(peer)}: ${reason}`);
  }
}
