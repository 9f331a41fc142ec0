/**
 * Protocol limits and defaults, in one place so that PROTOCOL.md, the CLI flags and the tests
 * agree. Later issues (flood control, SendQ) add their defaults here too.
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
