import { EventParseError, parseEvent } from '../../src/protocol/event-parser';

const T = '2026-11-24T16:55:58.414Z';

describe('parseEvent accepts', () => {
  test.each([
    [`${T} WELCOME guest-1 :welcome!`, 'WELCOME', ['guest-1'], 'welcome!'],
    [`${T} JOIN bob`, 'JOIN', ['bob'], undefined],
    [`${T} QUIT bob :gone : for good`, 'QUIT', ['bob'], 'gone : for good'],
    [`${T} NICK bob Bobby`, 'NICK', ['bob', 'Bobby'], undefined],
    [`${T} MSG bob :`, 'MSG', ['bob'], ''],
    [`${T} ACTION bob :waves`, 'ACTION', ['bob'], 'waves'],
    [`${T} WHISPER a b :psst`, 'WHISPER', ['a', 'b'], 'psst'],
    [`${T} USERS`, 'USERS', [], undefined],
    [`${T} USERS a b c`, 'USERS', ['a', 'b', 'c'], undefined],
    [
      `${T} WHOIS a [::1]:7 :since ${T} idle 0s tls`,
      'WHOIS',
      ['a', '[::1]:7'],
      `since ${T} idle 0s tls`,
    ],
    [`${T} HELP :/list - list users`, 'HELP', [], '/list - list users'],
    [`${T} INFO :ok`, 'INFO', [], 'ok'],
    [`${T} ERROR nick-taken :taken`, 'ERROR', ['nick-taken'], 'taken'],
    [`${T} KICK a b :a later type is accepted`, 'KICK', ['a', 'b'], 'a later type is accepted'],
  ])('%s', (line, type, args, text) => {
    const expected = text === undefined ? { time: T, type, args } : { time: T, type, args, text };
    expect(parseEvent(line)).toEqual(expected);
    expect(parseEvent(line + '\n')).toEqual(expected);
  });
});

describe('parseEvent rejects', () => {
  test.each([
    ['', 'empty line'],
    ['\n', 'empty line'],
    ['hello world', 'bad TIME'],
    [`2026-11-24 INFO :x`, 'bad TIME'],
    [`2026-13-45T99:99:99.999Z INFO :x`, 'bad TIME'],
    // Date.parse rolls these over to 2 March and 2 January; toISOString never writes them.
    [`2026-02-30T00:00:00.000Z INFO :x`, 'bad TIME'],
    [`2026-01-01T24:00:00.000Z INFO :x`, 'bad TIME'],
    [`${T}`, 'bad TYPE'],
    [`${T} info :x`, 'bad TYPE'],
    [`${T} :x`, 'bad TYPE'],
    [`${T}  INFO :x`, 'empty field (leading, trailing or double space)'],
    [`${T} JOIN bob `, 'empty field (leading, trailing or double space)'],
    [`${T} INFO  :x`, 'empty field (leading, trailing or double space)'],
    [`${T} INFO :a\nb`, 'CR or LF inside a line'],
    [`${T} INFO :a\r`, 'CR or LF inside a line'],
    [`${T} MSG bob`, 'MSG without text'],
    [`${T} JOIN bob :hi`, 'JOIN with text'],
    [`${T} NICK bob`, 'NICK with 1 argument(s)'],
    [`${T} INFO extra :x`, 'INFO with 1 argument(s)'],
  ])('%j (%s)', (line, problem) => {
    const result = parseEvent(line);
    expect(result).toBeInstanceOf(EventParseError);
    expect((result as EventParseError).message).toBe(`${problem}: ${JSON.stringify(line)}`);
    expect((result as EventParseError).line).toBe(line);
  });
});
