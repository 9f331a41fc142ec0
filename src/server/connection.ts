/**
 * One client: binds a byte channel (plain TCP or TLS) to the room through
 * the line framer. This is the room's `Peer`; the room never learns which
 * transport carries the bytes.
 */
import type { Member } from '../chat/member';
import type { Peer } from '../chat/peer';
import type { Room } from '../chat/room';
import type { ProtocolError } from '../protocol/errors';
import { SENDQ_EXCEEDED } from '../protocol/limits';
import { LineReader } from '../protocol/line-reader';
import type { Channel, ChannelError, ChannelHandlers } from '../transport/channel';
import type { Logger } from './log';

export interface ConnectionOptions {
  maxLineBytes: number;
  /** Bytes a client may be owed before it is dropped (see MAX_SENDQ_BYTES). */
  sendqBytes: number;
}

/** Opens the channel, handing it the connection's handlers. */
export type ChannelFactory = (handlers: ChannelHandlers) => Channel;

/**
 * The QUIT reason others see for a connection that ended without /quit.
 * EPIPE is an ordinary close too: the client closed its socket, and the
 * room wrote to it before reading its FIN.
 */
function quitReason(error?: ChannelError): string {
  if (error === undefined || error.code === 'EPIPE') return 'connection closed';
  if (error.code === 'ECONNRESET') return 'connection reset by peer';
  if (error.code === 'ETIMEDOUT') return 'connection timed out';
  return `connection error: ${error.code ?? error.message}`;
}

export class Connection implements Peer, ChannelHandlers {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly secure: boolean;
  #room: Room;
  #log: Logger;
  #channel: Channel;
  #reader: LineReader;
  #member: Member;
  #sendqBytes: number;
  #sendqCheck: NodeJS.Immediate | undefined;
  #closeReason: string | undefined; // set when the server or the client (/quit) closed it
  #onLine = (line: string): void => this.#room.handleLine(this.#member, line);
  #onError = (error: ProtocolError): void => this.#room.reportError(this.#member, error);

  constructor(room: Room, open: ChannelFactory, options: ConnectionOptions, log: Logger) {
    this.#room = room;
    this.#reader = new LineReader({ maxLineBytes: options.maxLineBytes });
    this.#sendqBytes = options.sendqBytes;
    this.#channel = open(this);
    this.remoteAddress = this.#channel.remote.address;
    this.remotePort = this.#channel.remote.port;
    this.secure = this.#channel.secure;
    this.#member = room.join(this);
    this.#log = log.child({ peer: this.#member.address });
    this.#log.info(`connected as ${this.#member.nick}`);
  }

  send(line: Buffer): void {
    this.#channel.write(line); // a no-op once the channel is ending or closed
    if (this.#sendqCheck === undefined && this.#channel.queuedBytes > this.#sendqBytes) {
      // Over the limit before this turn's flush says nothing yet: a burst bigger than the sendq
      // is fine for a client that reads. Judge once the turn's writes have been attempted.
      this.#sendqCheck = setImmediate(() => this.#checkSendq());
    }
  }

  close(reason: string): void {
    this.#closeReason ??= reason;
    this.#channel.end();
  }

  onData(chunk: Buffer): void {
    this.#reader.push(chunk, this.#onLine, this.#onError);
  }

  /** The client sent FIN: it says no more, so it has left; flush and close. */
  onEnd(): void {
    this.#room.leave(this.#member, quitReason());
    this.#channel.end();
  }

  /**
   * A client that does not read must not make the server hold its chat without bound: past the
   * sendq it leaves, and what it was owed is dropped.
   */
  #checkSendq(): void {
    this.#sendqCheck = undefined;
    if (this.#channel.queuedBytes <= this.#sendqBytes || this.#closeReason !== undefined) return;
    this.#closeReason = SENDQ_EXCEEDED;
    this.#room.leave(this.#member, SENDQ_EXCEEDED);
    this.#channel.destroy();
  }

  onClose(error?: ChannelError): void {
    clearImmediate(this.#sendqCheck);
    const reason = this.#closeReason ?? quitReason(error);
    this.#room.leave(this.#member, reason);
    this.#log.info(`disconnected ${this.#member.nick}: ${reason}`);
  }
}
