import type { DisplayLine } from '../../../src/client/display-line.js';
import {
  append,
  clear,
  EMPTY_SCROLLBACK,
  MAX_LINES,
  pageDown,
  pageUp,
  visibleRows,
  type Scrollback,
} from '../../../src/client/scrollback.js';
import { wrapLine } from '../../../src/client/wrap.js';

const SIZE = { width: 40, height: 5 };

function filled(count: number, max = MAX_LINES): Scrollback {
  let back = EMPTY_SCROLLBACK;
  for (let i = 1; i <= count; i++)
    back = append(back, 'message', '12:00:00', [{ text: `line ${i}` }], max);
  return back;
}

/** The text of each row on screen. */
const screen = (back: Scrollback): string[] =>
  visibleRows(back, SIZE).map(({ row }) => row.map((s) => s.text).join(''));

test('follows the newest lines, a page at a time', () => {
  const back = filled(20);
  expect(screen(back)).toEqual([16, 17, 18, 19, 20].map((n) => `12:00:00 line ${n}`));
});

test('PgUp moves a page less one row; PgDn comes back and follows again', () => {
  let back = pageUp(filled(20), SIZE);
  expect(screen(back).at(-1)).toBe('12:00:00 line 16');
  back = pageUp(back, SIZE);
  expect(screen(back).at(-1)).toBe('12:00:00 line 12');
  back = pageDown(back, SIZE);
  expect(screen(back).at(-1)).toBe('12:00:00 line 16');
  back = pageDown(back, SIZE);
  expect(back.anchor).toBeUndefined();
  expect(screen(back).at(-1)).toBe('12:00:00 line 20');
});

test('new lines do not move a view that is scrolled back, and are counted', () => {
  let back = pageUp(filled(20), SIZE);
  const before = screen(back);
  for (let i = 0; i < 3; i++) back = append(back, 'message', '12:00:01', [{ text: 'news' }]);
  expect(screen(back)).toEqual(before);
  expect(back.unseen).toBe(3);
  back = pageDown(pageDown(back, SIZE), SIZE);
  expect(back.unseen).toBe(0);
  expect(screen(back).at(-1)).toBe('12:00:01 news');
});

test('keeps 10 000 lines and reaches the first of them; older ones go', () => {
  let back = filled(MAX_LINES + 50);
  expect(back.lines).toHaveLength(MAX_LINES);
  expect((back.lines[0] as DisplayLine).segments[0]?.text).toBe('line 51');
  for (let i = 0; i < MAX_LINES; i++) back = pageUp(back, SIZE);
  expect(screen(back)[0]).toBe('12:00:00 line 51');
  expect(pageUp(back, SIZE)).toEqual(back); // the top stays the top
});

test('an anchored line that is trimmed away leaves the view at the oldest line', () => {
  let back = pageUp(pageUp(filled(12, 12), SIZE), SIZE);
  for (let i = 0; i < 12; i++) back = append(back, 'message', '12:00:01', [{ text: 'x' }], 12);
  expect(back.anchor).toBe((back.lines[0] as DisplayLine).seq);
});

test('a pane with less than a page does not scroll; /clear empties it', () => {
  const back = filled(3);
  expect(pageUp(back, SIZE).anchor).toBeUndefined();
  expect(screen(clear(back))).toEqual([]);
  expect(append(clear(back), 'message', 't', []).lines[0]?.seq).toBe(4);
});

test('wrapped lines count as the rows they take', () => {
  let back = filled(10);
  back = append(back, 'message', '12:00:00', [{ text: 'word '.repeat(20) }]);
  const rows = wrapLine(back.lines.at(-1) as DisplayLine, SIZE.width);
  expect(rows.length).toBeGreaterThan(2);
  expect(screen(back)).toHaveLength(SIZE.height);
  back = pageUp(back, SIZE);
  expect(screen(back).at(-1)).toBe('12:00:00 line 10');
});
