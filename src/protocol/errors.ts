/**
 * The error codes that travel on the wire in `ERROR <code> :<text>` lines, and the error class
 * that carries one through the server. Codes are kebab-case and stable: clients may switch on
 * them, so never rename one; PROTOCOL.md lists each with its meaning.
 */

/**
 * Every code the server sends, in the order PROTOCOL.md's table documents them; none is reserved
 * for later (test/protocol/error-codes.test.ts holds the two to each other and to the code).
 */
export const ERROR_CODES = [
  'unknown-command',
  'missing-argument',
  'invalid-argument',
  'invalid-nick',
  'nick-taken',
  'no-such-user',
  'no-such-filter',
  'too-many-filters',
  'line-too-long',
  'not-permitted',
  'rate-limited',
  'banned',
  'no-such-ban',
  'server-full',
  'too-many-connections',
  'recvq-exceeded',
  'excess-flood',
  'internal-error',
] as const;

/** A wire error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * A problem with what a client sent (or, later, with what it may do). The room answers it with
 * one `ERROR <code> :<message>` line to that client; it is returned, not thrown, across the room.
 */
export class ProtocolError extends Error {
  /** The stable wire code. */
  readonly code: ErrorCode;

  /**
   * @param code - the wire code
   * @param message - one human sentence, ideally with the right syntax (`usage: /whois <user>`)
   */
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }
}
