/**
 * `/whois <user>`: where a user connects from, since when, how idle, and over what.
 */
import type { CommandEntry } from './context';
import { noSuchUser } from './whisper';

/** `/whois`: `WHOIS <nick> <ip>:<port> :since <iso> idle <N>s plain|tls`, to the asker. */
export const whois: CommandEntry<'whois'> = {
  summary: 'show where a user connects from, since when and how long they have been idle',
  run(room, member, { nick }) {
    const target = room.find(nick);
    if (target === undefined) return noSuchUser(nick);
    const since = new Date(target.connectedAt).toISOString();
    const idle = Math.max(0, Math.floor((room.now() - target.lastActiveAt) / 1000));
    // Admin status will be appended here (` admin`) once accounts exist.
    const details = `since ${since} idle ${idle}s ${target.peer.secure ? 'tls' : 'plain'}`;
    room.send(member, 'WHOIS', [target.nick, target.address], details);
    return undefined;
  },
};
