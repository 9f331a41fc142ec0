/**
 * `/nick <name>`: rename yourself. Names are unique ignoring case; changing only the case of your
 * own name is allowed.
 */
import { ProtocolError } from '../../protocol/errors';
import { MAX_NICK_LENGTH } from '../../protocol/limits';
import { isValidNick } from '../../protocol/nick';
import type { CommandEntry } from './context';

/** `/nick`: `NICK <old> <new>` to everyone, the renamer included. */
export const nick: CommandEntry<'nick'> = {
  summary: `change your name (1-${MAX_NICK_LENGTH} letters, digits, _ or -, starting with a letter)`,
  run(room, member, { nick: wanted }) {
    if (!isValidNick(wanted)) {
      return new ProtocolError(
        'invalid-nick',
        `invalid nick ${wanted}: use 1-${MAX_NICK_LENGTH} letters, digits, _ or -, ` +
          'starting with a letter; usage: /nick <name>',
      );
    }
    const old = member.nick;
    if (wanted === old) {
      room.send(member, 'INFO', [], `you are already ${old}`);
      return undefined;
    }
    const owner = room.find(wanted);
    if (owner !== undefined && owner !== member) {
      return new ProtocolError('nick-taken', `nick ${owner.nick} is taken; usage: /nick <name>`);
    }
    room.rename(member, wanted);
    room.broadcast('NICK', [old, wanted]);
    return undefined;
  },
};
