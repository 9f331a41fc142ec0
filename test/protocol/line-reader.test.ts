import { ProtocolError } from '../../src/protocol/errors';
import { LineReader, decodeLine, removeControls } from '../../src/protocol/line-reader';

type Item = string | ProtocolError;

/** Feeds `chunks` through push() and returns lines and errors in order. */
function feed(reader: LineReader, ...chunks: (Buffer | string)[]): Item[] {
  const out: Item[] = [];
  for (const c of chunks) {
    reader.push(
      typeof c === 'string' ? Buffer.from(c, 'utf8') : c,
      (line) => out.push(line),
      (err) => out.push(err),
    );
  }
  return out;
}

/** Lines and error codes, for compact expectations. */
function summary(items: Item[]): string[] {
  return items.map((i) => (typeof i === 'string' ? i : `!${i.code}`));
}

function read(input: string | Buffer, max?: number): string[] {
  return summary(feed(new LineReader(max === undefined ? {} : { maxLineBytes: max }), input));
}

describe('LineReader line ends', () => {
  test('LF ends a line, CRLF too (one CR stripped)', () => {
    expect(read('a\nb\r\nc\n')).toEqual(['a', 'b', 'c']);
  });

  test('a line without its newline is held back', () => {
    const reader = new LineReader();
    expect(summary(feed(reader, 'hello'))).toEqual([]);
    expect(reader.bufferedBytes).toBe(5);
    expect(summary(feed(reader, ' world\n'))).toEqual(['hello world']);
    expect(reader.bufferedBytes).toBe(0);
  });

  test('CR alone is not a line end and is stripped as a control character', () => {
    expect(read('a\rb\n')).toEqual(['ab']);
    expect(read('a\r')).toEqual([]);
  });

  test('only one trailing CR belongs to the line end; others are stripped', () => {
    expect(read('a\r\r\n')).toEqual(['a']);
  });

  test('empty lines, and lines that are empty after stripping, are skipped', () => {
    expect(read('\n\r\n\n\x01\x02\r\nx\n\n')).toEqual(['x']);
  });

  test('whitespace is kept verbatim', () => {
    expect(read('  two  spaces \t\n')).toEqual(['  two  spaces \t']);
  });
});

describe('LineReader decoding', () => {
  test('UTF-8 is decoded, including characters split across chunks', () => {
    const bytes = Buffer.from('héllo 😀\n', 'utf8');
    const reader = new LineReader();
    const out: Item[] = [];
    for (const b of bytes) out.push(...feed(reader, Buffer.from([b])));
    expect(summary(out)).toEqual(['héllo 😀']);
  });

  test('invalid UTF-8 becomes U+FFFD', () => {
    const input = Buffer.concat([Buffer.from('a'), Buffer.from([0xff, 0xc3]), Buffer.from('b\n')]);
    expect(read(input)).toEqual(['a\uFFFD\uFFFDb']);
  });

  test('NUL, other C0 controls and DEL are removed; TAB is kept', () => {
    const input = Buffer.from([0x61, 0x00, 0x62, 0x1b, 0x09, 0x63, 0x7f, 0x64, 0x0a]);
    expect(read(input)).toEqual(['ab\tcd']);
  });

  test('C1 controls (a terminal CSI, NEL) are removed; the letters next to them are kept', () => {
    // U+009B is CSI: passed on, "\u009b31m" would colour other users' terminals.
    const input = Buffer.from('\u009b31mred \u0085nel \u00a0nbsp \u00e9\n', 'utf8');
    expect(read(input)).toEqual(['31mred nel \u00a0nbsp \u00e9']);
  });

  test('decodeLine applies the same rules to a slice', () => {
    const buf = Buffer.from('xx\x07ok\u00e9yy', 'utf8');
    expect(decodeLine(buf, 2, buf.length - 2)).toBe('oké');
  });

  test('removeControls is the same rule for a string (the terminal client uses it)', () => {
    for (let code = 0; code <= 0x2ff; code++) {
      const text = `a${String.fromCharCode(code)}b`;
      const bytes = Buffer.from(text, 'utf8');
      expect(removeControls(text)).toBe(decodeLine(bytes, 0, bytes.length));
    }
    expect(removeControls('\x1b]0;title\x07\u009b41mx\ty')).toBe(']0;title41mx\ty');
  });
});

describe('LineReader splitting', () => {
  const input = 'first\r\nsecond line\n\n/nick bob\r\nünïcödé ✓\nlast\n';
  const expected = ['first', 'second line', '/nick bob', 'ünïcödé ✓', 'last'];
  const bytes = Buffer.from(input, 'utf8');

  test('one chunk', () => {
    expect(read(bytes)).toEqual(expected);
  });

  test('split in two at every byte offset', () => {
    for (let i = 0; i <= bytes.length; i++) {
      const out = summary(feed(new LineReader(), bytes.subarray(0, i), bytes.subarray(i)));
      expect([i, out]).toEqual([i, expected]);
    }
  });

  test('split in three at every pair of offsets', () => {
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i; j <= bytes.length; j++) {
        const parts = [bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)];
        expect([i, j, summary(feed(new LineReader(), ...parts))]).toEqual([i, j, expected]);
      }
    }
  });

  test('pull API: several chunks appended before draining', () => {
    const reader = new LineReader();
    reader.append(bytes.subarray(0, 10));
    reader.append(bytes.subarray(10, 30));
    reader.append(bytes.subarray(30));
    const out: Item[] = [];
    for (let r = reader.nextLine(); r !== undefined; r = reader.nextLine()) out.push(r);
    expect(summary(out)).toEqual(expected);
    expect(reader.nextLine()).toBeUndefined();
    expect(reader.bufferedBytes).toBe(0);
  });

  test('pull API: lines are handed out one at a time', () => {
    const reader = new LineReader();
    reader.append(Buffer.from('a\nb\nc'));
    expect(reader.nextLine()).toBe('a');
    expect(reader.bufferedBytes).toBe(3);
    expect(reader.nextLine()).toBe('b');
    expect(reader.nextLine()).toBeUndefined();
    expect(reader.bufferedBytes).toBe(1);
    reader.reset();
    expect(reader.bufferedBytes).toBe(0);
    reader.append(Buffer.from('d\n'));
    expect(reader.nextLine()).toBe('d');
  });
});
