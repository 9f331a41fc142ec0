import { MAX_FILTERS } from '../../src/protocol/limits';
import { FakePeer, Harness, type Conn } from './fake-peer';

/** alice (filtering) and bob (talking). */
function pair(): { h: Harness; a: Conn; b: Conn } {
  const h = new Harness();
  const a = h.connect();
  const b = h.connect();
  h.room.handleLine(a.member, '/nick alice');
  h.room.handleLine(b.member, '/nick bob');
  h.drain();
  return { h, a, b };
}

describe('filter management', () => {
  test('add, list, duplicate, remove, list again, all confirmed by INFO', () => {
    const { h, a } = pair();
    const steps: [string, string][] = [
      ['/filter', 'INFO :you have no filters; add one with /filter <word>'],
      ['/filter Darn', 'INFO :filter added: darn'],
      ['/filter heck', 'INFO :filter added: heck'],
      ['/filter DARN', 'INFO :you already filter darn'],
      ['/filter', 'INFO :your filters: darn heck'],
      ['/unfilter DaRn', 'INFO :filter removed: darn'],
      ['/filter', 'INFO :your filters: heck'],
    ];
    for (const [line, reply] of steps) {
      h.room.handleLine(a.member, line);
      expect([line, h.take(a.peer)]).toEqual([line, [reply]]);
    }
  });

  test.each([
    [
      '/unfilter never',
      'ERROR no-such-filter :you do not filter never; /filter lists your filters',
    ],
    ['/unfilter', 'ERROR missing-argument :usage: /unfilter <word>'],
    ['/filter a b', 'ERROR invalid-argument :too many arguments; usage: /filter [word]'],
    [
      '/filter c++',
      'ERROR invalid-argument :c++ is not one word: use up to 64 letters, digits or _; usage: /filter [word]',
    ],
    [
      '/unfilter a-b',
      'ERROR invalid-argument :a-b is not one word: use up to 64 letters, digits or _; usage: /unfilter <word>',
    ],
  ])('%j is an error', (line, error) => {
    const { h, a } = pair();
    h.room.handleLine(a.member, line);
    expect(h.take(a.peer)).toEqual([error]);
  });

  test(`at most ${MAX_FILTERS} filters`, () => {
    const { h, a } = pair();
    for (let i = 0; i < MAX_FILTERS; i++) h.room.handleLine(a.member, `/filter w${i}`);
    h.take(a.peer);
    h.room.handleLine(a.member, '/filter onemore');
    expect(h.take(a.peer)).toEqual([
      `ERROR too-many-filters :you have ${MAX_FILTERS} filters, the most allowed; remove one with /unfilter <word>`,
    ]);
    h.room.handleLine(a.member, '/filter w0');
    expect(h.take(a.peer)).toEqual(['INFO :you already filter w0']);
  });
});

describe('filtering', () => {
  test.each([
    ['darn it', true],
    ['DARN!', true],
    ['oh,darn.', true],
    ['well darn', true],
    ['darned', false],
    ['undarn', false],
    ['dar n', false],
    ['darn_it', false],
    ['darn2', false],
  ])('with filter "darn", %j is hidden: %s', (text, hidden) => {
    const { h, a, b } = pair();
    h.room.handleLine(a.member, '/filter darn');
    h.take(a.peer);
    h.room.handleLine(b.member, text);
    expect(h.take(a.peer)).toEqual(hidden ? [] : [`MSG bob :${text}`]);
    expect(h.take(b.peer)).toEqual([`MSG bob :${text}`]);
  });

  test('words are Unicode-aware and case-insensitive', () => {
    const { h, a, b } = pair();
    h.room.handleLine(a.member, '/filter Über');
    h.take(a.peer);
    h.room.handleLine(b.member, 'ÜBER alles');
    h.room.handleLine(b.member, 'überall');
    expect(h.take(a.peer)).toEqual(['MSG bob :überall']);
  });

  test('ACTION and WHISPER are filtered too, including your own echo', () => {
    const { h, a, b } = pair();
    h.room.handleLine(a.member, '/filter secret');
    h.take(a.peer);
    h.room.handleLine(b.member, '/me has a secret');
    h.room.handleLine(b.member, '/whisper alice the secret');
    h.room.handleLine(a.member, '/whisper bob my secret');
    h.room.handleLine(a.member, 'a secret');
    expect(h.take(a.peer)).toEqual([]);
    expect(h.take(b.peer)).toEqual([
      'ACTION bob :has a secret',
      'WHISPER bob alice :the secret',
      'WHISPER alice bob :my secret',
      'MSG alice :a secret',
    ]);
  });

  test('server events are never filtered', () => {
    const { h, a, b } = pair();
    h.room.handleLine(a.member, '/filter bob');
    h.room.handleLine(a.member, '/filter bye');
    h.room.handleLine(a.member, '/filter guest');
    h.take(a.peer);
    h.room.handleLine(b.member, '/nick bob2');
    const c = h.room.join(new FakePeer()); // not h.connect(), which drains everyone
    h.room.leave(b.member, 'bye bob');
    h.room.handleLine(a.member, '/whois bob2');
    h.room.handleLine(a.member, '/list');
    expect(h.take(a.peer)).toEqual([
      'NICK bob bob2',
      'JOIN guest-3',
      'QUIT bob2 :bye bob',
      'ERROR no-such-user :no user named bob2; /list shows who is here',
      `USERS alice ${c.nick}`,
    ]);
  });

  test('one member filtering does not affect the others', () => {
    const { h, a, b } = pair();
    const c = h.connect();
    h.room.handleLine(a.member, '/filter spam');
    h.drain();
    h.room.handleLine(b.member, 'spam spam');
    expect(h.take(a.peer)).toEqual([]);
    expect(h.take(b.peer)).toEqual(['MSG bob :spam spam']);
    expect(h.take(c.peer)).toEqual(['MSG bob :spam spam']);
  });
});
