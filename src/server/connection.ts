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
import { decodeLine, LineReader, lineTooLong } from '../protocol/line-reader';
import type { Channel, ChannelError, ChannelHandlers, LineHandlers } from '../transport/channel';
import type { Logger } from './log';
import { ServerCounters } from './server-stats';

export interface ConnectionOptions {
  maxLineBytes: number;
  /** Bytes a client may be owed before it is dropped (see MAX_SENDQ_BYTES). */
  sendqBytes: number;
  /** Where the server counts lines and drops; default: counters nobody reads. */
  counters?: ServerCounters;
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

// Connections sent something in this turn: each one's sendq is judged once, when the turn's
// writes have been attempted (a burst bigger than the sendq is fine for a client that reads).
let owing: Connection[] = [];

function judgeSendqs(): void {
  const connections = owing;
  owing = [];
  for (const connection of connections) connection.judgeSendq();
}

export class Connection implements Peer, ChannelHandlers, LineHandlers {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly secure: boolean;
  #room: Room;
  #log: Logger;
  #channel: Channel;
  #reader: LineReader | undefined; // framing in JavaScript, for a channel that cannot frame
  #maxLineBytes: number;
  #member: Member;
  #sendqBytes: number;
  #owing = false; // in `owing`, to be judged after this turn
  #closeReason: string | undefined; // set when the server or the client (/quit) closed it
  #counters: ServerCounters;
  #onText = (line: string): void => this.#takeText(line);
  #onError = (error: ProtocolError): void => this.#room.reportError(this.#member, error);

  constructor(room: Room, open: ChannelFactory, options: ConnectionOptions, log: Logger) {
    this.#room = room;
    this.#maxLineBytes = options.maxLineBytes;
    this.#sendqBytes = options.sendqBytes;
    this.#counters = options.counters ?? new ServerCounters();
    this.#channel = open(this);
    // Nothing is read before the next loop turn, so the framing can be chosen now.
    if (this.#channel.readLines?.(this.#maxLineBytes, this) !== true) {
      this.#reader = new LineReader({ maxLineBytes: this.#maxLineBytes });
    }
    this.remoteAddress = this.#channel.remote.address;
    this.remotePort = this.#channel.remote.port;
    this.secure = this.#channel.secure;
    this.#member = room.join(this);
    this.#log = log.child({ peer: this.#member.address });
    this.#log.info(`connected as ${this.#member.nick}`);
  }

  /** Per line: nothing but the write, so that a broadcast stays one cheap call per member. */
  send(line: Buffer): void {
    this.#channel.write(line); // a no-op once the channel is ending or closed
    if (!this.#owing) {
      this.#owing = true;
      if (owing.push(this) === 1) setImmediate(judgeSendqs);
    }
  }

  close(reason: string): void {
    this.#closeReason ??= reason;
    this.#channel.end();
  }

  // Input. Every line a client sends reaches the room through onLine (framed by the transport)
  // or #takeText (framed here), in order, one at a time: this is where flood control will decide,
  // line by line, to hand a line over now or to hold it back (copying its bytes, which are valid
  // only during the call) and stop reading (`channel.setReading(false)`) until it is let through.

  onData(chunk: Buffer): void {
    (this.#reader as LineReader).push(chunk, this.#onText, this.#onError);
  }

  onLine(bytes: Buffer, start: number, end: number, clean: boolean): void {
    if (clean) {
      this.#counters.lines++;
      this.#room.handleLineBytes(this.#member, bytes, start, end);
    } else {
      this.#takeText(decodeLine(bytes, start, end));
    }
  }

  onLineTooLong(): void {
    this.#room.reportError(this.#member, lineTooLong(this.#maxLineBytes));
  }

  #takeText(line: string): void {
    if (line.length === 0) return; // nothing but control characters: as LineReader skips it
    this.#counters.lines++;
    this.#room.handleLine(this.#member, line);
  }

  /** The client sent FIN: it says no more, so it has left; flush and close. */
  onEnd(): void {
    this.#room.leave(this.#member, quitReason());
    this.#channel.end();
  }

  /**
   * A client that does not read must not make the server hold its chat without bound: past the
   * sendq it leaves, and what it was owed is dropped. @internal
   */
  judgeSendq(): void {
    this.#owing = false;
    if (this.#channel.queuedBytes <= this.#sendqBytes || this.#closeReason !== undefined) return;
    this.#closeReason = SENDQ_EXCEEDED;
    this.#counters.sendqDrops++;
    this.#room.leave(this.#member, SENDQ_EXCEEDED);
    this.#channel.destroy();
  }

  onClose(error?: ChannelError): void {
    const reason = this.#closeReason ?? quitReason(error);
    this.#room.leave(this.#member, reason);
    this.#log.info(`disconnected ${this.#member.nick}: ${reason}`);
  }
}
