/**
 * Protocol limits and defaults, in one place so that PROTOCOL.md, the CLI flags and the tests
 * agree.
 */

/** Longest client line in bytes, not counting its `\n` or `\r\n` (`--max-line`). */
export const MAX_LINE_BYTES = 2048;

/** Longest nick in characters (nicks are ASCII, so also in bytes). */
export const MAX_NICK_LENGTH = 24;

/** Prefix of the names the server gives newcomers: `guest-1`, `guest-2`, ... */
export const GUEST_NICK_PREFIX = 'guest-';

/** Most filter words one member may hold; bounds per-member memory and per-message work. */
export const MAX_FILTERS = 32;

/** Longest filter word in characters. */
export const MAX_FILTER_WORD_LENGTH = 64;

/** Reason shown in `QUIT` when `/quit` gives none. */
export const DEFAULT_QUIT_REASON = 'quit';

/**
 * Most bytes a client may be owed (`--sendq`): past it, a client that does not read is
 * disconnected with `QUIT <nick> :sendq exceeded` rather than growing the server's memory.
 */
export const MAX_SENDQ_BYTES = 1024 * 1024;

/** The QUIT reason of a client dropped for not reading. */
export const SENDQ_EXCEEDED = 'sendq exceeded';

/** Lines a client may send at once before flood control holds its input back (`--flood-burst`). */
export const FLOOD_BURST_LINES = 10;

/** Lines per second a client may send after its burst (`--flood-rate`; 0 turns it off). */
export const FLOOD_RATE_LINES = 5;

/**
 * Most bytes of a client's input the server holds back for flood control (`--recvq`): past it,
 * the client is disconnected with `QUIT <nick> :recvq exceeded`.
 */
export const MAX_RECVQ_BYTES = 64 * 1024;

/** The QUIT reason of a client dropped because its held-back input passed the recvq. */
export const RECVQ_EXCEEDED = 'recvq exceeded';

/** The QUIT reason of a client dropped for more held-back lines than a minute lets through. */
export const EXCESS_FLOOD = 'excess flood';

/** Connections from one address (IPv6: one /64) at once (`--max-per-ip`; 0: no limit). */
export const MAX_PER_IP = 16;

/** Seconds of silence before TCP keepalive probes a connection (`--keepalive`; 0: off). */
export const KEEPALIVE_SECONDS = 60;
