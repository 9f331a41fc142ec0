/**
 * How each kind of line looks. Kept apart from the components so the palette can be read (and
 * changed) in one place; colours are ink's (chalk's) names.
 */
import type { TextProps } from 'ink';

import type { LineKind, Segment } from '../display-line.js';
import { nickColour } from '../nick-colour.js';

type Look = Pick<
  TextProps,
  'color' | 'backgroundColor' | 'bold' | 'italic' | 'dimColor' | 'underline'
>;

export const LINE_LOOKS: Readonly<Record<LineKind, Look>> = {
  message: {},
  action: { italic: true },
  whisper: { color: 'yellow' },
  join: { color: 'green' },
  quit: { color: 'gray' },
  rename: { color: 'cyan' },
  kick: { color: 'red', bold: true },
  ban: { color: 'redBright', bold: true },
  error: { color: 'red' },
  info: { color: 'blueBright' },
  notice: { color: 'yellow', bold: true },
  alert: { color: 'white', backgroundColor: 'red', bold: true },
  raw: { dimColor: true },
};

/** A segment's look inside a line: nicks in their colour, the stamp dim. */
export function segmentLook(segment: Segment): Look {
  if (segment.stamp === true) return { dimColor: true };
  if (segment.nick !== undefined) return { color: nickColour(segment.nick), bold: true };
  return {};
}
