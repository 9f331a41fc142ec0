/**
 * The inverse of format.ts, for clients, tests and the benchmark: one server line to a
 * {@link ServerEvent}. The rule is the one PROTOCOL.md promises: split on the first ` :`, then
 * split the head on single spaces. Known types are also checked for their shape, so a test that
 * parses every line it receives catches a malformed event.
 */

/** One parsed server event. */
export interface ServerEvent {
  /** UTC ISO-8601 with milliseconds, e.g. `2026-11-24T16:55:58.414Z`. */
  time: string;
  /** Upper-case event type, e.g. `MSG`. Unknown types are allowed (forward compatibility). */
  type: string;
  /** ARG tokens between TYPE and TEXT. */
  args: string[];
  /** Free text after ` :`, if the line has one (it may be empty). */
  text?: string;
}

/** A server line that does not follow the grammar; `line` is the offending input. */
export class EventParseError extends Error {
  /** The line that failed to parse. */
  readonly line: string;

  constructor(message: string, line: string) {
    super(`${message}: ${JSON.stringify(line)}`);
    this.name = 'EventParseError';
    this.line = line;
  }
}

/** Argument count range and whether TEXT is required (true), forbidden (false). */
interface Shape {
  minArgs: number;
  maxArgs: number;
  text: boolean;
}

const ANY = Number.POSITIVE_INFINITY;

/** Shapes of the types the server sends today; see PROTOCOL.md "Events". */
const SHAPES: Readonly<Record<string, Shape>> = {
  WELCOME: { minArgs: 1, maxArgs: 1, text: true },
  JOIN: { minArgs: 1, maxArgs: 1, text: false },
  QUIT: { minArgs: 1, maxArgs: 1, text: true },
  NICK: { minArgs: 2, maxArgs: 2, text: false },
  MSG: { minArgs: 1, maxArgs: 1, text: true },
  ACTION: { minArgs: 1, maxArgs: 1, text: true },
  WHISPER: { minArgs: 2, maxArgs: 2, text: true },
  USERS: { minArgs: 0, maxArgs: ANY, text: false },
  WHOIS: { minArgs: 2, maxArgs: 2, text: true },
  HELP: { minArgs: 0, maxArgs: 0, text: true },
  INFO: { minArgs: 0, maxArgs: 0, text: true },
  ERROR: { minArgs: 1, maxArgs: 1, text: true },
  KICK: { minArgs: 2, maxArgs: 2, text: true },
  BAN: { minArgs: 2, maxArgs: 2, text: true },
  BANS: { minArgs: 4, maxArgs: 4, text: true },
  STATS: { minArgs: 2, maxArgs: 2, text: false },
};

const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A time as the server writes it (TIME, and the times in `BANS` lines and its files): UTC
 * ISO-8601 with milliseconds, exactly as `toISOString()` writes it; in ms since the epoch, or
 * undefined (for `2026-02-30T...` too, which `Date.parse` would roll over).
 */
export function parseTime(text: string): number | undefined {
  if (!TIME_RE.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) || new Date(ms).toISOString() !== text ? undefined : ms;
}
const TYPE_RE = /^[A-Z][A-Z_]*$/;

/** Checks a known type's argument count and TEXT presence; returns a problem or undefined. */
function shapeProblem(event: ServerEvent): string | undefined {
  const shape = SHAPES[event.type];
  if (shape === undefined) return undefined;
  const n = event.args.length;
  if (n < shape.minArgs || n > shape.maxArgs) return `${event.type} with ${n} argument(s)`;
  if (shape.text !== (event.text !== undefined)) {
    return shape.text ? `${event.type} without text` : `${event.type} with text`;
  }
  return undefined;
}

/**
 * Parses one server line.
 *
 * @param line - one line, with or without its trailing `\n`
 * @returns the event, or an {@link EventParseError} saying what is wrong (never throws)
 */
export function parseEvent(line: string): ServerEvent | EventParseError {
  const body = line.endsWith('\n') ? line.slice(0, -1) : line;
  if (body.indexOf('\n') !== -1 || body.indexOf('\r') !== -1) {
    return new EventParseError('CR or LF inside a line', line);
  }
  if (body === '') return new EventParseError('empty line', line);
  const colon = body.indexOf(' :');
  const head = colon === -1 ? body : body.slice(0, colon);
  const tokens = head.split(' ');
  if (tokens.some((t) => t.length === 0)) {
    return new EventParseError('empty field (leading, trailing or double space)', line);
  }
  const [time, type, ...args] = tokens;
  if (time === undefined || parseTime(time) === undefined) {
    return new EventParseError('bad TIME', line);
  }
  if (type === undefined || !TYPE_RE.test(type)) return new EventParseError('bad TYPE', line);
  const event: ServerEvent = { time, type, args };
  if (colon !== -1) event.text = body.slice(colon + 2);
  const problem = shapeProblem(event);
  return problem === undefined ? event : new EventParseError(problem, line);
}
