/**
 * The message pane's model: the last MAX_LINES lines, and where the view is. Following (no
 * anchor) shows the newest lines; after PgUp the view is anchored to the line at its bottom, by
 * sequence number, so lines that arrive (or old ones trimmed away) never move what the reader is
 * looking at. Only the rows on screen are ever wrapped, so 10 000 lines cost nothing to keep.
 */
import type { DisplayLine, LineKind, Segment } from './display-line.js';
import { wrapLine, type Row } from './wrap.js';

export const MAX_LINES = 10_000;

export interface Scrollback {
  readonly lines: readonly DisplayLine[];
  readonly nextSeq: number;
  /** The seq of the bottom line while scrolled back; undefined while following. */
  readonly anchor: number | undefined;
  /** Lines that arrived while scrolled back, for the "more below" mark. */
  readonly unseen: number;
}

/** The pane's size in cells. */
export interface PaneSize {
  width: number;
  height: number;
}

export const EMPTY_SCROLLBACK: Scrollback = { lines: [], nextSeq: 1, anchor: undefined, unseen: 0 };

export function append(
  back: Scrollback,
  kind: LineKind,
  stamp: string,
  segments: Segment[],
  max = MAX_LINES,
): Scrollback {
  const line: DisplayLine = { seq: back.nextSeq, kind, stamp, segments };
  const kept =
    back.lines.length >= max ? back.lines.slice(back.lines.length - max + 1) : back.lines;
  const lines = [...kept, line];
  const first = (lines[0] as DisplayLine).seq;
  const anchor = back.anchor === undefined ? undefined : Math.max(back.anchor, first);
  return {
    lines,
    nextSeq: back.nextSeq + 1,
    anchor,
    unseen: anchor === undefined ? 0 : back.unseen + 1,
  };
}

/** `/clear`: nothing left to show; sequence numbers go on. */
export function clear(back: Scrollback): Scrollback {
  return { ...back, lines: [], anchor: undefined, unseen: 0 };
}

/** Index of the bottom line on screen (-1 when empty). */
function bottomIndex(back: Scrollback): number {
  if (back.anchor === undefined || back.lines.length === 0) return back.lines.length - 1;
  return back.anchor - (back.lines[0] as DisplayLine).seq;
}

const rowCount = (line: DisplayLine, width: number): number => wrapLine(line, width).length;

/** The lowest bottom index that still fills the pane (the view of the oldest lines). */
function topmostBottom(back: Scrollback, size: PaneSize): number {
  let rows = 0;
  for (let i = 0; i < back.lines.length; i++) {
    rows += rowCount(back.lines[i] as DisplayLine, size.width);
    if (rows >= size.height) return i;
  }
  return back.lines.length - 1;
}

function anchoredAt(back: Scrollback, index: number): Scrollback {
  const last = back.lines.length - 1;
  if (index >= last) return { ...back, anchor: undefined, unseen: 0 };
  return { ...back, anchor: (back.lines[index] as DisplayLine).seq };
}

/** Up by a page, less one row kept for context; never past the oldest line. */
export function pageUp(back: Scrollback, size: PaneSize): Scrollback {
  const page = Math.max(1, size.height - 1);
  let index = bottomIndex(back);
  for (let moved = 0; index > 0 && moved < page; index--) {
    moved += rowCount(back.lines[index] as DisplayLine, size.width);
  }
  return anchoredAt(back, Math.max(index, topmostBottom(back, size)));
}

/** Down by a page; reaching the newest line follows again. */
export function pageDown(back: Scrollback, size: PaneSize): Scrollback {
  if (back.anchor === undefined) return back;
  const page = Math.max(1, size.height - 1);
  let index = bottomIndex(back);
  for (let moved = 0; index < back.lines.length - 1 && moved < page;) {
    index++;
    moved += rowCount(back.lines[index] as DisplayLine, size.width);
  }
  return anchoredAt(back, index);
}

/** Back to the newest lines. */
export function follow(back: Scrollback): Scrollback {
  return { ...back, anchor: undefined, unseen: 0 };
}

/** One row on screen, and the kind of line it belongs to (for its style). */
export interface ScreenRow {
  kind: LineKind;
  seq: number;
  row: Row;
}

/** The rows on screen, top to bottom: at most `height`, ending with the bottom line's last. */
export function visibleRows(back: Scrollback, size: PaneSize): ScreenRow[] {
  const rows: ScreenRow[] = [];
  for (let i = bottomIndex(back); i >= 0 && rows.length < size.height; i--) {
    const line = back.lines[i] as DisplayLine;
    rows.unshift(
      ...wrapLine(line, size.width).map((row) => ({ kind: line.kind, seq: line.seq, row })),
    );
  }
  return rows.slice(Math.max(0, rows.length - size.height));
}
