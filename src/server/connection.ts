/**
 * One client: binds a byte channel (plain TCP or TLS) to the room through
 * the line framer. This is the room's `Peer`; the room never learns which
 * transport carries the bytes.
 */
import type { Member } from '../chat/member';
import type { Peer } from '../chat/peer';
import type { Room } from '../chat/room';
import { ProtocolError } from '../protocol/errors';
import { SENDQ_EXCEEDED } from '../protocol/limits';
import { LineReader } from '../protocol/line-reader';
import type { Channel, ChannelError, ChannelHandlers } from '../transport/channel';
import type { FloodControl, FloodSink } from './flood-control';
import type { Logger } from './log';

export interface ConnectionOptions {
  maxLineBytes: number;
  /** Bytes a client may be owed before it is dropped (see MAX_SENDQ_BYTES). */
  sendqBytes: number;
  /** Makes this client's flood control (src/server/flood-control.ts); undefined: none. */
  flood?: (sink: FloodSink) => FloodControl;
  /** The connection has closed, for `reason` (its QUIT reason). */
  onClosed?: (reason: string) => void;
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
  #flood: FloodControl | undefined; // HARDEN: flood control, if on
  #onClosed: ((reason: string) => void) | undefined; // HARDEN

  constructor(room: Room, open: ChannelFactory, options: ConnectionOptions, log: Logger) {
    this.#room = room;
    this.#onClosed = options.onClosed; // HARDEN
    this.#flood = options.flood?.(this.#floodSink()); // HARDEN: lines go through it, in order
    if (this.#flood !== undefined) {
      this.#onLine = this.#onError = this.#flood.offer.bind(this.#flood); // HARDEN
    }
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
    this.#flood?.close(); // HARDEN: what it still held back is moot
    this.#channel.end();
  }

  onData(chunk: Buffer): void {
    this.#reader.push(chunk, this.#onLine, this.#onError);
  }

  /** The client sent FIN: it says no more, so it has left; flush and close. */
  onEnd(): void {
    if (this.#flood?.holding === true) return this.#flood.whenDrained(() => this.onEnd()); // HARDEN
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
    this.#flood?.close(); // HARDEN
    const reason = this.#closeReason ?? quitReason(error);
    this.#room.leave(this.#member, reason);
    this.#log.info(`disconnected ${this.#member.nick}: ${reason}`);
    this.#onClosed?.(reason); // HARDEN: admission and drop counters
  }

  /** HARDEN: what flood control drives: the room, the channel's reading, and the recvq drop. */
  #floodSink(): FloodSink {
    return {
      deliver: (item) =>
        item instanceof ProtocolError
          ? this.#room.reportError(this.#member, item)
          : this.#room.handleLine(this.#member, item),
      setReading: (reading) => this.#channel.setReading(reading),
      overflow: (error, reason) => {
        this.#room.reportError(this.#member, error);
        this.#room.leave(this.#member, reason);
        this.close(reason);
      },
      exempt: () => this.#member.admin !== undefined,
    };
  }
}
