/**
 * `/login <name> <password>`: become an admin for the rest of the connection. Over TLS only
 * (unless the server allows plain logins): on a plain connection the password would cross the
 * network readable by anyone on the path.
 */
import { ProtocolError } from '../../protocol/errors';
import type { CommandEntry } from './context';
import type { Moderation } from './moderation';

/** `/login`: `INFO` on success; `ERROR not-permitted` or `ERROR rate-limited` otherwise. */
export function login(moderation: Moderation): CommandEntry<'login'> {
  return {
    summary: 'log in as an admin (over TLS); the password is the rest of the line',
    run(room, member, { name, password }) {
      if (member.admin !== undefined) {
        room.send(member, 'INFO', [], `you are already logged in as admin ${member.admin}`);
        return undefined;
      }
      if (!member.peer.secure && !moderation.allowPlainLogin) {
        return new ProtocolError(
          'not-permitted',
          'log in over TLS: this server does not take passwords on plain connections, ' +
            'where anyone on the way could read them',
        );
      }
      moderation.login(member.peer.remoteAddress, name, password, (outcome) => {
        if (!member.present) return; // left while the password was being checked
        if (outcome instanceof ProtocolError) {
          room.send(member, 'ERROR', [outcome.code], outcome.message);
          return;
        }
        member.promote(outcome.account);
        room.send(member, 'INFO', [], `you are now an admin (account ${outcome.account})`);
      });
      return undefined;
    },
  };
}
