/**
 * What the message pane shows for each event: a local-time stamp and styled segments. Each kind
 * of event has its own style (see view/styles.ts), so a reader tells a whisper from a message,
 * and a kick from a quit, at a glance.
 */
import type { ChatEvent } from './chat-event.js';

export type LineKind =
  | 'message'
  | 'action'
  | 'whisper'
  | 'join'
  | 'quit'
  | 'rename'
  | 'kick'
  | 'ban'
  | 'error'
  | 'info'
  | 'notice'
  | 'alert'
  | 'raw';

/** A run of text in one style; a `nick` segment is drawn in that nick's colour. */
export interface Segment {
  text: string;
  nick?: string;
  /** The time stamp, drawn dim. */
  stamp?: true;
}

export interface DisplayLine {
  /** Grows by one per line for the whole session: scroll positions are kept by it. */
  seq: number;
  kind: LineKind;
  /** `HH:MM:SS`, local time. */
  stamp: string;
  segments: Segment[];
}

/** `HH:MM:SS` of an ISO time, in the local time zone. */
export function localStamp(iso: string): string {
  const date = new Date(iso);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/**
 * A server string drawn on a row of its own outside the message pane (a nick in the user list or
 * the status line): TAB, the one control character a server line keeps, as a space, for ink
 * counts it as no cell while the terminal jumps to the next tab stop (wrap.ts does the same).
 */
export const tabsAsSpaces = (text: string): string => text.replace(/\t/g, ' ');

const nick = (name: string): Segment => ({ text: name, nick: name });
const text = (value: string): Segment => ({ text: value });

/** The kind and segments of one event. */
export function describe(event: ChatEvent): { kind: LineKind; segments: Segment[] } {
  switch (event.type) {
    case 'MSG':
      return { kind: 'message', segments: [text('<'), nick(event.nick), text('> ' + event.text)] };
    case 'ACTION':
      return { kind: 'action', segments: [text('* '), nick(event.nick), text(' ' + event.text)] };
    case 'WHISPER':
      return {
        kind: 'whisper',
        segments: [
          text('[whisper '),
          nick(event.from),
          text(' → '),
          nick(event.to),
          text('] ' + event.text),
        ],
      };
    case 'WELCOME':
      return {
        kind: 'info',
        segments: [text(`you are `), nick(event.nick), text(`: ${event.text}`)],
      };
    case 'JOIN':
      return { kind: 'join', segments: [text('--> '), nick(event.nick), text(' joined')] };
    case 'QUIT':
      return {
        kind: 'quit',
        segments: [text('<-- '), nick(event.nick), text(` left (${event.reason})`)],
      };
    case 'NICK':
      return {
        kind: 'rename',
        segments: [text('--- '), nick(event.from), text(' is now '), nick(event.to)],
      };
    case 'KICK':
      return {
        kind: 'kick',
        segments: [
          text('!!! '),
          nick(event.nick),
          text(' was kicked by '),
          nick(event.by),
          text(` (${event.reason})`),
        ],
      };
    case 'BAN':
      return {
        kind: 'ban',
        segments: [
          text(`!!! ${event.target} was banned by `),
          nick(event.by),
          text(` (${event.reason})`),
        ],
      };
    case 'BANS':
      return {
        kind: 'ban',
        segments: [
          text(`ban ${event.target} by `),
          nick(event.by),
          text(` since ${event.setAt}, until ${event.until} (${event.reason})`),
        ],
      };
    case 'ERROR':
      return { kind: 'error', segments: [text(`error ${event.code}: ${event.text}`)] };
    case 'USERS':
      return {
        kind: 'info',
        segments: [text(`users (${event.nicks.length}): ${event.nicks.join(' ')}`)],
      };
    case 'WHOIS':
      return {
        kind: 'info',
        segments: [nick(event.nick), text(` ${event.address} ${event.text}`)],
      };
    case 'HELP':
    case 'INFO':
      return { kind: 'info', segments: [text(event.text)] };
    case 'other':
      return { kind: 'raw', segments: [text(event.line)] };
  }
}
