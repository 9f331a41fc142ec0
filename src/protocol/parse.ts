/**
 * Client lines to commands (PROTOCOL.md "Commands"). Pure: no room state, so nick validity, user
 * existence and the like are checked by the command handlers; this module checks arity and shape
 * and answers a wrong one with the command's usage.
 */
import { ProtocolError } from './errors';

/** One parsed client command. Plain text is `say`. */
export type Command =
  | { kind: 'nick'; nick: string }
  | { kind: 'say'; text: string }
  | { kind: 'me'; text: string }
  | { kind: 'whisper'; to: string; text: string }
  | { kind: 'list' }
  | { kind: 'whois'; nick: string }
  | { kind: 'filter'; word?: string }
  | { kind: 'unfilter'; word: string }
  | { kind: 'help'; topic?: string }
  | { kind: 'quit'; reason?: string }
  | { kind: 'login'; name: string; password: string }
  | { kind: 'kick'; nick: string; reason?: string }
  | { kind: 'ban'; target: string; durationMs?: number; reason?: string }
  | { kind: 'unban'; target: string }
  | { kind: 'bans' }
  | { kind: 'stats' };

/** The name of a command, which is also its `/name`. */
export type CommandKind = Command['kind'];

/** The command of one kind. */
export type CommandOf<K extends CommandKind> = Extract<Command, { kind: K }>;

/** How a command is written. */
export interface CommandSyntax {
  /** Syntax for messages and `/help`, e.g. `/whisper <user> <text>`. */
  readonly usage: string;
  /** Other names that mean the same command, without the slash. */
  readonly aliases: readonly string[];
}

/** Syntax of every command, in the order `/help` lists them. */
export const COMMAND_SYNTAX: { readonly [K in CommandKind]: CommandSyntax } = {
  say: { usage: '/say <text>', aliases: [] },
  me: { usage: '/me <text>', aliases: [] },
  whisper: { usage: '/whisper <user> <text>', aliases: [] },
  nick: { usage: '/nick <name>', aliases: [] },
  list: { usage: '/list', aliases: [] },
  whois: { usage: '/whois <user>', aliases: [] },
  filter: { usage: '/filter [word]', aliases: [] },
  unfilter: { usage: '/unfilter <word>', aliases: [] },
  help: { usage: '/help [command]', aliases: ['?'] },
  quit: { usage: '/quit [reason]', aliases: [] },
  login: { usage: '/login <name> <password>', aliases: [] },
  kick: { usage: '/kick <nick> [reason]', aliases: [] },
  ban: { usage: '/ban <target> [duration] [reason]', aliases: [] },
  unban: { usage: '/unban <target>', aliases: [] },
  bans: { usage: '/bans', aliases: [] },
  stats: { usage: '/stats', aliases: [] },
};

const DAY_MS = 86_400_000;

/** Milliseconds per unit of a ban duration. */
const DURATION_UNITS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: DAY_MS,
  w: 7 * DAY_MS,
};

/** The longest ban with a duration (ten years); a longer one is a permanent ban. */
export const MAX_BAN_DURATION_MS = 3650 * DAY_MS;

/** `30m`, `12h`, `7d` (also `s` and `w`) in milliseconds; undefined if malformed or too long. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,10})([smhdw])$/i.exec(text);
  if (match === null) return undefined;
  const ms = Number(match[1]) * (DURATION_UNITS[(match[2] as string).toLowerCase()] as number);
  return ms > 0 && ms <= MAX_BAN_DURATION_MS ? ms : undefined;
}

const NAMES: ReadonlyMap<string, CommandKind> = new Map(
  (Object.keys(COMMAND_SYNTAX) as CommandKind[]).flatMap((kind) => [
    [kind, kind] as const,
    ...COMMAND_SYNTAX[kind].aliases.map((alias) => [alias, kind] as const),
  ]),
);

/** The command a name (without slash, any case) or alias denotes, if any. */
export function lookupCommand(name: string): CommandKind | undefined {
  return NAMES.get(name.toLowerCase());
}

const SLASH = 0x2f;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * True if a line whose first character (or byte) is `c` is text, said exactly as typed whatever
 * follows: not a command (`/`) and not possibly blank (a space or tab). The room's fast path,
 * which says a line still in bytes, asks this of its first byte.
 */
export function startsPlainText(c: number | undefined): boolean {
  return c !== undefined && c !== SLASH && !isBlankChar(c);
}

function isBlankChar(c: number): boolean {
  return c === SPACE || c === TAB;
}

/** Index of the first space or tab at or after `from`, or `s.length`. */
function blankAt(s: string, from: number): number {
  let i = from;
  while (i < s.length && !isBlankChar(s.charCodeAt(i))) i++;
  return i;
}

/** Index of the first non-blank character at or after `from`, or `s.length`. */
function nonBlankAt(s: string, from: number): number {
  let i = from;
  while (i < s.length && isBlankChar(s.charCodeAt(i))) i++;
  return i;
}

/** Splits `s` into its first word and the rest, the rest without leading blanks. */
function firstWord(s: string): [string, string] {
  const end = blankAt(s, 0);
  return [s.slice(0, end), s.slice(nonBlankAt(s, end))];
}

function usageError(
  kind: CommandKind,
  code: 'missing-argument' | 'invalid-argument',
): ProtocolError {
  const usage = COMMAND_SYNTAX[kind].usage;
  const lead = code === 'missing-argument' ? '' : 'too many arguments; ';
  return new ProtocolError(code, `${lead}usage: ${usage}`);
}

/** Parses the argument of a command taking exactly one word, e.g. `/whois <user>`. */
function oneWord(kind: CommandKind, rest: string): string | ProtocolError {
  const [word, more] = firstWord(rest);
  if (word === '') return usageError(kind, 'missing-argument');
  if (more !== '') return usageError(kind, 'invalid-argument');
  return word;
}

/** Parses the argument of a command taking at most one word, e.g. `/help [command]`. */
function optionalWord(kind: CommandKind, rest: string): string | undefined | ProtocolError {
  return rest === '' ? undefined : oneWord(kind, rest);
}

/** Parses free text that must not be blank, e.g. `/me <text>`. */
function requiredText(kind: CommandKind, rest: string): string | ProtocolError {
  return rest === '' ? usageError(kind, 'missing-argument') : rest;
}

type Parser = (rest: string) => Command | ProtocolError;

function wrap<T>(value: T | ProtocolError, build: (value: T) => Command): Command | ProtocolError {
  return value instanceof ProtocolError ? value : build(value);
}

/** Argument parsers; `rest` is what follows the command name, without leading blanks. */
const PARSERS: { readonly [K in CommandKind]: Parser } = {
  say: (rest) => wrap(requiredText('say', rest), (text) => ({ kind: 'say', text })),
  me: (rest) => wrap(requiredText('me', rest), (text) => ({ kind: 'me', text })),
  whisper: (rest) => {
    const [to, text] = firstWord(rest);
    if (to === '' || text === '') return usageError('whisper', 'missing-argument');
    return { kind: 'whisper', to, text };
  },
  nick: (rest) => wrap(oneWord('nick', rest), (nick) => ({ kind: 'nick', nick })),
  list: (rest) => (rest === '' ? { kind: 'list' } : usageError('list', 'invalid-argument')),
  whois: (rest) => wrap(oneWord('whois', rest), (nick) => ({ kind: 'whois', nick })),
  filter: (rest) =>
    wrap(optionalWord('filter', rest), (word) =>
      word === undefined ? { kind: 'filter' } : { kind: 'filter', word },
    ),
  unfilter: (rest) => wrap(oneWord('unfilter', rest), (word) => ({ kind: 'unfilter', word })),
  help: (rest) =>
    wrap(optionalWord('help', rest), (topic) =>
      topic === undefined ? { kind: 'help' } : { kind: 'help', topic: stripSlash(topic) },
    ),
  quit: (rest) => (rest === '' ? { kind: 'quit' } : { kind: 'quit', reason: rest }),
  login: (rest) => {
    // The password is the rest of the line: it may contain spaces.
    const [name, password] = firstWord(rest);
    if (name === '' || password === '') return usageError('login', 'missing-argument');
    return { kind: 'login', name, password };
  },
  kick: (rest) => {
    const [nick, reason] = firstWord(rest);
    if (nick === '') return usageError('kick', 'missing-argument');
    return reason === '' ? { kind: 'kick', nick } : { kind: 'kick', nick, reason };
  },
  ban: parseBan,
  unban: (rest) => wrap(oneWord('unban', rest), (target) => ({ kind: 'unban', target })),
  bans: (rest) => (rest === '' ? { kind: 'bans' } : usageError('bans', 'invalid-argument')),
  stats: (rest) => (rest === '' ? { kind: 'stats' } : usageError('stats', 'invalid-argument')),
};

/** `/ban <target> [duration] [reason]`: a second word starting with a digit is a duration. */
function parseBan(rest: string): Command | ProtocolError {
  const [target, more] = firstWord(rest);
  if (target === '') return usageError('ban', 'missing-argument');
  const [first, after] = firstWord(more);
  if (!/^\d/.test(first))
    return more === '' ? { kind: 'ban', target } : { kind: 'ban', target, reason: more };
  const durationMs = parseDuration(first);
  if (durationMs === undefined) {
    return new ProtocolError(
      'invalid-argument',
      `bad duration ${first}: use a number and s, m, h, d or w (30m, 12h, 7d), at most 3650d, ` +
        `or none for a permanent ban; usage: ${COMMAND_SYNTAX.ban.usage}`,
    );
  }
  return after === ''
    ? { kind: 'ban', target, durationMs }
    : { kind: 'ban', target, durationMs, reason: after };
}

function stripSlash(name: string): string {
  return name.charCodeAt(0) === SLASH && name.length > 1 ? name.slice(1) : name;
}

/**
 * Parses one decoded client line.
 *
 * @returns the command; a {@link ProtocolError} (`unknown-command`, `missing-argument`,
 *   `invalid-argument`) whose message gives the right syntax; or `null` for a blank line (empty or
 *   only spaces and tabs), which asks for nothing
 */
export function parseCommand(line: string): Command | ProtocolError | null {
  // The hot path: plain text is said verbatim.
  if (line.charCodeAt(0) !== SLASH) {
    return nonBlankAt(line, 0) === line.length ? null : { kind: 'say', text: line };
  }
  if (line.charCodeAt(1) === SLASH) return { kind: 'say', text: line.slice(1) };
  const nameEnd = blankAt(line, 1);
  const name = line.slice(1, nameEnd);
  const kind = lookupCommand(name);
  if (kind === undefined) {
    return new ProtocolError('unknown-command', `unknown command /${name}; try /help`);
  }
  const rest = line.slice(nonBlankAt(line, nameEnd)).trimEnd();
  return PARSERS[kind](rest);
}
