import { EventFormatter, IsoTimeCache, formatEvent } from '../../src/protocol/format';
import { parseEvent } from '../../src/protocol/event-parser';

const T = '2026-11-24T16:55:58.414Z';

describe('formatEvent', () => {
  test('TIME TYPE ARGS :TEXT and a newline, as UTF-8 bytes', () => {
    const buf = formatEvent(T, 'MSG', ['alice'], 'héllo : there');
    expect(Buffer.isBuffer(buf)).toBe(true);
    expect(buf.toString('utf8')).toBe(`${T} MSG alice :héllo : there\n`);
  });

  test('no args, no text', () => {
    expect(formatEvent(T, 'USERS', []).toString()).toBe(`${T} USERS\n`);
    expect(formatEvent(T, 'JOIN', ['bob']).toString()).toBe(`${T} JOIN bob\n`);
  });

  test('empty text keeps the " :" so the line still has a TEXT', () => {
    expect(formatEvent(T, 'INFO', [], '').toString()).toBe(`${T} INFO :\n`);
  });

  test('CR and LF in TEXT become spaces, so no second line can be forged', () => {
    const line = formatEvent(T, 'QUIT', ['eve'], `bye\r\n${T} MSG admin :x\ry`).toString();
    expect(line).toBe(`${T} QUIT eve :bye ${T} MSG admin :x y\n`);
  });

  test.each(['', ':colon', 'two words', 'tab\there', 'new\nline', 'cr\r', 'del\x7f'])(
    'refuses the malformed ARG %j',
    (arg) => {
      expect(() => formatEvent(T, 'JOIN', [arg])).toThrow(RangeError);
    },
  );

  test('ARGs may contain colons and brackets (addresses)', () => {
    expect(formatEvent(T, 'WHOIS', ['bob', '[::1]:5000'], 'x').toString()).toBe(
      `${T} WHOIS bob [::1]:5000 :x\n`,
    );
  });

  test('every formatted line parses back to what went in', () => {
    const line = formatEvent(T, 'WHISPER', ['a', 'b'], ' :: spaced  text ').toString();
    expect(parseEvent(line)).toEqual({
      time: T,
      type: 'WHISPER',
      args: ['a', 'b'],
      text: ' :: spaced  text ',
    });
  });
});

describe('IsoTimeCache and EventFormatter', () => {
  test('the ISO string is computed once per millisecond', () => {
    const cache = new IsoTimeCache();
    const spy = jest.spyOn(Date.prototype, 'toISOString');
    try {
      const ms = Date.parse(T);
      expect(cache.iso(ms)).toBe(T);
      expect(cache.iso(ms)).toBe(T);
      expect(cache.iso(ms + 1)).toBe('2026-11-24T16:55:58.415Z');
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });

  test('EventFormatter stamps lines with its clock', () => {
    let ms = Date.parse(T);
    const f = new EventFormatter(() => ms);
    expect(f.now()).toBe(T);
    expect(f.format('INFO', [], 'a').toString()).toBe(`${T} INFO :a\n`);
    ms += 1000;
    expect(f.format('INFO', [], 'b').toString()).toBe('2026-11-24T16:55:59.414Z INFO :b\n');
  });

  test('the default clock is the real time', () => {
    const before = Date.now();
    const time = Date.parse(new EventFormatter().now());
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
  });
});
