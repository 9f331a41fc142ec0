/**
 * Reading a rendered frame the way a terminal would: its plain text, and which SGR attributes
 * (colours, bold, ...) are in force at a given piece of text.
 */
// eslint-disable-next-line no-control-regex -- an escape sequence is what it matches
const SGR = /\u001b\[([\d;]*)m/y;

/** Codes that switch an attribute off, and the codes they cancel. */
const isForeground = (c: number): boolean => (c >= 30 && c <= 37) || (c >= 90 && c <= 97);
const isBackground = (c: number): boolean => (c >= 40 && c <= 47) || (c >= 100 && c <= 107);

const RESETS: Readonly<Record<number, (code: number) => boolean>> = {
  22: (c) => c === 1 || c === 2,
  23: (c) => c === 3,
  24: (c) => c === 4,
  27: (c) => c === 7,
  39: isForeground,
  49: isBackground,
};

/** The codes in force after `code`: a colour replaces the colour before it, as on a terminal. */
function apply(active: number[], code: number): number[] {
  if (code === 0) return [];
  const reset = RESETS[code];
  if (reset !== undefined) return active.filter((c) => !reset(c));
  const replaces = isForeground(code)
    ? isForeground
    : isBackground(code)
      ? isBackground
      : (c: number) => c === code;
  return [...active.filter((c) => !replaces(c)), code];
}

interface Styled {
  plain: string;
  /** The codes in force at each character of `plain`. */
  codes: number[][];
}

function walk(frame: string): Styled {
  let active: number[] = [];
  let plain = '';
  const codes: number[][] = [];
  for (let i = 0; i < frame.length;) {
    SGR.lastIndex = i;
    const match = SGR.exec(frame);
    if (match !== null) {
      for (const code of (match[1] || '0').split(';').map(Number)) active = apply(active, code);
      i = SGR.lastIndex;
      continue;
    }
    plain += frame[i];
    codes.push(active);
    i++;
  }
  return { plain, codes };
}

export function plain(frame: string): string {
  return walk(frame).plain;
}

/** The SGR codes in force at the first character of `text` in `frame` (or `skip` after it). */
export function codesAt(frame: string, text: string, skip = 0): number[] {
  const { plain: text_, codes } = walk(frame);
  const found = text_.indexOf(text);
  const at = found === -1 ? -1 : found + skip;
  if (at === -1) throw new Error(`${JSON.stringify(text)} is not on screen:\n${text_}`);
  return [...(codes[at] as number[])].sort((a, b) => a - b);
}

export const SGR_CODES = {
  bold: 1,
  dim: 2,
  italic: 3,
  underline: 4,
  red: 31,
  green: 32,
  yellow: 33,
  cyan: 36,
  white: 37,
  gray: 90,
  redBright: 91,
  blueBright: 94,
  bgRed: 41,
} as const;
