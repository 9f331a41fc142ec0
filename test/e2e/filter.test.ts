/**
 * `/filter` and `/unfilter` against the real server: whole words, ignoring case, for MSG, ACTION
 * and WHISPER (own echoes included); server events never filtered; listing, removing, and every
 * error. A filtered line is proven absent by the barrier that follows it.
 */
import { ChatClient, event } from '../helpers/chat-client';
import { barrier, rename, startRoom } from '../helpers/chat-room';

test('a filter hides MSG/ACTION/WHISPER containing the whole word, ignoring case', async () => {
  const { clients } = await startRoom(2);
  const [a, b] = clients as [ChatClient, ChatClient];
  await rename(clients, ['alice', 'bob']);

  await a.send('/filter Darn');
  expect(await a.next()).toEqual(event('INFO', [], 'filter added: darn'));
  await a.send('/filter darn');
  expect(await a.next()).toEqual(event('INFO', [], 'you already filter darn'));

  const hidden = ['Darn it!', 'oh,DARN.', 'darn', 'well... dArN'];
  const shown = ['darned', 'undarn', 'darn_it', 'd a r n', 'darn2'];
  for (const text of [...hidden, ...shown]) await b.send(text);
  await b.send('/me says DARN loudly');
  await b.send('/me smiles');
  await b.send('/whisper alice darn, a secret');
  await b.send('/whisper alice a secret');

  const [gotA, gotB] = await barrier(b, [a, b]);
  expect(gotA).toEqual([
    ...shown.map((text) => event('MSG', ['bob'], text)),
    event('ACTION', ['bob'], 'smiles'),
    event('WHISPER', ['bob', 'alice'], 'a secret'),
  ]);
  // bob filters nothing: he got all of it, his own whisper echoes included.
  expect(gotB).toEqual([
    ...[...hidden, ...shown].map((text) => event('MSG', ['bob'], text)),
    event('ACTION', ['bob'], 'says DARN loudly'),
    event('ACTION', ['bob'], 'smiles'),
    event('WHISPER', ['bob', 'alice'], 'darn, a secret'),
    event('WHISPER', ['bob', 'alice'], 'a secret'),
  ]);

  await a.send('darn, my own words'); // filters apply to your own echoes too
  expect(await barrier(a, [a, b])).toEqual([[], [event('MSG', ['alice'], 'darn, my own words')]]);
});

test('a sender filtering a word does not get the echo of a whisper containing it', async () => {
  const { clients } = await startRoom(2);
  const [a, b] = clients as [ChatClient, ChatClient];
  await a.send('/filter heck');
  await a.next('INFO');
  await a.send(`/whisper ${b.nick} what the heck`);
  expect(await b.next()).toEqual(event('WHISPER', [a.nick, b.nick], 'what the heck'));
  expect(await barrier(b, [a, b])).toEqual([[], []]);
});

test('server events are never filtered, even when they contain the word', async () => {
  const { server, clients } = await startRoom(2);
  const [a, b] = clients as [ChatClient, ChatClient];
  for (const word of ['guest', 'darn', 'bye']) {
    await a.send(`/filter ${word}`);
    expect(await a.next()).toEqual(event('INFO', [], `filter added: ${word}`));
  }
  const c = await ChatClient.connect(server.port);
  expect(await a.next()).toEqual(event('JOIN', [c.nick])); // guest-3 contains "guest"
  const guest = b.nick;
  await b.send('/nick darn');
  expect(await a.next()).toEqual(event('NICK', [guest, 'darn']));
  // A filter looks at TEXT, not at who sent it.
  await b.send('hello');
  expect(await a.next()).toEqual(event('MSG', ['darn'], 'hello'));
  await c.send('/quit bye darn it');
  expect(await a.next()).toEqual(event('QUIT', [c.nick], 'bye darn it'));
  await a.send('/whois darn');
  expect(await a.next()).toEqual(
    event('WHOIS', ['darn', `127.0.0.1:${b.localPort}`], expect.stringMatching(/^since /)),
  );
  await a.send('/help filter');
  expect(await a.next()).toEqual(
    event('HELP', [], expect.stringMatching(/^\/filter \[word\] - hide messages/)),
  );
  await a.send('/darn');
  expect(await a.next()).toEqual(
    event('ERROR', ['unknown-command'], 'unknown command /darn; try /help'),
  );
});

test('/filter alone lists; /unfilter removes, after which the word gets through', async () => {
  const { clients } = await startRoom(2);
  const [a, b] = clients as [ChatClient, ChatClient];

  await a.send('/filter');
  expect(await a.next()).toEqual(
    event('INFO', [], 'you have no filters; add one with /filter <word>'),
  );
  for (const word of ['Darn', 'HECK', 'Über']) await a.send(`/filter ${word}`);
  for (const word of ['darn', 'heck', 'über']) {
    expect(await a.next()).toEqual(event('INFO', [], `filter added: ${word}`));
  }
  await a.send('/filter');
  expect(await a.next()).toEqual(event('INFO', [], 'your filters: darn heck über'));
  await b.send('ÜBER alles');
  await b.send('heck no');
  expect(await barrier(b, [a])).toEqual([[]]);

  await a.send('/unfilter HECK');
  expect(await a.next()).toEqual(event('INFO', [], 'filter removed: heck'));
  await a.send('/filter');
  expect(await a.next()).toEqual(event('INFO', [], 'your filters: darn über'));
  await a.send('/unfilter heck');
  expect(await a.next()).toEqual(
    event('ERROR', ['no-such-filter'], 'you do not filter heck; /filter lists your filters'),
  );
  // Now heck gets through.
  await b.send('heck yes');
  expect(await barrier(b, [a])).toEqual([[event('MSG', [b.nick], 'heck yes')]]);
});

test('/filter and /unfilter errors: not one word, too long, too many args, too many filters', async () => {
  const { clients } = await startRoom(2);
  const [a, b] = clients as [ChatClient, ChatClient];
  const notOneWord = (word: string, usage: string): object =>
    event(
      'ERROR',
      ['invalid-argument'],
      `${word} is not one word: use up to 64 letters, digits or _; usage: ${usage}`,
    );

  for (const word of ['c++', 'a-b', 'x'.repeat(65)]) {
    await a.send(`/filter ${word}`);
    expect(await a.next()).toEqual(notOneWord(word, '/filter [word]'));
    await a.send(`/unfilter ${word}`);
    expect(await a.next()).toEqual(notOneWord(word, '/unfilter <word>'));
  }
  await a.send('/filter two words');
  expect(await a.next()).toEqual(
    event('ERROR', ['invalid-argument'], 'too many arguments; usage: /filter [word]'),
  );
  await a.send('/unfilter');
  expect(await a.next()).toEqual(event('ERROR', ['missing-argument'], 'usage: /unfilter <word>'));

  // The longest word is 64 characters; up to 32 filters, sent in one write.
  const words = Array.from({ length: 32 }, (_, i) => `w${i}_${'x'.repeat(i === 0 ? 61 : 1)}`);
  await a.write(words.map((w) => `/filter ${w}\n`).join('') + '/filter one_more\n');
  for (const word of words) {
    expect(await a.next()).toEqual(event('INFO', [], `filter added: ${word}`));
  }
  expect(await a.next()).toEqual(
    event(
      'ERROR',
      ['too-many-filters'],
      'you have 32 filters, the most allowed; remove one with /unfilter <word>',
    ),
  );
  expect(await barrier(a, [a, b])).toEqual([[], []]);
});

// The limit counts characters, not UTF-16 code units: PROTOCOL.md promises "one word of at most 64
// characters", so 64 letters outside the BMP (U+1D400 MATHEMATICAL BOLD CAPITAL A, two units each)
// are one acceptable word.
test('a filter word of 64 letters is accepted even outside the BMP', async () => {
  const { clients } = await startRoom(1);
  const [a] = clients as [ChatClient];
  const word = '\u{1D400}'.repeat(64);
  await a.send(`/filter ${word}`);
  expect(await a.next()).toEqual(event('INFO', [], `filter added: ${word.toLowerCase()}`));
});
