/**
 * `/help [command]` (also `/?`): generated from the command table, one HELP line per command.
 */
import { ProtocolError } from '../../protocol/errors';
import { COMMAND_SYNTAX, lookupCommand, type CommandKind } from '../../protocol/parse';
import type { CommandEntry, CommandRoom } from './context';
import type { Member } from '../member';

/** `/help` lists every command; `/help <command>` shows one. */
export const help: CommandEntry<'help'> = {
  summary: 'list the commands, or show one',
  run(room, member, { topic }) {
    if (topic === undefined) {
      for (const kind of Object.keys(COMMAND_SYNTAX) as CommandKind[]) {
        sendHelp(room, member, kind);
      }
      return undefined;
    }
    const kind = lookupCommand(topic);
    if (kind === undefined) {
      return new ProtocolError('unknown-command', `unknown command /${topic}; try /help`);
    }
    sendHelp(room, member, kind);
    return undefined;
  },
};

/** The text of one HELP line, e.g. `/help [command] (or /?) - list the commands, or show one`. */
export function helpText(room: CommandRoom, kind: CommandKind): string {
  const { usage, aliases } = COMMAND_SYNTAX[kind];
  const also = aliases.length === 0 ? '' : ` (or ${aliases.map((a) => '/' + a).join(', ')})`;
  const entry = room.commands[kind];
  return `${usage}${also} - ${entry.summary}${entry.admin === true ? ' (admins only)' : ''}`;
}

function sendHelp(room: CommandRoom, member: Member, kind: CommandKind): void {
  room.send(member, 'HELP', [], helpText(room, kind));
}
