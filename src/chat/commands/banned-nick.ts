/**
 * Bans on names (`nick:<name>`): no one may take a banned nick. This wraps `/nick` rather than
 * changing it, so the nick rules stay in one place and the ban check in another.
 */
import { ProtocolError } from '../../protocol/errors';
import type { CommandEntry } from './context';
import { describeBan, type Moderation } from './moderation';

/** `entry` (the `/nick` command), refusing banned names with `ERROR banned`. */
export function refuseBannedNicks(
  entry: CommandEntry<'nick'>,
  moderation: Moderation,
): CommandEntry<'nick'> {
  return {
    summary: entry.summary,
    run(room, member, command) {
      const ban = moderation.nickBan(command.nick);
      if (ban === undefined) return entry.run(room, member, command);
      return new ProtocolError(
        'banned',
        `the nick ${command.nick} is banned: ${describeBan(ban)}; usage: /nick <name>`,
      );
    },
  };
}
