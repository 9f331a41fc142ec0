import { LineArena } from '../../src/protocol/line-arena';

describe('LineArena', () => {
  test('encodes lines as UTF-8, back to back in one slab', () => {
    const arena = new LineArena();
    const a = arena.encode('MSG alice :héllo\n');
    const b = arena.encode('MSG bob :日本\n');
    expect(a.toString('utf8')).toBe('MSG alice :héllo\n');
    expect(b.toString('utf8')).toBe('MSG bob :日本\n');
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBe(a.byteOffset + a.length);
  });

  test('a full slab is replaced, never overwritten: earlier lines keep their bytes', () => {
    const arena = new LineArena();
    const first = arena.encode('first line\n');
    const lines = Array.from({ length: 20_000 }, (_, i) => arena.encode(`line ${i}\n`));
    expect(first.toString()).toBe('first line\n');
    expect(lines.every((line, i) => line.toString() === `line ${i}\n`)).toBe(true);
    expect(lines[lines.length - 1].buffer).not.toBe(first.buffer);
  });

  test('a long line gets a buffer of its own, and is encoded whole', () => {
    const arena = new LineArena();
    const long = 'x'.repeat(100_000) + '\n';
    const encoded = arena.encode(long);
    expect(encoded.length).toBe(long.length);
    expect(encoded.toString()).toBe(long);
    const next = arena.encode('short\n');
    expect(next.buffer).not.toBe(encoded.buffer);
  });
});
