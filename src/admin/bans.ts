/**
 * The bans in force: one per target, expired ones dropped as they are met. The file,
 * `<data-dir>/bans`, has one ban per line in the form `/bans` shows it:
 *
 *     <target> <by> <set-at> <until|permanent> :<reason>
 *
 * Lookups on connect are map probes for single addresses, IPv6 users' /64s and nick names, and
 * a scan of the other ranges only.
 */
import path from 'node:path';

import { banArgs, type BanEntry } from '../chat/commands/moderation';
import { parseTime } from '../protocol/event-parser';
import { parseRecords, splitWord } from './data-file';
import {
  isUserBlock,
  parseAddress,
  parseBanTarget,
  spell,
  targetMatches,
  userBlockTarget,
  type BanTarget,
} from './ban-target';

/** Where the bans live. */
export function bansFile(dataDir: string): string {
  return path.join(dataDir, 'bans');
}

/** Most bans kept: each change rewrites the file, and each connect may scan the ranges. */
export const MAX_BANS = 10_000;

/** A ban but its target. */
export type BanFields = Pick<BanEntry, 'by' | 'setAt' | 'until' | 'reason'>;

/** One ban. */
export class Ban implements BanEntry {
  readonly parsed: BanTarget;
  readonly by: string;
  readonly setAt: number;
  readonly until: number | undefined;
  readonly reason: string;

  constructor(target: BanTarget, fields: BanFields) {
    this.parsed = target;
    ({ by: this.by, setAt: this.setAt, until: this.until, reason: this.reason } = fields);
  }

  get target(): string {
    return this.parsed.text;
  }

  matches(address: string, nick: string): boolean {
    return targetMatches(this.parsed, parseAddress(address), nick);
  }

  expired(now: number): boolean {
    return this.until !== undefined && this.until <= now;
  }

  /** Its line in the file: its `BANS` line without TIME and TYPE. */
  toLine(): string {
    return `${banArgs(this).join(' ')} :${this.reason}`;
  }
}

const ARG_RE = /^[^\s:]\S*$/;

/** One line of the file; see the module comment. */
export function parseBanLine(text: string): Ban | string {
  const [targetText, afterTarget] = splitWord(text);
  const [by, afterBy] = splitWord(afterTarget);
  const [setAtText, afterSetAt] = splitWord(afterBy);
  const [untilText, reasonText] = splitWord(afterSetAt);
  const target = parseBanTarget(targetText);
  if (typeof target === 'string') return target;
  if (!ARG_RE.test(by)) return `bad "by" ${JSON.stringify(by)}`;
  const setAt = parseTime(setAtText);
  if (setAt === undefined) return `bad set-at time ${JSON.stringify(setAtText)}`;
  const until = untilText === 'permanent' ? undefined : parseTime(untilText);
  if (until === undefined && untilText !== 'permanent') {
    return `bad until ${JSON.stringify(untilText)}: a time or permanent`;
  }
  if (!reasonText.startsWith(':')) return 'the reason must follow " :"';
  return new Ban(target, { by, setAt, until, reason: reasonText.slice(1) });
}

export class BanList {
  readonly #now: () => number;
  /** Every ban by target, oldest first. */
  readonly #bans = new Map<string, Ban>();
  readonly #ranges = new Set<Ban>();
  /** Called after every change (added, lifted, expired): the owner saves the list. */
  onChange: () => void = () => undefined;

  constructor(now: () => number = Date.now, bans: Ban[] = []) {
    this.#now = now;
    for (const ban of bans) this.add(ban);
  }

  /** The bans of a file's bytes (see parseBanLine); a bad line is a DataFileError. */
  static parse(file: string, data: Buffer, now: () => number = Date.now): BanList {
    return new BanList(
      now,
      parseRecords(file, data, parseBanLine, (b) => `ban on ${b.target}`),
    );
  }

  get size(): number {
    return this.#bans.size;
  }

  /** Puts `ban` in force, replacing any ban on the same target; false if the list is full. */
  add(ban: Ban): boolean {
    const old = this.#bans.get(ban.target);
    if (old === undefined && this.#bans.size >= MAX_BANS) return false;
    if (old !== undefined) this.#delete(old);
    this.#bans.set(ban.target, ban);
    // A user's /64 is found by one probe, like an address; the other ranges are scanned.
    if (ban.parsed.kind === 'range' && !isUserBlock(ban.parsed)) this.#ranges.add(ban);
    this.onChange();
    return true;
  }

  /** Lifts the ban on exactly `target` (canonical); the ban, if there was one. */
  remove(target: string): Ban | undefined {
    const ban = this.#bans.get(target);
    if (ban !== undefined && this.#delete(ban)) this.onChange();
    return ban;
  }

  /** Drops expired bans; true if there were any. */
  prune(): boolean {
    const now = this.#now();
    let pruned = false;
    for (const ban of this.#bans.values()) {
      if (ban.expired(now)) pruned = this.#delete(ban) || pruned;
    }
    if (pruned) this.onChange();
    return pruned;
  }

  /** The bans in force, oldest first. */
  list(): Ban[] {
    this.prune();
    return [...this.#bans.values()];
  }

  /** The ban in force on an address (on the address first, then its user's /64, then ranges). */
  forAddress(text: string): Ban | undefined {
    const address = parseAddress(text);
    if (address === undefined) return undefined;
    const exact = this.#live(this.#bans.get(spell(address)));
    if (exact !== undefined) return exact;
    const block = userBlockTarget(address);
    const user = block === undefined ? undefined : this.#live(this.#bans.get(block));
    if (user !== undefined) return user;
    for (const ban of this.#ranges) {
      if (targetMatches(ban.parsed, address, '') && this.#live(ban)) return ban;
    }
    return undefined;
  }

  /** The ban in force on a nick. */
  forNick(nick: string): Ban | undefined {
    const target = parseBanTarget(`nick:${nick}`);
    return typeof target === 'string' ? undefined : this.#live(this.#bans.get(target.text));
  }

  /** The file's content. */
  serialize(): string {
    const lines = this.list().map((ban) => ban.toLine() + '\n');
    return (
      '# selectchat bans, one per line: <target> <by> <set-at> <until|permanent> :<reason>\n' +
      lines.join('')
    );
  }

  /** `ban` unless it has expired (then it is dropped). */
  #live(ban: Ban | undefined): Ban | undefined {
    if (ban === undefined || !ban.expired(this.#now())) return ban;
    if (this.#delete(ban)) this.onChange();
    return undefined;
  }

  #delete(ban: Ban): boolean {
    this.#ranges.delete(ban);
    return this.#bans.delete(ban.target);
  }
}
