/**
 * What a command handler may do to the room, and the shape of the command table. Handlers get this
 * narrow view instead of the Room class so each command file stays small and testable, and so new
 * families (admin: `/login`, `/kick`, `/ban`) plug in by adding one file and one table entry.
 */
import type { ProtocolError } from '../../protocol/errors';
import type { EventType } from '../../protocol/format';
import type { CommandKind, CommandOf } from '../../protocol/parse';
import type { Member } from '../member';

/** Chat events whose text recipients may filter. */
export type ChatEventType = 'MSG' | 'ACTION' | 'WHISPER';

/** The room as command handlers see it. */
export interface CommandRoom {
  /** The command table, for `/help`. */
  readonly commands: CommandTable;
  /** Milliseconds since the epoch, from the room's clock. */
  now(): number;
  /** The member whose nick equals `nick` ignoring case. */
  find(nick: string): Member | undefined;
  /** Members in join order. */
  members(): IterableIterator<Member>;
  /** Encodes one event and sends it to `to`. */
  send(to: Member, type: EventType, args: readonly string[], text?: string): void;
  /** Encodes one server event once and sends it to every member (never filtered). */
  broadcast(type: EventType, args: readonly string[], text?: string): void;
  /**
   * Encodes a chat event once and sends it to `recipients` (default: every member), skipping those
   * whose filters match `text`.
   */
  deliver(
    type: ChatEventType,
    args: readonly string[],
    text: string,
    recipients?: readonly Member[],
  ): void;
  /** Changes a member's nick in the index; the caller has checked it is free and valid. */
  rename(member: Member, nick: string): void;
  /** Removes a member, telling the others `QUIT <nick> :<reason>`; idempotent. */
  leave(member: Member, reason: string): void;
}

/** What a handler returns: an error to report to the sender, or `undefined` on success. */
export type Outcome = ProtocolError | undefined;

/** One command's behaviour and help. */
export interface CommandEntry<K extends CommandKind> {
  /** One-line description for `/help` (the syntax comes from the protocol's COMMAND_SYNTAX). */
  readonly summary: string;
  /** Only for admins: anyone else gets `ERROR not-permitted`, and `/help` marks it. */
  readonly admin?: boolean;
  /** Carries out the command for `member`. Never throws for bad input; returns the error. */
  run(room: CommandRoom, member: Member, command: CommandOf<K>): Outcome;
}

/** Every command kind mapped to its entry; the compiler checks none is missing. */
export type CommandTable = { readonly [K in CommandKind]: CommandEntry<K> };
