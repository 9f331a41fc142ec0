/**
 * Who is in the room, in the order they joined (the order `USERS` gives), kept current from the
 * events: a full `USERS` answer replaces the list, `JOIN`, `QUIT`, `NICK`, `KICK` and `BAN`
 * adjust it. Nicks are compared ignoring case, as the server does.
 */
import { nickKey } from '../protocol/nick.js';
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
      return without(users, event.nick);
    case 'BAN':
      // A ban names a nick or an address; only a nick is in the list.
      return without(users, event.target);
    case 'NICK':
      return users.map((user) => (nickKey(user) === nickKey(event.from) ? event.to : user));
    default:
      return users;
  }
}
