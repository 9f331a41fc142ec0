/**
 * What the admin commands need from outside the room: accounts (to log in) and bans. The room
 * only learns that a member is an admin; checking passwords, parsing addresses and saving bans
 * happen behind this interface (src/admin implements it), so the chat layer stays free of
 * crypto, files and sockets, and tests can run it in memory.
 */
import { ProtocolError } from '../../protocol/errors';

/** One ban, as commands see it. */
export interface BanEntry {
  /** Canonical: an address, a CIDR range, or `nick:<name>`. */
  readonly target: string;
  /** The nick of the admin who set it. */
  readonly by: string;
  /** When it was set, ms since the epoch. */
  readonly setAt: number;
  /** When it ends, ms since the epoch; undefined: permanent. */
  readonly until: number | undefined;
  readonly reason: string;
  /** True if it applies to a user connected from `address` named `nick`. */
  matches(address: string, nick: string): boolean;
}

/** A ban an admin asked for. */
export interface BanRequest {
  /** An address, a range or `nick:<name>`, as typed; with `user`, the address of a user. */
  readonly target: string;
  /**
   * The admin named a user present (`/ban <nick>`): the ban covers what the server counts as
   * one user at `target`, which for IPv6 is its /64, as `--max-per-ip` and the login throttle
   * count it; a single address would be evaded with the next temporary address.
   */
  readonly user?: boolean;
  readonly by: string;
  /** undefined: permanent. */
  readonly durationMs: number | undefined;
  readonly reason: string;
}

/** A login's answer: the account logged in to, or why not (`not-permitted`, `rate-limited`). */
export type LoginOutcome = { readonly account: string } | ProtocolError;

export interface Moderation {
  /** True if `/login` is allowed on a connection that is not TLS (`--allow-plain-login`). */
  readonly allowPlainLogin: boolean;
  /**
   * Checks a login from `address`. Answers exactly once, later: the password hash is slow by
   * design, and failures are answered after a growing delay.
   */
  login(
    address: string,
    name: string,
    password: string,
    answer: (outcome: LoginOutcome) => void,
  ): void;
  /** The ban `request` describes, checked but not yet in force; or why it cannot be. */
  prepareBan(request: BanRequest): BanEntry | ProtocolError;
  /** Puts a ban from {@link prepareBan} in force (replacing one on its target) and saves it. */
  addBan(ban: BanEntry): ProtocolError | undefined;
  /** Lifts the ban on `target` (spelled any way `/ban` accepts); the ban lifted, or why not. */
  removeBan(target: string): BanEntry | ProtocolError;
  /** The bans in force, oldest first. */
  bans(): readonly BanEntry[];
  /** The ban on the name `nick`, if any. */
  nickBan(nick: string): BanEntry | undefined;
}

/** When a ban ends, as the protocol writes it: a time like TIME, or `permanent`. */
export function banUntil(ban: Pick<BanEntry, 'until'>): string {
  return ban.until === undefined ? 'permanent' : new Date(ban.until).toISOString();
}

/**
 * A ban's ARGs in its `BANS` line: target, by, set-at, until. Its line in the bans file is the
 * same, so `/bans` and the file cannot drift apart.
 */
export function banArgs(ban: BanEntry): [string, string, string, string] {
  return [ban.target, ban.by, new Date(ban.setAt).toISOString(), banUntil(ban)];
}

/** `<reason> (until <time>)` or `<reason> (permanent)`: the text of `ERROR banned`. */
export function describeBan(ban: BanEntry): string {
  const until = banUntil(ban);
  return `${ban.reason} (${ban.until === undefined ? until : `until ${until}`})`;
}

function noAccounts(): ProtocolError {
  return new ProtocolError('not-permitted', 'this server has no admin accounts');
}

/** A room without admin accounts or bans: nobody can log in, so no admin command can run. */
export const NO_MODERATION: Moderation = {
  allowPlainLogin: false,
  login: (_address, _name, _password, answer) => queueMicrotask(() => answer(noAccounts())),
  prepareBan: noAccounts,
  addBan: noAccounts,
  removeBan: noAccounts,
  bans: () => [],
  nickBan: () => undefined,
};
