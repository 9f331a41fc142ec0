/**
 * What a connection's upper layers see of its byte transport: plain TCP
 * (`FdSocket`) today, TLS next. Bytes only; framing is the caller's.
 */
import type { SocketAddress } from '../native/addon';

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

export interface Channel {
  readonly remote: SocketAddress;
  /** True when the bytes are encrypted on the wire. */
  readonly secure: boolean;
  /** Bytes accepted by write() that the peer has not taken yet. */
  readonly queuedBytes: number;
  /** Queue bytes; never throws, and does nothing once ending or closed. */
  write(chunk: Buffer): void;
  /** Stop or resume reading: backpressure from the consumer of onData. */
  setReading(reading: boolean): void;
  /** Flush, then close gracefully. */
  end(): void;
  /** Close now, dropping queued bytes. */
  destroy(): void;
}
