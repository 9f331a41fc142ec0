/**
 * `/quit [reason]`: leave the room and close the connection.
 */
import { DEFAULT_QUIT_REASON } from '../../protocol/limits';
import type { CommandEntry } from './context';

/** `/quit`: the others get `QUIT <nick> :<reason>`, then the connection is closed. */
export const quit: CommandEntry<'quit'> = {
  summary: 'leave the chat, optionally saying why',
  run(room, member, { reason = DEFAULT_QUIT_REASON }) {
    // Leave first so the QUIT carries this reason, whatever the transport reports on close.
    room.leave(member, reason);
    member.peer.close(reason);
    return undefined;
  },
};
