/**
 * The one command table: the room dispatches through it and `/help` is generated from it.
 * Adding a command: its grammar in protocol/parse.ts, its handler in a file here, its entry below.
 */
import type { CommandKind, CommandOf } from '../../protocol/parse';
import type { CommandEntry, CommandRoom, CommandTable, Outcome } from './context';
import { filter, unfilter } from './filter';
import { help } from './help';
import { list } from './list';
import { nick } from './nick';
import { quit } from './quit';
import { me, say } from './say';
import { whisper } from './whisper';
import { whois } from './whois';
import type { Member } from '../member';

/** Every command the room understands. */
export const COMMANDS: CommandTable = {
  say,
  me,
  whisper,
  nick,
  list,
  whois,
  filter,
  unfilter,
  help,
  quit,
};

/** Runs `command` through `table`. */
export function runCommand<K extends CommandKind>(
  table: CommandTable,
  room: CommandRoom,
  member: Member,
  command: CommandOf<K>,
): Outcome {
  // The table maps each kind to the entry for that kind; TypeScript cannot correlate the two
  // through a union, so say it once here.
  const entry = table[command.kind] as CommandEntry<K>;
  return entry.run(room, member, command);
}
