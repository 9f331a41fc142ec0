/**
 * Long lines wrap at the pane's width: at a space where there is one, inside a word where there
 * is not, with continuation rows indented past the time stamp. Widths are terminal cells
 * (string-width), so CJK and emoji take two.
 */
import stringWidth from 'string-width';

import type { DisplayLine, Segment } from './display-line.js';

/** One screen row: segments that fit the width. */
export type Row = Segment[];

interface Cell {
  text: string;
  width: number;
  /** Index into the line's segments. */
  from: number;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Printable ASCII: one cell per character, no grapheme segmentation needed (the usual case). */
const ASCII = /^[\x20-\x7e]*$/;

function cellsOf(segments: readonly Segment[]): Cell[] {
  const cells: Cell[] = [];
  segments.forEach((segment, from) => {
    if (ASCII.test(segment.text)) {
      for (const text of segment.text) cells.push({ text, width: 1, from });
      return;
    }
    for (const { segment: text } of graphemes.segment(segment.text)) {
      cells.push({ text, width: text === '\t' ? 1 : stringWidth(text), from });
    }
  });
  return cells;
}

/** Consecutive cells of one segment back into segments. */
function rowOf(cells: readonly Cell[], segments: readonly Segment[]): Row {
  const row: Row = [];
  let last = -1;
  for (const cell of cells) {
    const text = cell.text === '\t' ? ' ' : cell.text;
    if (cell.from === last) {
      (row[row.length - 1] as Segment).text += text;
    } else {
      row.push({ ...(segments[cell.from] as Segment), text });
      last = cell.from;
    }
  }
  return row;
}

/**
 * Where the row starting at `start` ends, and where the next begins: after its last space past
 * `floor` if it has one (the space stays at the row's end), at the edge inside a word if not.
 */
function breakAt(
  cells: readonly Cell[],
  start: number,
  width: number,
  floor: number,
): [number, number] {
  let used = 0;
  let end = start;
  while (end < cells.length && used + (cells[end] as Cell).width <= width) {
    used += (cells[end] as Cell).width;
    end++;
  }
  if (end === cells.length) return [end, end];
  if (end === start) return [start + 1, start + 1]; // a cell wider than the row: a row of its own
  if ((cells[end] as Cell).text === ' ') return [end, end + 1];
  for (let space = end - 1; space > Math.max(start, floor); space--) {
    if ((cells[space] as Cell).text === ' ') return [space + 1, space + 1];
  }
  return [end, end];
}

/** Lines never change, so each keeps its rows for the last width it was drawn at. */
const wrapped = new WeakMap<DisplayLine, { width: number; rows: Row[] }>();

/** The rows of `line` at `width` columns (at least one row, even for an empty line). */
export function wrapLine(line: DisplayLine, width: number): Row[] {
  const cached = wrapped.get(line);
  if (cached?.width === width) return cached.rows;
  const rows = wrapSegments(line, width);
  wrapped.set(line, { width, rows });
  return rows;
}

function wrapSegments(line: DisplayLine, width: number): Row[] {
  const head: Segment[] = [{ text: line.stamp, stamp: true }, { text: ' ' }];
  const segments = [...head, ...line.segments];
  const cells = cellsOf(segments);
  const floor = cellsOf(head).length - 1;
  const indent = stringWidth(line.stamp) + 1;
  // Indent continuation rows only where that still leaves room for text.
  const pad = width - indent >= 10 ? indent : 0;
  const rows: Row[] = [];
  let start = 0;
  while (start < cells.length || rows.length === 0) {
    const room = rows.length === 0 ? width : width - pad;
    // The space after the stamp is no place to break: the first row would hold nothing else.
    const [end, next] = breakAt(cells, start, Math.max(1, room), floor);
    const row = rowOf(cells.slice(start, end), segments);
    rows.push(rows.length === 0 || pad === 0 ? row : [{ text: ' '.repeat(pad) }, ...row]);
    start = next;
  }
  return rows;
}
