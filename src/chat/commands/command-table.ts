/**
 * The one command table: the room dispatches through it and `/help` is generated from it.
 * Adding a command: its grammar in protocol/parse.ts, its handler in a file here, its entry below
 * (with `admin: true` if only admins may use it: the check is made here, once for all).
 */
import { ProtocolError } from '../../protocol/errors';
import type { CommandKind, CommandOf } from '../../protocol/parse';
import { ban, bans, unban } from './ban';
import { refuseBannedNicks } from './banned-nick';
import type { CommandEntry, CommandRoom, CommandTable, Outcome } from './context';
import { filter, unfilter } from './filter';
import { help } from './help';
import { kick } from './kick';
import { list } from './list';
import { login } from './login';
import { NO_MODERATION, type Moderation } from './moderation';
import { nick } from './nick';
import { quit } from './quit';
import { me, say } from './say';
import { NO_STATS, stats, type StatsSource } from './stats';
import { whisper } from './whisper';
import { whois } from './whois';
import type { Member } from '../member';

/**
 * Every command the room understands, the admin ones backed by `moderation` and `statsSource`.
 */
export function commandTable(
  moderation: Moderation,
  statsSource: StatsSource = NO_STATS,
): CommandTable {
  return {
    say,
    me,
    whisper,
    nick: refuseBannedNicks(nick, moderation),
    list,
    whois,
    filter,
    unfilter,
    help,
    quit,
    login: login(moderation),
    kick,
    ban: ban(moderation),
    unban: unban(moderation),
    bans: bans(moderation),
    stats: stats(statsSource),
  };
}

/** The table of a room without admin accounts: admin commands exist, nobody can use them. */
export const COMMANDS: CommandTable = commandTable(NO_MODERATION);

function notPermitted(kind: CommandKind): ProtocolError {
  return new ProtocolError(
    'not-permitted',
    `/${kind} is for admins; /login <name> <password> first`,
  );
}

/** Runs `command` through `table`; admin-only commands need an admin. */
export function runCommand<K extends CommandKind>(
  table: CommandTable,
  room: CommandRoom,
  member: Member,
  command: CommandOf<K>,
): Outcome {
  // The table maps each kind to the entry for that kind; TypeScript cannot correlate the two
  // through a union, so say it once here.
  const entry = table[command.kind] as CommandEntry<K>;
  if (entry.admin === true && member.admin === undefined) return notPermitted(command.kind);
  return entry.run(room, member, command);
}
