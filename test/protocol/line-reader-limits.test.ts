import { MAX_LINE_BYTES } from '../../src/protocol/limits';
import { LineReader } from '../../src/protocol/line-reader';
import { ProtocolError } from '../../src/protocol/errors';

function collect(reader: LineReader, chunks: Buffer[]): string[] {
  const out: string[] = [];
  for (const c of chunks) {
    reader.push(
      c,
      (line) => out.push(line),
      (err) => out.push(`!${err.code}`),
    );
  }
  return out;
}

/** Every way of cutting `buf` in two. */
function everySplit(buf: Buffer): Buffer[][] {
  const splits: Buffer[][] = [];
  for (let i = 0; i <= buf.length; i++) splits.push([buf.subarray(0, i), buf.subarray(i)]);
  return splits;
}

describe('LineReader limits', () => {
  test('defaults to MAX_LINE_BYTES = 2048', () => {
    expect(MAX_LINE_BYTES).toBe(2048);
    expect(new LineReader().maxLineBytes).toBe(2048);
  });

  test('rejects a nonsensical limit', () => {
    expect(() => new LineReader({ maxLineBytes: 0 })).toThrow(RangeError);
    expect(() => new LineReader({ maxLineBytes: 1.5 })).toThrow(RangeError);
  });

  test('a line of exactly the limit passes, with LF or CRLF, however it is split', () => {
    const line = 'x'.repeat(8);
    for (const end of ['\n', '\r\n']) {
      for (const parts of everySplit(Buffer.from(line + end + 'ok\n'))) {
        expect(collect(new LineReader({ maxLineBytes: 8 }), parts)).toEqual([line, 'ok']);
      }
    }
  });

  test('one byte over the limit is one error, and the next line is fine, however split', () => {
    const input = Buffer.from('y'.repeat(9) + '\r\nok\n');
    for (const parts of everySplit(input)) {
      expect(collect(new LineReader({ maxLineBytes: 8 }), parts)).toEqual(['!line-too-long', 'ok']);
    }
  });

  test('the limit counts bytes, not characters', () => {
    // Four 2-byte characters are 8 bytes; five are 10.
    expect(collect(new LineReader({ maxLineBytes: 8 }), [Buffer.from('éééé\néééééé\n')])).toEqual([
      'éééé',
      '!line-too-long',
    ]);
  });

  test('the error says what happened and what the limit is', () => {
    const reader = new LineReader({ maxLineBytes: 4 });
    reader.append(Buffer.from('12345\n'));
    const err = reader.nextLine();
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('line-too-long');
    expect((err as ProtocolError).message).toBe('line longer than 4 bytes; it was discarded');
  });

  test('the error comes as soon as the line is known to be too long, before its newline', () => {
    const reader = new LineReader({ maxLineBytes: 4 });
    expect(collect(reader, [Buffer.from('123456')])).toEqual(['!line-too-long']);
    expect(collect(reader, [Buffer.from('789')])).toEqual([]);
    expect(collect(reader, [Buffer.from('0\nnext\n')])).toEqual(['next']);
  });

  test('1 MiB without a newline: one error, bounded memory, recovery at the next newline', () => {
    const reader = new LineReader();
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    const out: string[] = [];
    for (let sent = 0; sent < 1024 * 1024; sent += chunk.length) {
      out.push(...collect(reader, [chunk]));
      expect(reader.bufferedBytes).toBeLessThanOrEqual(MAX_LINE_BYTES + 1);
    }
    expect(out).toEqual(['!line-too-long']);
    expect(collect(reader, [Buffer.from('tail of the long line\nhello\n')])).toEqual(['hello']);
    expect(reader.bufferedBytes).toBe(0);
  });

  test('1 MiB in one chunk, followed by a good line in the same chunk', () => {
    const big = Buffer.concat([Buffer.alloc(1024 * 1024, 0x42), Buffer.from('\nafter\n')]);
    expect(collect(new LineReader(), [big])).toEqual(['!line-too-long', 'after']);
  });

  test('byte-at-a-time overlong input still yields exactly one error', () => {
    const reader = new LineReader({ maxLineBytes: 16 });
    const input = Buffer.from('z'.repeat(100) + '\nend\n');
    const out: string[] = [];
    for (const b of input) out.push(...collect(reader, [Buffer.from([b])]));
    expect(out).toEqual(['!line-too-long', 'end']);
  });

  test('several overlong lines give one error each', () => {
    const input = Buffer.from('aaaaaa\nbbbbbb\nok\ncccccc\n');
    expect(collect(new LineReader({ maxLineBytes: 5 }), [input])).toEqual([
      '!line-too-long',
      '!line-too-long',
      'ok',
      '!line-too-long',
    ]);
  });
});
