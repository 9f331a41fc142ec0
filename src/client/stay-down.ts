/**
 * Which server events mean the client must not reconnect by itself (the user may still
 * `/connect`): the server refusing the connection (`ERROR banned` before `WELCOME`), a kick of
 * us, a ban of our nick. An `ERROR banned` after `WELCOME` only refuses a `/nick` to a banned
 * name (PROTOCOL.md): the connection stays, so losing it later is no reason to stay away. A ban
 * of our address needs no rule here: the server closes us, and the next attempt is refused.
 */
import { bannedNick, nickKey } from '../protocol/nick.js';
import type { ChatEvent } from './chat-event.js';

/**
 * Why `event` keeps the client down, or undefined if it does not.
 *
 * @param own - our nick once the server has welcomed us; undefined before `WELCOME`
 */
export function stayDownReason(event: ChatEvent, own: string | undefined): string | undefined {
  const isUs = (nick: string | undefined): boolean =>
    own !== undefined && nick !== undefined && nickKey(nick) === nickKey(own);
  switch (event.type) {
    case 'ERROR':
      return event.code === 'banned' && own === undefined ? 'banned' : undefined;
    case 'KICK':
      return isUs(event.nick) ? `kicked by ${event.by}` : undefined;
    case 'BAN':
      return isUs(bannedNick(event.target)) ? `banned by ${event.by}` : undefined;
    default:
      return undefined;
  }
}
