/**
 * The input line's model: text, cursor and history, edited by pure functions so every key's
 * effect is a test away. History works like a shell's: Up walks back through sent lines, Down
 * forward, and the line being typed is kept as the newest entry until it is sent.
 */
export const MAX_HISTORY = 500;

export interface InputLine {
  readonly text: string;
  /** In UTF-16 code units, 0..text.length. */
  readonly cursor: number;
  /** Sent lines, oldest first. */
  readonly history: readonly string[];
  /** Position in history while recalling; history.length when editing a fresh line. */
  readonly recall: number;
  /** The unsent line, kept while recalling. */
  readonly draft: string;
}

export const EMPTY_INPUT: InputLine = { text: '', cursor: 0, history: [], recall: 0, draft: '' };

const at = (input: InputLine, text: string, cursor: number): InputLine => ({
  ...input,
  text,
  cursor: Math.max(0, Math.min(text.length, cursor)),
});

/** Index of the code point boundary before/after the cursor (surrogate pairs move as one). */
function stepBack(text: string, cursor: number): number {
  if (cursor <= 0) return 0;
  const low = text.charCodeAt(cursor - 1);
  return low >= 0xdc00 && low <= 0xdfff && cursor >= 2 ? cursor - 2 : cursor - 1;
}

function stepForward(text: string, cursor: number): number {
  if (cursor >= text.length) return text.length;
  const high = text.charCodeAt(cursor);
  return high >= 0xd800 && high <= 0xdbff && cursor + 2 <= text.length ? cursor + 2 : cursor + 1;
}

export function insert(input: InputLine, typed: string): InputLine {
  // Pasted newlines and other controls have no place on one line.
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const clean = typed.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\t' ? ' ' : ''));
  const { text, cursor } = input;
  return at(input, text.slice(0, cursor) + clean + text.slice(cursor), cursor + clean.length);
}

export function backspace(input: InputLine): InputLine {
  const from = stepBack(input.text, input.cursor);
  return at(input, input.text.slice(0, from) + input.text.slice(input.cursor), from);
}

export function deleteForward(input: InputLine): InputLine {
  const to = stepForward(input.text, input.cursor);
  return at(input, input.text.slice(0, input.cursor) + input.text.slice(to), input.cursor);
}

export const left = (input: InputLine): InputLine =>
  at(input, input.text, stepBack(input.text, input.cursor));
export const right = (input: InputLine): InputLine =>
  at(input, input.text, stepForward(input.text, input.cursor));
export const home = (input: InputLine): InputLine => at(input, input.text, 0);
export const end = (input: InputLine): InputLine => at(input, input.text, input.text.length);

/** Ctrl-U: delete from the start of the line to the cursor. */
export const killToStart = (input: InputLine): InputLine =>
  at(input, input.text.slice(input.cursor), 0);

/** Ctrl-K: delete from the cursor to the end. */
export const killToEnd = (input: InputLine): InputLine =>
  at(input, input.text.slice(0, input.cursor), input.cursor);

/** Ctrl-W: delete the word before the cursor (and the spaces after it). */
export function deleteWord(input: InputLine): InputLine {
  const before = input.text.slice(0, input.cursor).replace(/\S*\s*$/, '');
  return at(input, before + input.text.slice(input.cursor), before.length);
}

/** Replaces the whole line, cursor at the end. */
export const setText = (input: InputLine, text: string): InputLine => at(input, text, text.length);

function recallAt(input: InputLine, recall: number): InputLine {
  const text = recall === input.history.length ? input.draft : (input.history[recall] as string);
  return { ...setText(input, text), recall };
}

export function historyUp(input: InputLine): InputLine {
  if (input.recall === 0) return input;
  const saved = input.recall === input.history.length ? { ...input, draft: input.text } : input;
  return recallAt(saved, input.recall - 1);
}

export function historyDown(input: InputLine): InputLine {
  if (input.recall >= input.history.length) return input;
  return recallAt(input, input.recall + 1);
}

/** Enter: the line to send (undefined if blank) and a fresh input with it in history. */
export function submit(input: InputLine): { line: string | undefined; input: InputLine } {
  const line = input.text;
  if (line.trim() === '') {
    return {
      line: undefined,
      input: { ...EMPTY_INPUT, history: input.history, recall: input.history.length },
    };
  }
  const previous = input.history[input.history.length - 1];
  const grown = previous === line ? input.history : [...input.history, line];
  const history = grown.slice(Math.max(0, grown.length - MAX_HISTORY));
  return {
    line,
    input: { text: '', cursor: 0, history, recall: history.length, draft: '' },
  };
}
