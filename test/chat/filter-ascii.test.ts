/**
 * WordFilter.blocksAscii, the room's fast filter check for ASCII text, must agree with the
 * general one (blocks(wordsOf(text))) on every text and word.
 */
import { isAscii, normalizeFilterWord, WordFilter, wordsOf } from '../../src/chat/word-filter';

const ALPHABET = 'aAbBzZ09_ -.,:!/\'"\t';

function randomText(next: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return text;
}

test('agrees with the word split on random ASCII texts and words', () => {
  let seed = 12345;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let blocked = 0;
  for (let round = 0; round < 3000; round++) {
    const text = randomText(next, 1 + Math.floor(next() * 40));
    const filter = new WordFilter();
    for (let k = 0; k < 3; k++) {
      const word = normalizeFilterWord(randomText(next, 1 + Math.floor(next() * 3)).trim());
      if (word !== undefined) filter.add(word);
    }
    expect(isAscii(text)).toBe(true);
    const expected = filter.blocks(wordsOf(text));
    expect([text, filter.list(), filter.blocksAscii(text.toLowerCase())]).toEqual([
      text,
      filter.list(),
      expected,
    ]);
    if (expected) blocked++;
  }
  // Not vacuous: both answers occurred many times.
  expect(blocked).toBeGreaterThan(300);
  expect(blocked).toBeLessThan(2700);
});

test('non-ASCII text is not ASCII; the room then splits it into words', () => {
  expect(isAscii('héllo')).toBe(false);
  expect(isAscii('plain text_1')).toBe(true);
});
