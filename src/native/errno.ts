/**
 * Negated errnos from the addon, turned into errors shaped like Node's own
 * (`read ECONNRESET`, with `code`, `errno` and `syscall`), so that streams,
 * `tls` and users handle them as they handle any socket error.
 */
import os from 'node:os';
import util from 'node:util';

/** The error type Node gives system errors; ours carry the same fields. */
export interface SystemError extends Error {
  code: string;
  errno: number;
  syscall: string;
}

const names = util.getSystemErrorMap();

/** `-errno` for a name (`EAGAIN` → -11), from the platform's own table. */
export function errnoOf(code: keyof typeof os.constants.errno): number {
  return -os.constants.errno[code];
}

export const EAGAIN = errnoOf('EAGAIN');
export const ERANGE = errnoOf('ERANGE');
export const EBADF = errnoOf('EBADF');
export const EMSGSIZE = errnoOf('EMSGSIZE');
export const EMFILE = errnoOf('EMFILE');
export const ENFILE = errnoOf('ENFILE');

/** Build the error for a negative result `ret` of `syscall`. */
export function errnoError(ret: number, syscall: string): SystemError {
  const [code, message] = names.get(ret) ?? [`E${-ret}`, 'unknown error'];
  const error = new Error(`${syscall} ${code}: ${message}`) as SystemError;
  error.code = code;
  error.errno = ret;
  error.syscall = syscall;
  return error;
}
