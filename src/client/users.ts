/**
 * Who is in the room, in the order they joined (the order `USERS` gives), kept current from the
 * events: a full `USERS` answer replaces the list, `JOIN`, `QUIT`, `NICK`, `KICK` and `BAN`
 * (of `nick:<name>`) adjust it. Nicks are compared ignoring case, as the server does.
 */
import { bannedNick, nickKey } from '../protocol/nick.js';
import type { ChatEvent } from './chat-event.js';

const without = (users: readonly string[], nick: string): string[] =>
  users.filter((user) => nickKey(user) !== nickKey(nick));

/** The list after `event` (the same array when the event changes nothing). */
export function updateUsers(users: readonly string[], event: ChatEvent): readonly string[] {
  switch (event.type) {
    case 'USERS':
      return event.nicks;
    case 'WELCOME':
      return users.some((u) => nickKey(u) === nickKey(event.nick)) ? users : [...users, event.nick];
    case 'JOIN':
      return [...without(users, event.nick), event.nick];
    case 'QUIT':
    case 'KICK':
      // The server sends a kicked user's QUIT after the KICK: the second finds nobody to drop.
      return without(users, event.nick);
    case 'BAN': {
      // An address or a range names nobody here: whoever it matches gets a QUIT of their own.
      const nick = bannedNick(event.target);
      return nick === undefined ? users : without(users, nick);
    }
    case 'NICK':
      return users.map((user) => (nickKey(user) === nickKey(event.from) ? event.to : user));
    default:
      return users;
  }
}
