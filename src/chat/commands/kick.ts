/**
 * `/kick <nick> [reason]` (admins): everyone, the target included, learns who kicked whom and
 * why; then the target is disconnected and the others get its `QUIT`.
 */
import type { CommandEntry, CommandRoom } from './context';
import type { Member } from '../member';
import { noSuchUser } from './whisper';

/** The TEXT of `KICK` and `BAN` when the admin gave no reason. */
export const NO_REASON = 'no reason given';

/** The QUIT reason the others see: `kicked by alice: flooding`. */
export function removalReason(what: string, by: string, reason: string | undefined): string {
  return reason === undefined ? `${what} by ${by}` : `${what} by ${by}: ${reason}`;
}

/** Removes `member` from the room (the others get `QUIT`), then closes its connection. */
export function disconnect(room: CommandRoom, member: Member, reason: string): void {
  room.leave(member, reason);
  member.peer.close(reason);
}

/** `/kick`: `KICK <nick> <by> :<reason>` to everyone, then the target's `QUIT` to the others. */
export const kick: CommandEntry<'kick'> = {
  admin: true,
  summary: 'disconnect a user, telling everyone why',
  run(room, member, { nick, reason }) {
    const target = room.find(nick);
    if (target === undefined) return noSuchUser(nick);
    room.broadcast('KICK', [target.nick, member.nick], reason ?? NO_REASON);
    disconnect(room, target, removalReason('kicked', member.nick, reason));
    return undefined;
  },
};
