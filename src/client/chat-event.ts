/**
 * The server's events as the client uses them: `parseEvent` (the one shared parser) gives the
 * fields, this names them per type. Types the shared parser does not know yet are read by the
 * form PROTOCOL.md documents (`KICK <nick> <by> :<reason>`, `BAN <target> <by> :<reason>`,
 * `BANS <target> <by> <set-at> <until|permanent> :<reason>`); anything else, or a known type of
 * the wrong shape, becomes `other` and is shown as it came rather than dropped.
 */
import { parseEvent, type ServerEvent } from '../protocol/event-parser.js';

export type ChatEvent = { time: string } & (
  | { type: 'WELCOME'; nick: string; text: string }
  | { type: 'JOIN'; nick: string }
  | { type: 'QUIT'; nick: string; reason: string }
  | { type: 'NICK'; from: string; to: string }
  | { type: 'MSG' | 'ACTION'; nick: string; text: string }
  | { type: 'WHISPER'; from: string; to: string; text: string }
  | { type: 'USERS'; nicks: string[] }
  | { type: 'WHOIS'; nick: string; address: string; text: string }
  | { type: 'HELP' | 'INFO'; text: string }
  | { type: 'ERROR'; code: string; text: string }
  | { type: 'KICK'; nick: string; by: string; reason: string }
  | { type: 'BAN'; target: string; by: string; reason: string }
  | { type: 'BANS'; target: string; by: string; setAt: string; until: string; reason: string }
  | { type: 'other'; line: string }
);

/** Named fields of the types parseEvent does not check: [ARG count, TEXT required]. */
const LATER_SHAPES: Readonly<Record<string, readonly [number, boolean]>> = {
  KICK: [2, true],
  BAN: [2, true],
  BANS: [4, true],
};

function fits(event: ServerEvent): boolean {
  const shape = LATER_SHAPES[event.type];
  return (
    shape === undefined ||
    (event.args.length === shape[0] && (event.text !== undefined) === shape[1])
  );
}

function named(event: ServerEvent, line: string): ChatEvent {
  const { time, args } = event;
  const [a = '', b = '', c = '', d = ''] = args;
  const text = event.text ?? '';
  switch (event.type) {
    case 'WELCOME':
      return { time, type: 'WELCOME', nick: a, text };
    case 'JOIN':
      return { time, type: 'JOIN', nick: a };
    case 'QUIT':
      return { time, type: 'QUIT', nick: a, reason: text };
    case 'NICK':
      return { time, type: 'NICK', from: a, to: b };
    case 'MSG':
    case 'ACTION':
      return { time, type: event.type, nick: a, text };
    case 'WHISPER':
      return { time, type: 'WHISPER', from: a, to: b, text };
    case 'USERS':
      return { time, type: 'USERS', nicks: args };
    case 'WHOIS':
      return { time, type: 'WHOIS', nick: a, address: b, text };
    case 'HELP':
    case 'INFO':
      return { time, type: event.type, text };
    case 'ERROR':
      return { time, type: 'ERROR', code: a, text };
    case 'KICK':
      return { time, type: 'KICK', nick: a, by: b, reason: text };
    case 'BAN':
      return { time, type: 'BAN', target: a, by: b, reason: text };
    case 'BANS':
      return { time, type: 'BANS', target: a, by: b, setAt: c, until: d, reason: text };
    default:
      return { time, type: 'other', line };
  }
}

/** One server line to a ChatEvent; a line that breaks the grammar is `other`, stamped now. */
export function toChatEvent(line: string, now: () => Date = () => new Date()): ChatEvent {
  const event = parseEvent(line);
  if (event instanceof Error || !fits(event)) {
    return { time: now().toISOString(), type: 'other', line };
  }
  return named(event, line);
}
