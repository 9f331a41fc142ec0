/**
 * `/list`: who is here.
 */
import type { CommandEntry } from './context';

/** `/list`: `USERS <nick> ...` in join order, to the asker. */
export const list: CommandEntry<'list'> = {
  summary: 'list the users in the room',
  run(room, member) {
    const nicks: string[] = [];
    for (const m of room.members()) nicks.push(m.nick);
    room.send(member, 'USERS', nicks);
    return undefined;
  },
};
