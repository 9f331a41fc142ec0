/**
 * One client: binds a byte channel (plain TCP or TLS) to the room through
 * the line framer. This is the room's `Peer`; the room never learns which
 * transport carries the bytes.
 */
import type { Member } from '../chat/member';
import type { Peer } from '../chat/peer';
import type { Room } from '../chat/room';
import { unmapIPv4 } from '../protocol/address';
import { ProtocolError } from '../protocol/errors';
import { SENDQ_EXCEEDED } from '../protocol/limits';
import { decodeLine, LineReader, lineTooLong } from '../protocol/line-reader';
import type { Channel, ChannelError, ChannelHandlers, LineHandlers } from '../transport/channel';
import { ServerCounters } from './counters';
import type { FloodControl, FloodSink, InputItem } from './flood-control';
import type { Logger } from './log';

export interface ConnectionOptions {
  maxLineBytes: number;
  /** Bytes a client may be owed before it is dropped (see MAX_SENDQ_BYTES). */
  sendqBytes: number;
  /** Where the server counts lines and drops; default: counters nobody reads. */
  counters?: ServerCounters;
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
  #flood: FloodControl | undefined; // undefined: every line goes to the room at once
  #onClosed: ((reason: string) => void) | undefined;
  #onText = (line: string): void => this.#takeText(line);
  #onError = (error: ProtocolError): void => this.#take(error);

  constructor(room: Room, open: ChannelFactory, options: ConnectionOptions, log: Logger) {
    this.#room = room;
    this.#maxLineBytes = options.maxLineBytes;
    this.#sendqBytes = options.sendqBytes;
    this.#counters = options.counters ?? new ServerCounters();
    this.#onClosed = options.onClosed;
    this.#flood = options.flood?.(this.#floodSink());
    this.#channel = open(this);
    // Nothing is read before the next loop turn, so the framing can be chosen now.
    if (this.#channel.readLines?.(this.#maxLineBytes, this) !== true) {
      this.#reader = new LineReader({ maxLineBytes: this.#maxLineBytes });
    }
    this.remoteAddress = unmapIPv4(this.#channel.remote.address);
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
    this.#flood?.close(); // what it still held back is moot
    this.#channel.end();
  }

  // Input. Every line a client sends reaches the room through onLine (framed by the transport)
  // or #takeText (framed here), in order, one at a time. Flood control decides, line by line,
  // to hand a line over now or to hold it back (as text: its bytes are valid only during the
  // call), and stops reading the channel until what it holds has been let through.

  onData(chunk: Buffer): void {
    (this.#reader as LineReader).push(chunk, this.#onText, this.#onError);
  }

  onLine(bytes: Buffer, start: number, end: number, clean: boolean): void {
    // The fast path: a clean line that flood control lets through now stays bytes.
    if (clean && (this.#flood === undefined || this.#flood.admit())) {
      this.#counters.lines++;
      this.#room.handleLineBytes(this.#member, bytes, start, end);
    } else {
      this.#takeText(decodeLine(bytes, start, end));
    }
  }

  onLineTooLong(): void {
    this.#take(lineTooLong(this.#maxLineBytes));
  }

  #takeText(line: string): void {
    if (line.length === 0) return; // nothing but control characters: as LineReader skips it
    this.#take(line);
  }

  /** One item of input, through flood control if it is on. */
  #take(item: InputItem): void {
    if (this.#flood === undefined) this.#deliver(item);
    else this.#flood.offer(item);
  }

  #deliver(item: InputItem): void {
    if (item instanceof ProtocolError) return this.#room.reportError(this.#member, item);
    this.#counters.lines++;
    this.#room.handleLine(this.#member, item);
  }

  /** What flood control drives: the room, the channel's reading, and the recvq drop. */
  #floodSink(): FloodSink {
    return {
      deliver: (item) => this.#deliver(item),
      setReading: (reading) => this.#channel.setReading(reading),
      overflow: (error, reason) => {
        this.#room.reportError(this.#member, error);
        this.#room.leave(this.#member, reason);
        this.close(reason);
      },
      exempt: () => this.#member.admin !== undefined,
    };
  }

  /** The client sent FIN: it says no more, so it has left; flush and close (after held lines). */
  onEnd(): void {
    if (this.#flood?.holding === true) return this.#flood.whenDrained(() => this.onEnd());
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
    this.#counters.drop('sendq');
    this.#room.leave(this.#member, SENDQ_EXCEEDED);
    this.#channel.destroy();
  }

  onClose(error?: ChannelError): void {
    this.#flood?.close();
    const reason = this.#closeReason ?? quitReason(error);
    this.#room.leave(this.#member, reason);
    this.#log.info(`disconnected ${this.#member.nick}: ${reason}`);
    this.#onClosed?.(reason);
  }
}
