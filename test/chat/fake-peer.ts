/**
 * Test doubles for the room: an in-memory Peer that records what it is sent, a settable clock,
 * and a harness that checks every received line against the protocol's grammar.
 */
import type { Moderation } from '../../src/chat/commands/moderation';
import type { Peer } from '../../src/chat/peer';
import { Room, type RoomOptions } from '../../src/chat/room';
import type { Member } from '../../src/chat/member';
import { EventParseError, parseEvent, type ServerEvent } from '../../src/protocol/event-parser';

/** Records sent Buffers and close calls. */
export class FakePeer implements Peer {
  readonly sent: Buffer[] = [];
  readonly closes: string[] = [];
  #taken = 0;

  constructor(
    readonly remoteAddress = '127.0.0.1',
    readonly remotePort = 40000,
    readonly secure = false,
  ) {}

  send(line: Buffer): void {
    this.sent.push(line);
  }

  close(reason: string): void {
    this.closes.push(reason);
  }

  /** Events received since the last call, each checked to be exactly one well-formed line. */
  takeEvents(): ServerEvent[] {
    const fresh = this.sent.slice(this.#taken);
    this.#taken = this.sent.length;
    return fresh.map((buf) => {
      const s = buf.toString('utf8');
      expect(s.endsWith('\n') && s.indexOf('\n') === s.length - 1).toBe(true);
      const event = parseEvent(s);
      if (event instanceof EventParseError) throw event;
      return event;
    });
  }
}

/** A connected test client: its peer and its member. */
export interface Conn {
  peer: FakePeer;
  member: Member;
}

/** The fixed start time of every test clock. */
export const T0 = '2026-11-24T16:55:58.414Z';

/** A room with a settable clock and helpers to connect peers and read what they got. */
export class Harness {
  ms = Date.parse(T0);
  readonly room: Room;

  /**
   * @param moderation - the room's admin accounts and bans (default: none)
   * @param onInternalError - told of a line that threw (default: the room's, stderr)
   */
  constructor(moderation?: Moderation, onInternalError?: RoomOptions['onInternalError']) {
    this.room = new Room({
      now: () => new Date(this.ms),
      welcome: 'hello there',
      moderation,
      onInternalError,
    });
  }

  /** The TIME field the clock shows now. */
  get time(): string {
    return new Date(this.ms).toISOString();
  }

  /** Joins a fresh peer and discards its WELCOME (and the others' JOIN lines). */
  connect(peer = new FakePeer()): Conn {
    const member = this.room.join(peer);
    this.drain();
    return { peer, member };
  }

  /** Lines received since the last take, as `TYPE ARG ... :TEXT` (time checked, then dropped). */
  take(peer: FakePeer): string[] {
    return peer.takeEvents().map((e) => {
      expect(e.time).toBe(this.time);
      const head = [e.type, ...e.args].join(' ');
      return e.text === undefined ? head : `${head} :${e.text}`;
    });
  }

  /** Forgets what every connected peer has received so far. */
  drain(): void {
    for (const m of this.room.members()) (m.peer as FakePeer).takeEvents();
  }
}
