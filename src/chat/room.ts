/**
 * The chat room: members, their unique nicks, and who gets which event. It talks to connections
 * only through {@link Peer}, so it knows nothing of sockets, TLS or the loop; the transport calls
 * `join`, `handleLine`, `reportError` and `leave`.
 *
 * Broadcasts encode each event once and hand the same Buffer to every recipient. A chat message
 * costs one parse, one encode and one pass over the members; filters add one word split per
 * message, and only when some recipient has filters.
 */
import { ProtocolError } from '../protocol/errors';
import { EventFormatter, type EventType } from '../protocol/format';
import { GUEST_NICK_PREFIX } from '../protocol/limits';
import { nickKey } from '../protocol/nick';
import { parseCommand, startsPlainText } from '../protocol/parse';
import { commandTable, COMMANDS, runCommand } from './commands/command-table';
import { audienceOf, fanOut, type Audience } from './audience';
import type { ChatEventType, CommandRoom, CommandTable } from './commands/context';
import { NO_MODERATION, type Moderation } from './commands/moderation';
import type { StatsSource } from './commands/stats';
import { Member } from './member';
import type { Peer } from './peer';
import { WordFilter } from './word-filter';

/** Options for {@link Room}. */
export interface RoomOptions {
  /** The clock for event times, WHOIS `since` and `idle`; tests inject a fixed one. */
  now?: () => Date;
  /** Text of the `WELCOME` line every newcomer gets. */
  welcome?: string;
  /** Admin accounts and bans (default: none, so no admin commands can run). */
  moderation?: Moderation;
  /** What `/stats` reports (default: nothing). */
  stats?: StatsSource;
  /**
   * Told of an exception thrown while carrying out a member's line: a bug, since handlers return
   * errors for bad input. Default: its stack on stderr. The member gets `ERROR internal-error`.
   */
  onInternalError?: (error: unknown, member: Member) => void;
}

/** Sent to everyone by {@link Room.shutdown}, and the reason its closes carry. */
export const SHUTDOWN_TEXT = 'server shutting down';

const DEFAULT_WELCOME = 'welcome to selectchat; /help lists the commands, /nick <name> renames you';

const INTERNAL_ERROR = new ProtocolError(
  'internal-error',
  'the server failed to carry out that line (a bug, now in its log); it was dropped',
);

function printInternalError(error: unknown): void {
  process.stderr.write(`internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
}

/** One chat room. */
export class Room implements CommandRoom {
  /** The command table `handleLine` dispatches through and `/help` describes. */
  readonly commands: CommandTable;
  // Insertion order is join order, which USERS reports.
  readonly #members = new Set<Member>();
  readonly #byNick = new Map<string, Member>();
  // Everyone, as arrays for broadcasts (faster to walk than the Set); rebuilt after a change.
  #everyone: Audience | undefined;
  readonly #clock: () => number;
  readonly #formatter: EventFormatter;
  readonly #welcome: string;
  readonly #moderation: Moderation;
  readonly #onInternalError: (error: unknown, member: Member) => void;
  #nextGuest = 1;
  #closing = false;

  constructor(options: RoomOptions = {}) {
    const now = options.now;
    // Date.now avoids a Date allocation per event when no test clock is injected.
    this.#clock = now === undefined ? Date.now : () => now().getTime();
    this.#formatter = new EventFormatter(this.#clock);
    this.#welcome = options.welcome ?? DEFAULT_WELCOME;
    this.#moderation = options.moderation ?? NO_MODERATION;
    this.#onInternalError = options.onInternalError ?? printInternalError;
    this.commands =
      options.moderation === undefined && options.stats === undefined
        ? COMMANDS
        : commandTable(this.#moderation, options.stats);
  }

  /** Number of members. */
  get size(): number {
    return this.#members.size;
  }

  /**
   * Adds a connection under a fresh `guest-N` nick: it gets `WELCOME <nick> :<text>`, everyone
   * else `JOIN <nick>`. After {@link shutdown} it gets the shutdown notice and is closed instead.
   */
  join(peer: Peer): Member {
    const member = new Member(peer, this.#guestNick(), this.#clock());
    if (this.#closing) {
      member.markGone();
      this.send(member, 'INFO', [], SHUTDOWN_TEXT);
      peer.close(SHUTDOWN_TEXT);
      return member;
    }
    this.#members.add(member);
    this.#everyone = undefined;
    this.#byNick.set(nickKey(member.nick), member);
    this.send(member, 'WELCOME', [member.nick], this.#welcome);
    this.#sendAll(this.#formatter.format('JOIN', [member.nick]), member);
    return member;
  }

  /**
   * Carries out one decoded line from `member`: a command, or text to say. Errors go back to the
   * member as one `ERROR` line. Blank lines, and lines from a member that has left, are ignored.
   * Never throws: every client line enters the chat here, so this is where a bug that one line
   * hits (a handler or the formatter throwing) is caught, reported, and kept from the others.
   */
  handleLine(member: Member, line: string): void {
    if (!member.present) return;
    try {
      const command = parseCommand(line);
      if (command === null) return;
      member.lastActiveAt = this.#clock();
      const outcome =
        command instanceof ProtocolError
          ? command
          : runCommand(this.commands, this, member, command);
      if (outcome !== undefined) this.reportError(member, outcome);
    } catch (error) {
      this.#internalError(member, error);
    }
  }

  /**
   * {@link handleLine} for a line the transport framed as clean: valid UTF-8 without control
   * characters, given as its bytes `[start, end)` (valid only during the call). Plain text, the
   * bulk of any chat, is said exactly as `/say` would say it, but its bytes are copied into the
   * `MSG` line instead of being decoded and encoded again; anything else (a command, a line
   * starting with a blank) takes `handleLine`.
   */
  handleLineBytes(member: Member, bytes: Buffer, start: number, end: number): void {
    if (!member.present) return;
    if (!startsPlainText(bytes[start])) {
      this.handleLine(member, bytes.toString('utf8', start, end));
      return;
    }
    try {
      const now = this.#clock();
      member.lastActiveAt = now;
      const line = this.#formatter.formatBytes(now, 'MSG', member.nick, bytes, start, end);
      fanOut(line, this.#audience(), undefined, bytes, start, end);
    } catch (error) {
      this.#internalError(member, error); // as in handleLine: one line's bug stays its own
    }
  }

  /** Sends `ERROR <code> :<message>` to `member` (e.g. `line-too-long` from the framer). */
  reportError(member: Member, error: ProtocolError): void {
    if (member.present) this.send(member, 'ERROR', [error.code], error.message);
  }

  /**
   * Removes `member`; everyone else gets `QUIT <nick> :<reason>` (not during shutdown, when they
   * are all leaving). Idempotent, so the transport may call it after `/quit` already did.
   */
  leave(member: Member, reason: string): void {
    if (!member.present) return;
    member.markGone();
    this.#members.delete(member);
    this.#everyone = undefined;
    this.#byNick.delete(nickKey(member.nick));
    if (!this.#closing) this.broadcast('QUIT', [member.nick], reason);
  }

  /** Sends every member `INFO :server shutting down`, then closes its peer. */
  shutdown(): void {
    this.#closing = true;
    const line = this.#formatter.format('INFO', [], SHUTDOWN_TEXT);
    // Copied first: a transport may call leave() from close(), shrinking the set.
    for (const member of [...this.#members]) {
      member.peer.send(line);
      member.peer.close(SHUTDOWN_TEXT);
    }
  }

  /** {@inheritDoc CommandRoom.now} */
  now(): number {
    return this.#clock();
  }

  /** {@inheritDoc CommandRoom.find} */
  find(nick: string): Member | undefined {
    return this.#byNick.get(nickKey(nick));
  }

  /** {@inheritDoc CommandRoom.members} */
  members(): IterableIterator<Member> {
    return this.#members.values();
  }

  /** {@inheritDoc CommandRoom.send} */
  send(to: Member, type: EventType, args: readonly string[], text?: string): void {
    to.peer.send(this.#formatter.format(type, args, text));
  }

  /** {@inheritDoc CommandRoom.broadcast} */
  broadcast(type: EventType, args: readonly string[], text?: string): void {
    this.#sendAll(this.#formatter.format(type, args, text));
  }

  /** {@inheritDoc CommandRoom.deliver} */
  deliver(
    type: ChatEventType,
    args: readonly string[],
    text: string,
    recipients?: readonly Member[],
  ): void {
    const line = this.#formatter.format(type, args, text);
    fanOut(line, recipients ? audienceOf(recipients) : this.#audience(), text);
  }

  #audience(): Audience {
    const everyone = this.#everyone;
    if (everyone !== undefined && everyone.version === WordFilter.changes) return everyone;
    return (this.#everyone = audienceOf([...this.#members]));
  }

  /** {@inheritDoc CommandRoom.rename} */
  rename(member: Member, nick: string): void {
    this.#byNick.delete(nickKey(member.nick));
    member.setNick(nick);
    this.#byNick.set(nickKey(nick), member);
  }

  /** A line threw: tell the owner (it logs the stack) and the member, and carry on. */
  #internalError(member: Member, error: unknown): void {
    try {
      this.#onInternalError(error, member);
      this.reportError(member, INTERNAL_ERROR);
    } catch {
      // Reporting failed too: nothing more can be done for this line, and the others go on.
    }
  }

  /** Sends one encoded line to every member but `except`. */
  #sendAll(line: Buffer, except?: Member): void {
    const skip = except?.peer;
    for (const peer of this.#audience().peers) if (peer !== skip) peer.send(line);
  }

  /**
   * The next `guest-N` nobody uses and no ban forbids; N only grows, so a name is not handed out
   * twice.
   */
  #guestNick(): string {
    let nick: string;
    do nick = GUEST_NICK_PREFIX + this.#nextGuest++;
    while (this.#byNick.has(nickKey(nick)) || this.#moderation.nickBan(nick) !== undefined);
    return nick;
  }
}
