/**
 * One client: binds a byte channel (plain TCP or TLS) to the room through
 * the line framer. This is the room's `Peer`; the room never learns which
 * transport carries the bytes.
 */
import type { Member } from '../chat/member';
import type { Peer } from '../chat/peer';
import type { Room } from '../chat/room';
import type { SystemError } from '../native/errno';
import type { ProtocolError } from '../protocol/errors';
import { LineReader } from '../protocol/line-reader';
import type { Channel, ChannelHandlers } from '../transport/channel';
import type { Logger } from './log';

export interface ConnectionOptions {
  maxLineBytes: number;
}

/** Opens the channel, handing it the connection's handlers. */
export type ChannelFactory = (handlers: ChannelHandlers) => Channel;

/**
 * The QUIT reason others see for a connection that ended without /quit.
 * EPIPE is an ordinary close too: the client closed its socket, and the
 * room wrote to it before reading its FIN.
 */
function quitReason(error: SystemError | undefined): string {
  if (error === undefined || error.code === 'EPIPE') return 'connection closed';
  if (error.code === 'ECONNRESET') return 'connection reset by peer';
  if (error.code === 'ETIMEDOUT') return 'connection timed out';
  return `connection error: ${error.code}`;
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
  #closeReason: string | undefined; // set when the server or the client (/quit) closed it
  #onLine = (line: string): void => this.#room.handleLine(this.#member, line);
  #onError = (error: ProtocolError): void => this.#room.reportError(this.#member, error);

  constructor(room: Room, open: ChannelFactory, options: ConnectionOptions, log: Logger) {
    this.#room = room;
    this.#reader = new LineReader({ maxLineBytes: options.maxLineBytes });
    this.#channel = open(this);
    this.remoteAddress = this.#channel.remote.address;
    this.remotePort = this.#channel.remote.port;
    this.secure = this.#channel.secure;
    this.#member = room.join(this);
    this.#log = log.child({ peer: this.#member.address });
    this.#log.info(`connected as ${this.#member.nick}`);
  }

  send(line: Buffer): void {
    this.#channel.write(line);
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
    this.#room.leave(this.#member, quitReason(undefined));
    this.#channel.end();
  }

  onClose(error?: SystemError): void {
    const reason = this.#closeReason ?? quitReason(error);
    this.#room.leave(this.#member, reason);
    this.#log.info(`disconnected ${this.#member.nick}: ${reason}`);
  }
}
