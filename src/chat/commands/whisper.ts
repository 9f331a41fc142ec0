/**
 * `/whisper <user> <text>`: a private message, echoed to the sender so its client can show it.
 */
import { ProtocolError } from '../../protocol/errors';
import type { CommandEntry } from './context';

/** `/whisper`: `WHISPER <from> <to> :<text>` to the target and to the sender. */
export const whisper: CommandEntry<'whisper'> = {
  summary: 'send a private message to one user',
  run(room, member, { to, text }) {
    const target = room.find(to);
    if (target === undefined) return noSuchUser(to);
    // Whispering to yourself delivers one copy, not two.
    const recipients = target === member ? [member] : [target, member];
    room.deliver('WHISPER', [member.nick, target.nick], text, recipients);
    return undefined;
  },
};

/** The error for a nick nobody has. */
export function noSuchUser(nick: string): ProtocolError {
  return new ProtocolError('no-such-user', `no user named ${nick}; /list shows who is here`);
}
