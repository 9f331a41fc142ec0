import { FakePeer, Harness, T0, type Conn } from './fake-peer';

/** A room with alice, bob and carol (in that join order), their join lines drained. */
function threeUsers(): { h: Harness; a: Conn; b: Conn; c: Conn } {
  const h = new Harness();
  const a = h.connect();
  const b = h.connect();
  const c = h.connect();
  h.room.handleLine(a.member, '/nick alice');
  h.room.handleLine(b.member, '/nick bob');
  h.room.handleLine(c.member, '/nick carol');
  h.drain();
  return { h, a, b, c };
}

describe('say and me', () => {
  test.each([
    ['hello there', 'MSG alice :hello there'],
    ['/say hello there', 'MSG alice :hello there'],
    ['//not a command', 'MSG alice :/not a command'],
    ['/me waves', 'ACTION alice :waves'],
    ['/ME  waves', 'ACTION alice :waves'],
  ])('%j reaches everyone, the sender included, as %j', (line, event) => {
    const { h, a, b, c } = threeUsers();
    h.room.handleLine(a.member, line);
    for (const p of [a, b, c]) expect(h.take(p.peer)).toEqual([event]);
  });

  test.each([
    ['/say', 'ERROR missing-argument :usage: /say <text>'],
    ['/me', 'ERROR missing-argument :usage: /me <text>'],
  ])('%j alone is an error to the sender only', (line, error) => {
    const { h, a, b } = threeUsers();
    h.room.handleLine(a.member, line);
    expect(h.take(a.peer)).toEqual([error]);
    expect(h.take(b.peer)).toEqual([]);
  });
});

describe('whisper', () => {
  test('goes to the target and is echoed to the sender, nobody else', () => {
    const { h, a, b, c } = threeUsers();
    h.room.handleLine(a.member, '/whisper BOB psst: a secret');
    expect(h.take(b.peer)).toEqual(['WHISPER alice bob :psst: a secret']);
    expect(h.take(a.peer)).toEqual(['WHISPER alice bob :psst: a secret']);
    expect(h.take(c.peer)).toEqual([]);
  });

  test('to yourself arrives once', () => {
    const { h, a } = threeUsers();
    h.room.handleLine(a.member, '/whisper alice note to self');
    expect(h.take(a.peer)).toEqual(['WHISPER alice alice :note to self']);
  });

  test.each([
    ['/whisper dave hi', 'ERROR no-such-user :no user named dave; /list shows who is here'],
    ['/whisper bob', 'ERROR missing-argument :usage: /whisper <user> <text>'],
    ['/whisper', 'ERROR missing-argument :usage: /whisper <user> <text>'],
  ])('%j is an error', (line, error) => {
    const { h, a, b } = threeUsers();
    h.room.handleLine(a.member, line);
    expect(h.take(a.peer)).toEqual([error]);
    expect(h.take(b.peer)).toEqual([]);
  });
});

describe('nick', () => {
  test('a rename is announced to everyone, the renamer included', () => {
    const h = new Harness();
    const a = h.connect();
    const b = h.connect();
    h.room.handleLine(a.member, '/nick Alice_2-x');
    expect(h.take(a.peer)).toEqual(['NICK guest-1 Alice_2-x']);
    expect(h.take(b.peer)).toEqual(['NICK guest-1 Alice_2-x']);
    expect(a.member.nick).toBe('Alice_2-x');
    expect(h.room.find('alice_2-X')).toBe(a.member);
    expect(h.room.find('guest-1')).toBeUndefined();
  });

  test('names are unique ignoring case', () => {
    const { h, a, b } = threeUsers();
    h.room.handleLine(b.member, '/nick ALICE');
    expect(h.take(b.peer)).toEqual(['ERROR nick-taken :nick alice is taken; usage: /nick <name>']);
    expect(h.take(a.peer)).toEqual([]);
    expect(b.member.nick).toBe('bob');
  });

  test('your own name again is an INFO; changing only its case is a rename', () => {
    const { h, a, b } = threeUsers();
    h.room.handleLine(a.member, '/nick alice');
    expect(h.take(a.peer)).toEqual(['INFO :you are already alice']);
    h.room.handleLine(a.member, '/nick Alice');
    expect(h.take(a.peer)).toEqual(['NICK alice Alice']);
    expect(h.take(b.peer)).toEqual(['NICK alice Alice']);
  });

  const invalid = 'use 1-24 letters, digits, _ or -, starting with a letter; usage: /nick <name>';
  test.each(['1abc', '-abc', '_abc', 'a'.repeat(25), 'bad!', 'émile', 'a.b'])(
    '%j is not a valid nick',
    (name) => {
      const { h, a } = threeUsers();
      h.room.handleLine(a.member, `/nick ${name}`);
      expect(h.take(a.peer)).toEqual([`ERROR invalid-nick :invalid nick ${name}: ${invalid}`]);
    },
  );

  test('24 characters is fine', () => {
    const { h, a } = threeUsers();
    h.room.handleLine(a.member, `/nick ${'z'.repeat(24)}`);
    expect(h.take(a.peer)).toEqual([`NICK alice ${'z'.repeat(24)}`]);
  });

  test.each([
    ['/nick', 'ERROR missing-argument :usage: /nick <name>'],
    ['/nick a b', 'ERROR invalid-argument :too many arguments; usage: /nick <name>'],
  ])('%j is an error', (line, error) => {
    const { h, a } = threeUsers();
    h.room.handleLine(a.member, line);
    expect(h.take(a.peer)).toEqual([error]);
  });
});

describe('list and whois', () => {
  test('/list answers USERS in join order, to the asker only', () => {
    const { h, a, b } = threeUsers();
    h.room.handleLine(b.member, '/list');
    expect(h.take(b.peer)).toEqual(['USERS alice bob carol']);
    expect(h.take(a.peer)).toEqual([]);
    h.room.handleLine(b.member, '/list now');
    expect(h.take(b.peer)).toEqual(['ERROR invalid-argument :too many arguments; usage: /list']);
  });

  test('/whois shows address, since, idle and plain/tls', () => {
    const h = new Harness();
    const a = h.connect(new FakePeer('127.0.0.1', 5555, false));
    const b = h.connect(new FakePeer('::1', 6666, true));
    h.ms += 42_900;
    h.room.handleLine(a.member, '/whois GUEST-2');
    expect(h.take(a.peer)).toEqual([`WHOIS guest-2 [::1]:6666 :since ${T0} idle 42s tls`]);
    h.room.handleLine(b.member, '/whois guest-1');
    // guest-1's own /whois a moment ago counts as activity.
    expect(h.take(b.peer)).toEqual([`WHOIS guest-1 127.0.0.1:5555 :since ${T0} idle 0s plain`]);
  });

  test('/whois copes with a peer whose address is unknown', () => {
    const h = new Harness();
    const a = h.connect(new FakePeer('', 0));
    h.room.handleLine(a.member, '/whois guest-1');
    expect(h.take(a.peer)).toEqual([`WHOIS guest-1 unknown:0 :since ${T0} idle 0s plain`]);
  });

  test.each([
    ['/whois nobody', 'ERROR no-such-user :no user named nobody; /list shows who is here'],
    ['/whois', 'ERROR missing-argument :usage: /whois <user>'],
    ['/whois a b', 'ERROR invalid-argument :too many arguments; usage: /whois <user>'],
  ])('%j is an error', (line, error) => {
    const { h, a } = threeUsers();
    h.room.handleLine(a.member, line);
    expect(h.take(a.peer)).toEqual([error]);
  });
});
