/**
 * `/say <text>` (and plain lines) and `/me <text>`: chat to everyone, the sender included.
 */
import type { CommandEntry } from './context';

/** `/say`: `MSG <nick> :<text>` to everyone; the hot path of the server. */
export const say: CommandEntry<'say'> = {
  summary: 'say something to everyone (a line without a leading / does the same)',
  run(room, member, { text }) {
    room.deliver('MSG', [member.nick], text);
    return undefined;
  },
};

/** `/me`: `ACTION <nick> :<text>` to everyone. */
export const me: CommandEntry<'me'> = {
  summary: 'describe what you are doing, e.g. /me waves',
  run(room, member, { text }) {
    room.deliver('ACTION', [member.nick], text);
    return undefined;
  },
};
