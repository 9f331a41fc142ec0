/**
 * `/ban`, `/unban`, `/bans` (admins). A ban names an address, a range, `nick:<name>`, or the nick
 * of someone present, which bans that user: the address they connect from, or for IPv6 its /64.
 * The room only resolves nicks and disconnects those a new ban matches; parsing, matching and
 * saving are the Moderation's.
 */
import { ProtocolError } from '../../protocol/errors';
import { isValidNick } from '../../protocol/nick';
import type { CommandEntry } from './context';
import { disconnect, NO_REASON, removalReason } from './kick';
import { banArgs, type Moderation } from './moderation';
import { noSuchUser } from './whisper';

/** `/ban`: `BAN <target> <by> :<reason>` to everyone; those it matches are disconnected. */
export function ban(moderation: Moderation): CommandEntry<'ban'> {
  return {
    admin: true,
    summary:
      'ban a user (their address, or their IPv6 /64), an address, a CIDR range or nick:<name>; for 30m, 12h, 7d... or for good',
    run(room, member, { target, durationMs, reason }) {
      // A nick of someone present bans that user: their address, or for IPv6 their /64.
      const named = isValidNick(target);
      const user = named ? room.find(target) : undefined;
      if (named && user === undefined) return noSuchUser(target);
      const entry = moderation.prepareBan({
        target: user?.peer.remoteAddress ?? target,
        user: user !== undefined,
        by: member.nick,
        durationMs,
        reason: reason ?? NO_REASON,
      });
      if (entry instanceof ProtocolError) return entry;
      if (entry.matches(member.peer.remoteAddress, member.nick)) {
        // An admin who shares a user's /64 may still ban that one address, by typing it.
        const alone =
          user !== undefined && entry.target.includes('/')
            ? `; /ban ${user.peer.remoteAddress} bans their address alone`
            : '';
        return new ProtocolError(
          'not-permitted',
          `a ban on ${entry.target} would ban you too (you are ${member.address}); ` +
            `an admin cannot lock themselves out${alone}`,
        );
      }
      const refused = moderation.addBan(entry);
      if (refused !== undefined) return refused;
      room.broadcast('BAN', [entry.target, member.nick], entry.reason);
      const why = removalReason('banned', member.nick, reason);
      for (const user of [...room.members()]) {
        if (entry.matches(user.peer.remoteAddress, user.nick)) disconnect(room, user, why);
      }
      return undefined;
    },
  };
}

/** `/unban <target>`: `INFO` to the admin. */
export function unban(moderation: Moderation): CommandEntry<'unban'> {
  return {
    admin: true,
    summary: 'lift a ban; the target as /bans lists it',
    run(room, member, { target }) {
      const lifted = moderation.removeBan(target);
      if (lifted instanceof ProtocolError) return lifted;
      room.send(member, 'INFO', [], `ban on ${lifted.target} lifted`);
      return undefined;
    },
  };
}

/** `/bans`: one `BANS <target> <by> <set-at> <until|permanent> :<reason>` per ban, then `INFO`. */
export function bans(moderation: Moderation): CommandEntry<'bans'> {
  return {
    admin: true,
    summary: 'list the bans in force',
    run(room, member) {
      const all = moderation.bans();
      for (const b of all) room.send(member, 'BANS', banArgs(b), b.reason);
      const count =
        all.length === 0 ? 'no bans' : all.length === 1 ? '1 ban' : `${all.length} bans`;
      room.send(member, 'INFO', [], count);
      return undefined;
    },
  };
}
