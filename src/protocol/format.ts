/**
 * Server-to-client lines: `TIME TYPE [ARG ...] [:TEXT]\n`, encoded once as a Buffer that the room
 * hands unchanged to every recipient. This is on the broadcast hot path, so it does one string
 * concatenation and one encode, and the ISO time is cached per millisecond.
 */
import { LineArena } from './line-arena';

/**
 * Event types the server sends. Later features append to this list (`KICK`, `BAN`, `BANS`, `STATS`);
 * clients must ignore types they do not know.
 */
export const EVENT_TYPES = [
  'WELCOME',
  'JOIN',
  'QUIT',
  'NICK',
  'MSG',
  'ACTION',
  'WHISPER',
  'USERS',
  'WHOIS',
  'HELP',
  'INFO',
  'ERROR',
  'KICK',
  'BAN',
  'BANS',
  'STATS',
] as const;

/** One server event type. */
export type EventType = (typeof EVENT_TYPES)[number];

const SPACE = 0x20;
const COLON = 0x3a;
const DEL = 0x7f;

/**
 * Remembers the ISO-8601 string of the last millisecond asked for. A burst of messages falls in
 * the same millisecond, so `toISOString()` runs about once per millisecond instead of per line.
 */
export class IsoTimeCache {
  #ms = Number.NaN;
  #iso = '';
  #bytes: Buffer | undefined;

  /** `new Date(ms).toISOString()`, cached for the last `ms` seen. */
  iso(ms: number): string {
    if (ms !== this.#ms) {
      this.#iso = new Date(ms).toISOString();
      this.#ms = ms;
      this.#bytes = undefined;
    }
    return this.#iso;
  }

  /** The same, encoded (ASCII); do not mutate it. */
  isoBytes(ms: number): Buffer {
    const iso = this.iso(ms);
    return (this.#bytes ??= Buffer.from(iso, 'latin1'));
  }
}

/** Most ` TYPE ARG :` parts kept encoded; past it the cache starts over. */
const MAX_MIDDLES = 4096;

/**
 * Throws unless `arg` is a valid ARG token: non-empty, not starting with `:`, no space and no
 * control character. ARGs come from validated nicks, codes and addresses, so a bad one is a server
 * bug, not bad input; failing loudly beats sending a line clients would split wrongly.
 */
function checkArg(arg: string): void {
  let ok = arg.length > 0 && arg.charCodeAt(0) !== COLON;
  for (let i = 0; ok && i < arg.length; i++) {
    const c = arg.charCodeAt(i);
    ok = c > SPACE && c !== DEL;
  }
  if (!ok) throw new RangeError(`invalid event argument ${JSON.stringify(arg)}`);
}

/** TEXT runs to the end of the line, so a CR or LF in it would forge a second event. */
function sanitizeText(text: string): string {
  if (text.indexOf('\n') === -1 && text.indexOf('\r') === -1) return text;
  return text.replace(/\r\n|[\r\n]/g, ' ');
}

/**
 * Encodes one event line.
 *
 * @param time - the TIME field, as produced by {@link IsoTimeCache.iso}
 * @param type - the event type
 * @param args - ARG tokens; each must be non-empty, without spaces, not starting with `:`
 * @param text - free text after ` :`; CR and LF are replaced by spaces; omitted when undefined
 * @returns the UTF-8 bytes of the line, ending in `\n`; treat it as immutable (it is shared)
 * @throws RangeError if an ARG is malformed (a server bug)
 */
export function formatEvent(
  time: string,
  type: EventType,
  args: readonly string[],
  text?: string,
): Buffer {
  return Buffer.from(eventLine(time, type, args, text), 'utf8');
}

/** The text of one event line, `\n` included; see {@link formatEvent}. */
function eventLine(time: string, type: EventType, args: readonly string[], text?: string): string {
  let line = time + ' ' + type;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    checkArg(arg);
    line += ' ' + arg;
  }
  if (text !== undefined) line += ' :' + sanitizeText(text);
  return line + '\n';
}

/**
 * Formats events stamped with a clock, caching the time string, and encodes
 * them back to back in a {@link LineArena}.
 */
export class EventFormatter {
  readonly #clock: () => number;
  readonly #time = new IsoTimeCache();
  readonly #arena = new LineArena();
  // ` TYPE ARG :` encoded, per type and ARG (a nick): the part of a chat line between time and text.
  readonly #middles = new Map<EventType, Map<string, Buffer>>();
  #middleCount = 0;

  /** @param clock - milliseconds since the epoch; `Date.now` unless a test injects one */
  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
  }

  /** The current TIME field. */
  now(): string {
    return this.#time.iso(this.#clock());
  }

  /** Encodes one event stamped with the current time; see {@link formatEvent}. */
  format(type: EventType, args: readonly string[], text?: string): Buffer {
    return this.#arena.encode(eventLine(this.#time.iso(this.#clock()), type, args, text));
  }

  /**
   * The same line as `format(type, [arg], text)` stamped `ms`, for a text that is already UTF-8
   * without CR, LF or other control characters (a clean line from the framer): only the
   * `TIME TYPE ARG :` prefix is built as a string, and the text's bytes are copied after it.
   */
  formatBytes(ms: number, type: EventType, arg: string, bytes: Buffer, start: number, end: number) {
    return this.#arena.join(this.#time.isoBytes(ms), this.#middle(type, arg), bytes, start, end);
  }

  #middle(type: EventType, arg: string): Buffer {
    let byArg = this.#middles.get(type);
    if (byArg === undefined) this.#middles.set(type, (byArg = new Map()));
    let middle = byArg.get(arg);
    if (middle === undefined) {
      checkArg(arg);
      if (++this.#middleCount > MAX_MIDDLES) {
        this.#middles.clear();
        this.#middles.set(type, byArg);
        byArg.clear();
        this.#middleCount = 1;
      }
      middle = Buffer.from(' ' + type + ' ' + arg + ' :', 'utf8');
      byArg.set(arg, middle);
    }
    return middle;
  }
}
