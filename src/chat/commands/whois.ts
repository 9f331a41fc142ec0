/**
 * `/whois <user>`: where a user connects from, since when, how idle, over what, and whether they
 * are an admin.
 */
import type { CommandEntry } from './context';
import { noSuchUser } from './whisper';

/** `/whois`: `WHOIS <nick> <ip>:<port> :since <iso> idle <N>s plain|tls[ admin]`, to the asker. */
export const whois: CommandEntry<'whois'> = {
  summary: 'show where a user connects from, since when and how long they have been idle',
  run(room, member, { nick }) {
    const target = room.find(nick);
    if (target === undefined) return noSuchUser(nick);
    const since = new Date(target.connectedAt).toISOString();
    const idle = Math.max(0, Math.floor((room.now() - target.lastActiveAt) / 1000));
    const via = target.peer.secure ? 'tls' : 'plain';
    const details = `since ${since} idle ${idle}s ${via}${target.admin === undefined ? '' : ' admin'}`;
    room.send(member, 'WHOIS', [target.nick, target.address], details);
    return undefined;
  },
};
