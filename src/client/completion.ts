/**
 * Tab completion of the word before the cursor: a command at the start of the line, a nick
 * anywhere (followed by `: ` at the start of the line, as IRC clients do). Tab again cycles
 * through the other matches; any other key ends the cycle.
 */
import { COMMAND_SYNTAX } from '../protocol/parse.js';
import { CLIENT_COMMANDS } from './client-command.js';
import { setText, type InputLine } from './input-line.js';

/**
 * The server's commands (the protocol's own table, which `/help` lists too, so a command the
 * server gains is completed without a change here) and the client's; admin commands are refused
 * by the server if not. Aliases (`/?`) are left out: nobody needs a one-letter name completed.
 */
export const COMMANDS: readonly string[] = [
  ...new Set([...Object.keys(COMMAND_SYNTAX), ...CLIENT_COMMANDS].map((name) => `/${name}`)),
].sort();

/** A cycle in progress: what was typed, and which match is shown. */
export interface Completing {
  readonly start: number;
  readonly matches: readonly string[];
  readonly index: number;
  /** The text after the cursor, untouched while cycling. */
  readonly rest: string;
}

function matchesFor(word: string, atStart: boolean, nicks: readonly string[]): string[] {
  const lower = word.toLowerCase();
  if (atStart && word.startsWith('/')) {
    return COMMANDS.filter((command) => command.startsWith(lower)).map((c) => c + ' ');
  }
  const suffix = atStart ? ': ' : ' ';
  return nicks
    .filter((nick) => nick.toLowerCase().startsWith(lower))
    .sort((a, b) => a.localeCompare(b))
    .map((nick) => nick + suffix);
}

function shown(input: InputLine, completing: Completing): InputLine {
  const before =
    input.text.slice(0, completing.start) + (completing.matches[completing.index] as string);
  return { ...setText(input, before + completing.rest), cursor: before.length };
}

/** Tab: the input with the next match, and the cycle to continue (undefined: no match). */
export function complete(
  input: InputLine,
  completing: Completing | undefined,
  nicks: readonly string[],
): { input: InputLine; completing: Completing | undefined } {
  if (completing !== undefined) {
    const next = { ...completing, index: (completing.index + 1) % completing.matches.length };
    return { input: shown(input, next), completing: next };
  }
  const before = input.text.slice(0, input.cursor);
  const start = before.search(/\S*$/);
  const word = before.slice(start);
  const matches = matchesFor(word, before.slice(0, start).trim() === '', nicks);
  if (matches.length === 0) return { input, completing: undefined };
  const started: Completing = { start, matches, index: 0, rest: input.text.slice(input.cursor) };
  return { input: shown(input, started), completing: started };
}
