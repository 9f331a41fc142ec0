/**
 * Nick rules, shared by the room and by clients that want to check a name before sending it.
 */
import { MAX_NICK_LENGTH } from './limits';

// ASCII only on purpose: look-alike letters from other scripts would let users impersonate.
const NICK_RE = new RegExp(`^[A-Za-z][A-Za-z0-9_-]{0,${MAX_NICK_LENGTH - 1}}$`);

/** True if `nick` is 1–24 ASCII letters, digits, `_` or `-`, starting with a letter. */
export function isValidNick(nick: string): boolean {
  return NICK_RE.test(nick);
}

/** The key under which nicks are unique: `Alice` and `alice` are the same user. */
export function nickKey(nick: string): string {
  return nick.toLowerCase();
}

/** How a ban target names a nick rather than an address or a range: `nick:<name>`. */
export const NICK_TARGET_PREFIX = 'nick:';

/** The nick a ban target names (`nick:mallory` → `mallory`); undefined for an address or range. */
export function bannedNick(target: string): string | undefined {
  const named = target.toLowerCase().startsWith(NICK_TARGET_PREFIX);
  return named ? target.slice(NICK_TARGET_PREFIX.length) : undefined;
}
