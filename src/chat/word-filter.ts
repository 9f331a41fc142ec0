/**
 * Whole-word filters. A word is a maximal run of Unicode letters, marks, digits and `_`, compared
 * after `toLowerCase()`. Filter words are single words by construction, so "contains W as a whole
 * word" is "W is one of the text's words", which needs the text's words once per message no matter
 * how many recipients filter.
 */
import { MAX_FILTER_WORD_LENGTH } from '../protocol/limits';

const WORD_RE = /[\p{L}\p{M}\p{N}_]+/gu;
const ONE_WORD_RE = /^[\p{L}\p{M}\p{N}_]+$/u;

/** The set of lower-cased words in `text`; computed lazily, only when a recipient filters. */
export function wordsOf(text: string): ReadonlySet<string> {
  return new Set(text.toLowerCase().match(WORD_RE));
}

/** Length in characters (code points), not UTF-16 units: `𝐀` is one letter. */
function characters(word: string): number {
  return word.length <= MAX_FILTER_WORD_LENGTH ? word.length : [...word].length;
}

/** The stored form of a filter word, or `undefined` if `word` is not one word. */
export function normalizeFilterWord(word: string): string | undefined {
  if (characters(word) > MAX_FILTER_WORD_LENGTH || !ONE_WORD_RE.test(word)) return undefined;
  return word.toLowerCase();
}

/** True for an ASCII letter, digit or `_`: what a word is made of in ASCII text. */
function isAsciiWordChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || (c >= 0x41 && c <= 0x5a)
  );
}

/** True if `word` is one of the words of `lower`, a lower-cased ASCII text (no split needed). */
function isWordOfAscii(lower: string, word: string): boolean {
  for (let at = lower.indexOf(word); at !== -1; at = lower.indexOf(word, at + 1)) {
    const end = at + word.length;
    const before = at > 0 && isAsciiWordChar(lower.charCodeAt(at - 1));
    const after = end < lower.length && isAsciiWordChar(lower.charCodeAt(end));
    if (!before && !after) return true;
  }
  return false;
}

/** True if every character of `text` is ASCII. */
export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The per-member filter list. */
export class WordFilter {
  static #changes = 0;
  readonly #words = new Set<string>();
  #size = 0; // the Set's size, one load nearer: broadcasts read it for every recipient

  /**
   * Counts every change to any filter in the process: a room that caches who filters (so that a
   * broadcast nobody filters skips the per-recipient check) knows when to look again.
   */
  static get changes(): number {
    return WordFilter.#changes;
  }

  /** Number of filter words. */
  get size(): number {
    return this.#size;
  }

  /** Filter words in the order they were added, lower-cased. */
  list(): string[] {
    return [...this.#words];
  }

  /** True if the normalized `word` is a filter word. */
  has(word: string): boolean {
    return this.#words.has(word);
  }

  /** Adds a normalized word (see {@link normalizeFilterWord}). */
  add(word: string): void {
    this.#words.add(word);
    this.#size = this.#words.size;
    WordFilter.#changes++;
  }

  /** Removes a normalized word; false if it was not there. */
  remove(word: string): boolean {
    const removed = this.#words.delete(word);
    this.#size = this.#words.size;
    WordFilter.#changes++;
    return removed;
  }

  /**
   * `blocks(wordsOf(text))` for an ASCII `text` given lower-cased, without splitting it into
   * words: a few `indexOf` calls instead of a regex and a Set per message.
   */
  blocksAscii(lower: string): boolean {
    for (const w of this.#words) if (isWordOfAscii(lower, w)) return true;
    return false;
  }

  /** True if any filter word is among `words` (see {@link wordsOf}). */
  blocks(words: ReadonlySet<string>): boolean {
    for (const w of this.#words) if (words.has(w)) return true;
    return false;
  }
}
