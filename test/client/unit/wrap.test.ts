import type { DisplayLine, Segment } from '../../../src/client/display-line.js';
import { wrapLine } from '../../../src/client/wrap.js';

const line = (segments: Segment[]): DisplayLine => ({
  seq: 1,
  kind: 'message',
  stamp: '12:34:56',
  segments,
});
const texts = (rows: Segment[][]): string[] => rows.map((row) => row.map((s) => s.text).join(''));

test('a short line is one row: the stamp, a space, the text', () => {
  expect(texts(wrapLine(line([{ text: 'hi' }]), 40))).toEqual(['12:34:56 hi']);
});

test('long lines break at spaces, continuation rows indented past the stamp', () => {
  const rows = texts(wrapLine(line([{ text: 'the quick brown fox jumps over the lazy dog' }]), 30));
  expect(rows).toEqual([
    '12:34:56 the quick brown fox ',
    '         jumps over the lazy ',
    '         dog',
  ]);
  for (const row of rows) expect(row.length).toBeLessThanOrEqual(30);
});

test('a word longer than a row breaks at the edge and goes on in the next rows', () => {
  const rows = texts(wrapLine(line([{ text: 'x'.repeat(50) }]), 30));
  expect(rows[0]).toBe('12:34:56 ' + 'x'.repeat(21));
  expect(rows.every((row) => row.length <= 30)).toBe(true);
  expect(rows.join('').replace(/[ 0-9:]/g, '')).toBe('x'.repeat(50));
});

test('a fingerprint after words starts a row of its own and wraps by characters, all of it', () => {
  const fingerprint = Array.from({ length: 32 }, (_, i) => (i + 160).toString(16)).join(':');
  const rows = texts(wrapLine(line([{ text: `*** fingerprint ${fingerprint}` }]), 40));
  expect(rows).toEqual([
    '12:34:56 *** fingerprint ',
    '         ' + fingerprint.slice(0, 31),
    '         ' + fingerprint.slice(31, 62),
    '         ' + fingerprint.slice(62, 93),
    '         ' + fingerprint.slice(93),
  ]);
});

test('wide characters take two cells', () => {
  const rows = texts(wrapLine(line([{ text: '漢'.repeat(20) }]), 30));
  expect(rows).toEqual(['12:34:56 ' + '漢'.repeat(10), ' '.repeat(9) + '漢'.repeat(10)]);
});

test('segments keep their styles through a break', () => {
  const rows = wrapLine(
    line([{ text: '<' }, { text: 'alice', nick: 'alice' }, { text: '> ' + 'ab '.repeat(10) }]),
    24,
  );
  expect(rows[0]?.[0]).toEqual({ text: '12:34:56', stamp: true });
  expect(rows[0]?.find((s) => s.nick === 'alice')?.text).toBe('alice');
  expect(texts(rows)).toEqual([
    '12:34:56 <alice> ab ab ',
    '         ab ab ab ab ab ',
    '         ab ab ab ',
  ]);
});

test('a narrow pane still wraps, without the indent', () => {
  const rows = texts(wrapLine(line([{ text: 'abc def ghi' }]), 12));
  expect(rows).toEqual(['12:34:56 abc', 'def ghi']);
});
