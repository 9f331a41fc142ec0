/**
 * What the room sees of a connection. The transport (plain TCP, TLS, a test double) implements
 * it; the room never learns which one it is talking to.
 */
export interface Peer {
  /**
   * The client's IP address, e.g. `127.0.0.1` or `::1`; an IPv4 client as IPv4, even where a
   * dual-stack listener saw it as `::ffff:127.0.0.1`.
   */
  readonly remoteAddress: string;
  /** The client's TCP port. */
  readonly remotePort: number;
  /** True on TLS; WHOIS shows `tls` instead of `plain`. */
  readonly secure: boolean;
  /**
   * Queue one encoded event line (ends in `\n`). The same Buffer may be passed to many peers; never
   * mutate it. Never throws.
   */
  send(line: Buffer): void;
  /** Flush what is queued, then close. Idempotent. The transport later calls `room.leave()`. */
  close(reason: string): void;
}
