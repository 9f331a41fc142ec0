/**
 * What a connection's upper layers see of its byte transport: plain TCP
 * (`FdSocket`), TLS (`TlsChannel`). Bytes; framing is the caller's, unless
 * the transport offers to frame lines itself (`readLines`, the fast path).
 */
import type { SocketAddress } from '../native/addon';

/**
 * How long a graceful close (`end()`) waits for the peer to close its side before closing anyway,
 * whatever the transport: a peer that never reads must not hold the fd for ever.
 */
export const LINGER_MS = 2000;

/** What closed a channel: a system error (`code` ECONNRESET...) or a TLS one. */
export type ChannelError = Error & { code?: string };

export interface ChannelHandlers {
  /** Bytes received. May be a view into a shared slab: valid only during the call. */
  onData(chunk: Buffer): void;
  /** The peer will send no more (EOF); reading has stopped. */
  onEnd(): void;
  /**
   * Closed; called once, last, with the error that closed it if any, and
   * always after the call stack that caused it has unwound.
   */
  onClose(error?: ChannelError): void;
}

/** Lines framed by the transport itself (the raw-fd fast path; see Channel.readLines). */
export interface LineHandlers {
  /**
   * One line without its terminator: bytes `[start, end)` of `bytes`, valid only during the call.
   * `clean`: valid UTF-8 without control characters (TAB aside), so the bytes are its decoded
   * text as is; otherwise decode them with `decodeLine()`.
   */
  onLine(bytes: Buffer, start: number, end: number, clean: boolean): void;
  /** A line over the limit, skipped; once per such line. */
  onLineTooLong(): void;
}

export interface Channel {
  readonly remote: SocketAddress;
  /** True when the bytes are encrypted on the wire. */
  readonly secure: boolean;
  /** Bytes accepted by write() that the peer has not taken yet. */
  readonly queuedBytes: number;
  /** Queue bytes; never throws, and does nothing once ending or closed. */
  write(chunk: Buffer): void;
  /**
   * Optional: frame lines in the transport, by the rules of `LineReader`, and hand them to
   * `handlers` instead of bytes to onData. Transports without it carry bytes, and so does one
   * that returns false (it cannot frame lines this long); the caller frames them.
   */
  readLines?(maxLineBytes: number, handlers: LineHandlers): boolean;
  /** Stop or resume reading: backpressure from the consumer of onData. */
  setReading(reading: boolean): void;
  /** Flush, then close gracefully. */
  end(): void;
  /** Close now, dropping queued bytes. */
  destroy(): void;
}
