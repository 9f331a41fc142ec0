/**
 * Which fds the server gives to connections. Every backend refuses a connection whose fd would
 * reach its ceiling (one `ERROR server-full` line, then close) rather than run out of fds: a
 * process that cannot open a file or accept a TLS session any more serves nobody well.
 */
import fs from 'node:fs';

import { DEFAULT_MAX_FDS } from '../loop/event-loop';
import { addon } from '../native/addon';

/** fds kept free for what is not a client: listeners, files, TLS, DNS, Node's own. */
export const FD_RESERVE = 64;
/** The ceiling when neither the backend nor the user sets one (it sizes the interest table). */
const UNBOUNDED = 1 << 20;

export interface FdCeiling {
  /** Connections get fds below this. */
  maxFds: number;
  /** RLIMIT_NOFILE, its soft limit raised to the hard one. */
  fdLimit: number;
}

/**
 * `--max-fds` (or the backend's own: select's bitmaps stop at DEFAULT_MAX_FDS), and for every
 * backend the fd limit less FD_RESERVE. Raises the soft fd limit to the hard one first.
 */
export function fdCeiling(backend: string, maxFds: number | undefined): FdCeiling {
  const raised = addon.fdRaiseLimit();
  const fdLimit = raised > 0 ? raised : UNBOUNDED; // unreadable: the kernel will say EMFILE
  const wanted = maxFds ?? (backend === 'select' ? DEFAULT_MAX_FDS : UNBOUNDED);
  const reserve = Math.min(FD_RESERVE, Math.floor(fdLimit / 2));
  return { maxFds: Math.max(1, Math.min(wanted, fdLimit - reserve)), fdLimit };
}

/** fds the listeners are yet to take: a socket and a reserve fd each, plain and TLS. */
const LISTENER_FDS = 4;
/** What the process holds where /proc cannot say (Node's own ~20, and a margin). */
const USUAL_OPEN_FDS = 32;

/**
 * The `--max-clients` default: as many connections as the fd ceiling leaves room for, i.e. the
 * fds below `maxFds` that the process has not taken already (counted in /proc/self/fd).
 */
export function defaultMaxClients(maxFds: number): number {
  let open = USUAL_OPEN_FDS;
  try {
    open = fs.readdirSync('/proc/self/fd').length;
  } catch {
    // No /proc: assume what Node usually holds.
  }
  return Math.max(1, maxFds - open - LISTENER_FDS);
}
