/**
 * The loop's first user: every line a client sends goes to every client.
 * Proves the loop on real sockets; the chat room replaces it.
 */
import type { SocketAddress } from '../native/addon';
import { addon } from '../native/addon';
import type { EventLoop } from '../loop/event-loop';
import { FdSocket } from '../transport/fd-socket';
import { Listener, type ListenOptions } from '../transport/listener';
import type { Logger } from './log';

const MAX_LINE = 2048;

export class BroadcastServer {
  readonly listener: Listener;
  #loop: EventLoop;
  #log: Logger;
  #clients = new Set<FdSocket>();

  constructor(loop: EventLoop, options: ListenOptions, log: Logger) {
    this.#loop = loop;
    this.#log = log;
    this.listener = new Listener(loop, options, {
      onConnection: (fd, peer) => this.#connect(fd, peer),
      onRefused: (fd) => addon.fdWrite(fd, Buffer.from('server full\n'), 0, 12),
      onError: (error) => log.error({ err: error }, 'accept failed'),
    });
  }

  /** Say goodbye to everyone and stop listening. */
  close(): void {
    this.listener.close();
    for (const client of this.#clients) {
      client.write(Buffer.from('server shutting down\n'));
      client.end();
    }
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  #connect(fd: number, peer: SocketAddress): void {
    let pending = Buffer.alloc(0);
    const name = `${peer.address}:${peer.port}`;
    const client = new FdSocket(this.#loop, fd, peer, {
      onData: (chunk) => {
        pending = Buffer.concat([pending, chunk]);
        let newline: number;
        while ((newline = pending.indexOf(10)) >= 0) {
          this.#broadcast(pending.subarray(0, newline + 1));
          pending = pending.subarray(newline + 1);
        }
        if (pending.length > MAX_LINE) pending = Buffer.alloc(0);
      },
      onEnd: () => client.end(),
      onClose: (error) => {
        this.#clients.delete(client);
        this.#log.info({ peer: name, err: error }, 'disconnected');
      },
    });
    this.#clients.add(client);
    this.#log.info({ peer: name, fd }, 'connected');
  }

  #broadcast(line: Buffer): void {
    const copy = Buffer.from(line); // the read slab is reused after this turn
    for (const client of this.#clients) client.write(copy);
  }
}
