/**
 * The native line framer (native/lines.c, native/reader.c) over real sockets: it must give
 * exactly what LineReader + decodeLine give, for any bytes split at any points.
 */
import { READABLE } from '../../src/loop/event-loop';
import type { ProtocolError } from '../../src/protocol/errors';
import { LineReader } from '../../src/protocol/line-reader';
import { framedPair, noSink, sendApart, type Item } from '../helpers/framing';
import { createLoop, untilReadable } from '../helpers/loop';
import { random } from '../helpers/random';
import { eventually } from '../helpers/teardown';

// Pieces adversarial input is made of: line ends, controls, valid and invalid UTF-8.
const PIECES: readonly Buffer[] = [
  'a',
  'hello ',
  ' ',
  '\t',
  '/',
  '\n',
  '\r\n',
  '\r',
  '\x00',
  '\x7f',
  '\x1b[2J',
  'é',
  '€',
  '😀',
  '\u0085',
  '\u009b',
  '\ufeff',
].map((s) => Buffer.from(s, 'utf8'));
const RAW_PIECES: readonly number[][] = [
  [0xff],
  [0xc0, 0x80], // overlong NUL
  [0xe0, 0x80, 0xaf], // overlong '/'
  [0xed, 0xa0, 0x80], // a surrogate
  [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
  [0x80], // a lone continuation byte
  [0xe2, 0x82], // truncated
  [0xf0, 0x9f, 0x98], // truncated 4-byte
  [0xc2], // a lone C1 lead
];

function randomInput(next: () => number, length: number): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  while (size < length) {
    const roll = next();
    let part: Buffer;
    if (roll < 0.7) part = PIECES[Math.floor(next() * PIECES.length)] as Buffer;
    else if (roll < 0.9)
      part = Buffer.from(RAW_PIECES[Math.floor(next() * RAW_PIECES.length)] as number[]);
    else part = Buffer.alloc(Math.floor(next() * 150), 'x'); // runs that pass the limit
    parts.push(part);
    size += part.length;
  }
  return Buffer.concat(parts);
}

function randomSplits(next: () => number, input: Buffer, most: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < input.length;) {
    const size = 1 + Math.floor(next() * most);
    chunks.push(input.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

/** What LineReader makes of `chunks`. */
function reference(chunks: readonly Buffer[], maxLineBytes: number): Item[] {
  const reader = new LineReader({ maxLineBytes });
  const out: Item[] = [];
  for (const chunk of chunks) {
    reader.push(
      chunk,
      (line) => out.push(line),
      (error: ProtocolError) => out.push(`!${error.code}`),
    );
  }
  return out;
}

describe('native framing gives what LineReader gives', () => {
  test.each([
    [1, 8],
    [2, 8],
    [3, 64],
    [4, 64],
    [5, 1],
  ])('random bytes, random splits (seed %i, max %i)', async (seed, max) => {
    const loop = createLoop();
    const next = random(seed);
    const input = randomInput(next, 3000);
    const chunks = randomSplits(next, input, 3 * max);
    const framed = await framedPair(loop, max);
    await sendApart(framed, chunks);
    const expected = reference(chunks, max);
    expect(framed.items).toEqual(expected);
    // Not vacuous: overlong lines, and lines with replacements, were among them.
    expect(expected).toContain('!line-too-long');
    if (max > 1) expect(expected.some((line) => line.includes('\ufffd'))).toBe(true);
  });

  test('the same input in one read and byte by byte', async () => {
    const loop = createLoop();
    const input = randomInput(random(7), 600);
    const whole = await framedPair(loop, 16);
    await sendApart(whole, [input]);
    const bytes = await framedPair(loop, 16);
    await sendApart(
      bytes,
      [...input].map((b) => Buffer.from([b])),
    );
    expect(whole.items).toEqual(reference([input], 16));
    expect(bytes.items).toEqual(whole.items);
  });
});

describe('native framing rules', () => {
  async function frame(max: number, ...chunks: string[]): Promise<Item[]> {
    const framed = await framedPair(createLoop(), max);
    await sendApart(
      framed,
      chunks.map((c) => Buffer.from(c, 'latin1')),
    );
    return framed.items;
  }

  test('LF and CRLF end lines; a lone CR and NUL are removed; empty lines are skipped', async () => {
    expect(await frame(64, 'a\r\nb\n\n\r\nc\rd\x00e\n')).toEqual(['a', 'b', 'cde']);
  });

  test('a line of exactly the limit passes, with or without CR; one more byte is too long', async () => {
    expect(await frame(4, 'abcd\r', '\n', 'abcd\n', 'abcde\n', 'ok\n')).toEqual([
      'abcd',
      'abcd',
      '!line-too-long',
      'ok',
    ]);
  });

  test('an overlong unfinished line is reported once, at once, and skipped to its LF', async () => {
    const framed = await framedPair(createLoop(), 4);
    await sendApart(framed, [Buffer.from('abcdefgh')]);
    expect(framed.items).toEqual(['!line-too-long']);
    await sendApart(framed, [Buffer.from('more'), Buffer.from('\nnext\n')]);
    expect(framed.items).toEqual(['!line-too-long', 'next']);
  });

  test('a long line in many small reads; lines longer than the batch holds are refused', async () => {
    const framed = await framedPair(createLoop(), 4096);
    const line = 'z'.repeat(4000);
    await sendApart(
      framed,
      [...Buffer.from(`${line}\nok\n`)].map((b) => Buffer.from([b])),
    );
    expect(framed.items).toEqual([line, 'ok']);
    expect(framed.watcher.frame(1 << 20, { ...noSink })).toBe(false);
  });

  test('EOF mid-line drops the unfinished line and is reported', async () => {
    const framed = await framedPair(createLoop(), 64);
    await sendApart(framed, [Buffer.from('done\nhalf')]);
    framed.client.end();
    await eventually(() => (framed.items.includes('!eof') ? true : undefined));
    expect(framed.items).toEqual(['done', '!eof']);
  });
});

describe('native framing under load', () => {
  test('more input than one batch holds: every line of every client arrives, in order', async () => {
    const loop = createLoop();
    const clients = await Promise.all(Array.from({ length: 24 }, () => framedPair(loop, 2048)));
    const lines = 4000; // ~ 190 KiB per client, 4.5 MiB in all: several batches of 1 MiB
    const expected = Array.from({ length: lines }, (_, i) => `line ${i} ${'y'.repeat(36)}`);
    const payload = Buffer.from(expected.join('\n') + '\n');
    for (const c of clients) c.client.write(payload);
    await eventually(() => (clients.every((c) => c.items.length === lines) ? true : undefined));
    for (const c of clients) expect(c.items).toEqual(expected);
  });

  test('closing a framed fd from a handler drops its lines still in the batch', async () => {
    const loop = createLoop();
    const first = await framedPair(loop, 64);
    const second = await framedPair(loop, 64);
    // Unwatched while both get their line, so that one wait finds both readable.
    first.watcher.stop();
    second.watcher.stop();
    second.client.write('late\n');
    first.client.write('go\n');
    await untilReadable([first.fd, second.fd]);
    first.onItem = () => second.watcher.close();
    first.watcher.start(READABLE);
    second.watcher.start(READABLE);
    await eventually(() => (first.items.length === 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(first.items).toEqual(['go']);
    expect(second.items).toEqual([]);
  });
});
