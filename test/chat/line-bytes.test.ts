/**
 * Room.handleLineBytes, the fast path for lines the transport framed as clean, must do byte for
 * byte what handleLine does with the same line decoded: same events, same recipients, filters
 * and commands included.
 */
import { Harness } from './fake-peer';

/** Two identical rooms of three; one gets `lines` as strings, the other as clean bytes. */
function both(lines: readonly string[], setup: string[] = []): [Buffer[][], Buffer[][]] {
  const rooms = [new Harness(), new Harness()];
  const got = rooms.map((h, fast) => {
    const [sender, other, filtering] = [h.connect(), h.connect(), h.connect()];
    const conns = [sender, other, filtering];
    for (const line of setup) h.room.handleLine(filtering.member, line);
    h.drain();
    const before = conns.map((c) => c.peer.sent.length);
    for (const line of lines) {
      h.ms += 7; // a new millisecond now and then: the cached time must follow
      if (fast === 1) {
        // Framed inside a bigger buffer, as the native batch hands it over.
        const bytes = Buffer.from(`junk${line}junk`, 'utf8');
        h.room.handleLineBytes(sender.member, bytes, 4, bytes.length - 4);
      } else {
        h.room.handleLine(sender.member, line);
      }
    }
    return conns.map((c, i) => c.peer.sent.slice(before[i]).map((b) => Buffer.from(b)));
  });
  return [got[0] as Buffer[][], got[1] as Buffer[][]];
}

test.each([
  ['plain text', ['hello', 'héllo wörld 😀', 'tab\tinside', 'a:b :c']],
  ['commands and blank-led lines take the general path', ['/me waves', '//not a command', '  x']],
  ['nick changes show up in the next lines', ['before', '/nick Alice', 'after']],
  ['errors', ['/nope', '/whisper']],
])('%s', (_name, lines) => {
  const [slow, fast] = both(lines);
  expect(fast).toEqual(slow);
  expect(fast.flat().length).toBeGreaterThan(0);
});

test('filters: a recipient who filters a word does not get the line, the others do', () => {
  const [slow, fast] = both(['a secret plan', 'nothing here', 'SECRET!'], ['/filter secret']);
  expect(fast).toEqual(slow);
  const [, other, filtering] = fast;
  expect(filtering?.length).toBe(1); // only 'nothing here' reached the filtering member
  expect(other?.length).toBe(3);
});

test('a member who has left sends nothing', () => {
  const h = new Harness();
  const [a, b] = [h.connect(), h.connect()];
  h.room.leave(a.member, 'gone');
  h.drain();
  const bytes = Buffer.from('ghost');
  h.room.handleLineBytes(a.member, bytes, 0, bytes.length);
  expect(h.take(b.peer)).toEqual([]);
});
