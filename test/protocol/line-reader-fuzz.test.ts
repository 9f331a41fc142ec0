/**
 * Property tests (fast-check) of the line framer over arbitrary input: random bytes biased
 * towards what breaks framers (LF, CR, NUL, TAB, DEL, C1 controls, UTF-8 lead and continuation
 * bytes, invalid bytes), random splits into chunks, small and large line limits. Nothing throws,
 * and for every input:
 *   - the result does not depend on how the bytes were split (the same lines and errors, in
 *     the same order, as for one chunk);
 *   - it matches a reference model written from PROTOCOL.md's rules, plainly: split at LF, drop
 *     one CR before it, a line over the limit is one `line-too-long` error, decode as UTF-8 with
 *     U+FFFD, strip controls but TAB, skip empty lines; an unterminated tail is an error as soon
 *     as it is longer than the limit plus the CR it may still end with;
 *   - every line is non-empty, at most the limit in UTF-16 units, without control characters;
 *   - the reader holds at most the limit plus one byte once it has scanned everything.
 */
import fc from 'fast-check';

import { ProtocolError } from '../../src/protocol/errors';
import { LineReader } from '../../src/protocol/line-reader';

type Result = string | 'ERROR';

const NASTY = [0x0a, 0x0d, 0x00, 0x09, 0x7f, 0x1b, 0xc2, 0x9b, 0x80, 0xbf, 0xc3, 0xe2, 0xf0, 0xff];

/** Bytes where line ends, controls and broken UTF-8 are common, and text in between. */
const bytes = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
      { weight: 4, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: 255 }) },
    ),
    { maxLength: 600 },
  )
  .map((values) => Buffer.from(values));

/** Split points for `length` bytes, as chunk lengths (some empty). */
function chunksOf(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let at = 0;
  for (const point of [...points, data.length]) {
    chunks.push(data.subarray(at, point));
    at = point;
  }
  return chunks;
}

function read(chunks: Buffer[], maxLineBytes: number): { results: Result[]; held: number } {
  const reader = new LineReader({ maxLineBytes });
  const results: Result[] = [];
  let held = 0;
  for (const chunk of chunks) {
    // Copied, as the transport's slab is reused after each read.
    reader.push(
      Buffer.from(chunk),
      (line) => results.push(line),
      (error) => {
        expect(error).toBeInstanceOf(ProtocolError);
        expect(error.code).toBe('line-too-long');
        results.push('ERROR');
      },
    );
    held = Math.max(held, reader.bufferedBytes);
  }
  return { results, held };
}

// eslint-disable-next-line no-control-regex -- controls are what the framer must remove
const CONTROLS = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;

/** PROTOCOL.md "Lines", written as plainly as possible. */
function reference(data: Buffer, max: number): Result[] {
  const results: Result[] = [];
  let start = 0;
  for (let lf = data.indexOf(0x0a); lf !== -1; lf = data.indexOf(0x0a, start)) {
    let end = lf;
    if (end > start && data[end - 1] === 0x0d) end--;
    if (end - start > max) results.push('ERROR');
    else {
      const line = data.toString('utf8', start, end).replace(CONTROLS, '');
      if (line !== '') results.push(line);
    }
    start = lf + 1;
  }
  if (data.length - start > max + 1) results.push('ERROR');
  return results;
}

const limits = fc.oneof(fc.integer({ min: 1, max: 16 }), fc.constantFrom(64, 2048));

test('any bytes, split anywhere: the reference lines and errors, in order, whatever the split', () => {
  fc.assert(
    fc.property(bytes, fc.array(fc.nat(), { maxLength: 30 }), limits, (data, cuts, max) => {
      const whole = read([data], max).results;
      const split = read(chunksOf(data, cuts), max);
      expect(split.results).toEqual(whole);
      expect(whole).toEqual(reference(data, max));
      expect(split.held).toBeLessThanOrEqual(max + 1);
      for (const line of whole) {
        if (line === 'ERROR') continue;
        expect(line.length).toBeGreaterThan(0);
        expect(line.length).toBeLessThanOrEqual(max);
        expect(line).not.toMatch(CONTROLS);
      }
    }),
    { numRuns: 400 },
  );
});

test('byte by byte is the same as all at once', () => {
  fc.assert(
    fc.property(bytes, limits, (data, max) => {
      const single = [...data].map((b) => Buffer.from([b]));
      expect(read(single, max).results).toEqual(read([data], max).results);
    }),
    { numRuns: 150 },
  );
});

test('overlong lines, CR-only endings and NULs in bulk: bounded memory, one error per line', () => {
  const long = fc.record({
    length: fc.integer({ min: 0, max: 20_000 }),
    fill: fc.constantFrom(0x00, 0x0d, 0x78, 0xff, 0x9b),
    lineEnd: fc.constantFrom('\n', '\r\n', '\r', ''),
  });
  fc.assert(
    fc.property(
      fc.array(long, { maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      (parts, cuts) => {
        const data = Buffer.concat(
          parts.map((p) => Buffer.concat([Buffer.alloc(p.length, p.fill), Buffer.from(p.lineEnd)])),
        );
        const { results, held } = read(chunksOf(data, cuts), 2048);
        expect(results).toEqual(reference(data, 2048));
        expect(held).toBeLessThanOrEqual(2049);
      },
    ),
    { numRuns: 100 },
  );
});
