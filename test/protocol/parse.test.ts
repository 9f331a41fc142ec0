import { ProtocolError } from '../../src/protocol/errors';
import { COMMAND_SYNTAX, lookupCommand, parseCommand } from '../../src/protocol/parse';

describe('parseCommand: text', () => {
  test.each([
    ['hello', 'hello'],
    ['  indented : text', '  indented : text'],
    ['//text', '/text'],
    ['//', '/'],
    ['// spaced', '/ spaced'],
    ['/say hello  world', 'hello  world'],
    ['/SAY   padded   ', 'padded'],
  ])('%j says %j', (line, text) => {
    expect(parseCommand(line)).toEqual({ kind: 'say', text });
  });

  test.each(['', ' ', '\t \t'])('the blank line %j asks for nothing', (line) => {
    expect(parseCommand(line)).toBeNull();
  });
});

describe('parseCommand: commands', () => {
  test.each([
    ['/nick bob', { kind: 'nick', nick: 'bob' }],
    ['/NiCk  bob  ', { kind: 'nick', nick: 'bob' }],
    ['/me waves at you', { kind: 'me', text: 'waves at you' }],
    ['/whisper bob psst  there', { kind: 'whisper', to: 'bob', text: 'psst  there' }],
    ['/whisper\tbob\tpsst', { kind: 'whisper', to: 'bob', text: 'psst' }],
    ['/list', { kind: 'list' }],
    ['/LIST  ', { kind: 'list' }],
    ['/whois bob', { kind: 'whois', nick: 'bob' }],
    ['/filter', { kind: 'filter' }],
    ['/filter darn', { kind: 'filter', word: 'darn' }],
    ['/unfilter darn', { kind: 'unfilter', word: 'darn' }],
    ['/help', { kind: 'help' }],
    ['/?', { kind: 'help' }],
    ['/help whisper', { kind: 'help', topic: 'whisper' }],
    ['/help /whisper', { kind: 'help', topic: 'whisper' }],
    ['/? nick', { kind: 'help', topic: 'nick' }],
    ['/quit', { kind: 'quit' }],
    ['/quit  gone for lunch ', { kind: 'quit', reason: 'gone for lunch' }],
  ])('%j', (line, command) => {
    expect(parseCommand(line)).toEqual(command);
  });
});

describe('parseCommand: errors name the right syntax', () => {
  test.each([
    ['/foo', 'unknown-command', 'unknown command /foo; try /help'],
    ['/Foo bar', 'unknown-command', 'unknown command /Foo; try /help'],
    ['/', 'unknown-command', 'unknown command /; try /help'],
    ['/say', 'missing-argument', 'usage: /say <text>'],
    ['/say   ', 'missing-argument', 'usage: /say <text>'],
    ['/me', 'missing-argument', 'usage: /me <text>'],
    ['/nick', 'missing-argument', 'usage: /nick <name>'],
    ['/nick a b', 'invalid-argument', 'too many arguments; usage: /nick <name>'],
    ['/whisper', 'missing-argument', 'usage: /whisper <user> <text>'],
    ['/whisper bob', 'missing-argument', 'usage: /whisper <user> <text>'],
    ['/whisper bob   ', 'missing-argument', 'usage: /whisper <user> <text>'],
    ['/list all', 'invalid-argument', 'too many arguments; usage: /list'],
    ['/whois', 'missing-argument', 'usage: /whois <user>'],
    ['/whois a b', 'invalid-argument', 'too many arguments; usage: /whois <user>'],
    ['/filter a b', 'invalid-argument', 'too many arguments; usage: /filter [word]'],
    ['/unfilter', 'missing-argument', 'usage: /unfilter <word>'],
    ['/unfilter a b', 'invalid-argument', 'too many arguments; usage: /unfilter <word>'],
    ['/help a b', 'invalid-argument', 'too many arguments; usage: /help [command]'],
  ])('%j -> %s', (line, code, message) => {
    const result = parseCommand(line);
    expect(result).toBeInstanceOf(ProtocolError);
    expect(result).toMatchObject({ code, message });
  });
});

describe('command names', () => {
  test('every command has a usage starting with its name', () => {
    for (const [kind, syntax] of Object.entries(COMMAND_SYNTAX)) {
      expect(syntax.usage.startsWith(`/${kind}`)).toBe(true);
    }
  });

  test('lookup ignores case and knows aliases', () => {
    expect(lookupCommand('WHISPER')).toBe('whisper');
    expect(lookupCommand('?')).toBe('help');
    expect(lookupCommand('msg')).toBeUndefined();
  });
});
