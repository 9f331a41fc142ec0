/**
 * Who gets a line: the members as parallel arrays (a broadcast walks two arrays, not each
 * Member), and the one loop that hands a line to each of them whose word filters let its text
 * through.
 */
import type { Member } from './member';
import type { Peer } from './peer';
import { isAscii, WordFilter, wordsOf } from './word-filter';

/** Recipients as parallel arrays: a broadcast touches two arrays, not each Member. */
export interface Audience {
  readonly peers: readonly Peer[];
  readonly filters: readonly WordFilter[];
  /** Whether any of them filters, as of `WordFilter.changes === version`. */
  readonly anyFilter: boolean;
  readonly version: number;
}

/** `members` as an audience, as of now: rebuilt after a join, a leave or a filter change. */
export function audienceOf(members: readonly Member[]): Audience {
  const filters = members.map((m) => m.filter);
  return {
    peers: members.map((m) => m.peer),
    filters,
    anyFilter: filters.some((f) => f.size > 0),
    version: WordFilter.changes,
  };
}

/**
 * Hands `line` to each recipient whose filters let its text through. The text is looked at
 * once, and only if someone filters; given as bytes, it is decoded only then. ASCII text (the
 * usual case) is searched for the filter words directly; other text is split into words once.
 */
export function fanOut(
  line: Buffer,
  audience: Audience,
  text: string | undefined,
  bytes?: Buffer,
  start = 0,
  end = 0,
): void {
  const { peers, filters } = audience;
  if (!audience.anyFilter) {
    for (let i = 0; i < peers.length; i++) (peers[i] as Peer).send(line);
    return;
  }
  let lower: string | undefined; // the text lower-cased, if it is ASCII
  let words: ReadonlySet<string> | undefined; // its words, if it is not
  for (let i = 0; i < peers.length; i++) {
    const filter = filters[i] as WordFilter;
    if (filter.size > 0) {
      if (lower === undefined && words === undefined) {
        const t = text ?? (bytes as Buffer).toString('utf8', start, end);
        if (isAscii(t)) lower = t.toLowerCase();
        else words = wordsOf(t);
      }
      const blocked =
        lower !== undefined
          ? filter.blocksAscii(lower)
          : filter.blocks(words as ReadonlySet<string>);
      if (blocked) continue;
    }
    (peers[i] as Peer).send(line);
  }
}
