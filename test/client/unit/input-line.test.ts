import { complete, type Completing } from '../../../src/client/completion.js';
import * as edit from '../../../src/client/input-line.js';
import { COMMAND_SYNTAX } from '../../../src/protocol/parse.js';

const typed = (text: string): edit.InputLine => edit.insert(edit.EMPTY_INPUT, text);
test('typing inserts at the cursor; Backspace, Delete, Home, End and the ctrl keys edit', () => {
  let input = typed('helo');
  input = edit.insert(edit.left(input), 'l');
  expect(input).toMatchObject({ text: 'hello', cursor: 4 });
  expect(edit.backspace(input)).toMatchObject({ text: 'helo', cursor: 3 });
  expect(edit.deleteForward(edit.home(input))).toMatchObject({ text: 'ello', cursor: 0 });
  expect(edit.end(edit.home(input)).cursor).toBe(5);
  expect(edit.killToStart(input)).toMatchObject({ text: 'o', cursor: 0 });
  expect(edit.killToEnd(input)).toMatchObject({ text: 'hell', cursor: 4 });
  expect(edit.deleteWord(typed('say hello  '))).toMatchObject({ text: 'say ', cursor: 4 });
  expect(edit.backspace(edit.home(input))).toEqual(edit.home(input));
});

test('a character outside the BMP is one step for the cursor and for Backspace', () => {
  const input = typed('a😀');
  expect(edit.left(input).cursor).toBe(1);
  expect(edit.backspace(input).text).toBe('a');
});

test('pasted control characters are dropped, tabs become spaces', () => {
  expect(typed('a\u0007b\tc\u001b').text).toBe('ab c');
});

test('Enter hands over the line and keeps it in history; blank lines are not sent', () => {
  const { line, input } = edit.submit(typed('hello'));
  expect(line).toBe('hello');
  expect(input).toMatchObject({ text: '', cursor: 0, history: ['hello'] });
  expect(edit.submit(typed('   ')).line).toBeUndefined();
});

test('Up and Down walk the history and bring back the line being typed', () => {
  let input = edit.EMPTY_INPUT;
  for (const line of ['one', 'two', 'two', 'three'])
    input = edit.submit(edit.insert(input, line)).input;
  expect(input.history).toEqual(['one', 'two', 'three']); // a repeat is kept once
  input = edit.insert(input, 'draft');
  input = edit.historyUp(input);
  expect(input).toMatchObject({ text: 'three', cursor: 5 });
  input = edit.historyUp(edit.historyUp(edit.historyUp(input)));
  expect(input.text).toBe('one');
  input = edit.historyDown(edit.historyDown(edit.historyDown(input)));
  expect(input.text).toBe('draft');
  expect(edit.historyDown(input)).toEqual(input);
});

test('history keeps the last MAX_HISTORY lines', () => {
  let input = edit.EMPTY_INPUT;
  for (let i = 0; i < edit.MAX_HISTORY + 5; i++)
    input = edit.submit(edit.insert(input, `l${i}`)).input;
  expect(input.history).toHaveLength(edit.MAX_HISTORY);
  expect(input.history[0]).toBe('l5');
});

describe('Tab completion', () => {
  const nicks = ['alice', 'Albert', 'bob'];
  const tab = (input: edit.InputLine, completing?: Completing) =>
    complete(input, completing, nicks);

  test('a nick at the start of the line gets ": ", elsewhere a space; Tab again cycles', () => {
    let done = tab(typed('al'));
    expect(done.input).toMatchObject({ text: 'Albert: ', cursor: 8 });
    done = tab(done.input, done.completing);
    expect(done.input.text).toBe('alice: ');
    done = tab(done.input, done.completing);
    expect(done.input.text).toBe('Albert: ');
    expect(tab(typed('/whisper B')).input.text).toBe('/whisper bob ');
  });

  test('commands at the start of the line, the text after the cursor kept', () => {
    expect(tab(typed('/wh')).input.text).toBe('/whisper ');
    const done = tab(tab(typed('/wh')).input, tab(typed('/wh')).completing);
    expect(done.input.text).toBe('/whois ');
    expect(tab(typed('/cl')).input.text).toBe('/clear ');
    const middle = edit.left(edit.left(edit.left(typed('hi b bye'))));
    expect(tab({ ...middle, cursor: 4 }).input).toMatchObject({ text: 'hi bob  bye', cursor: 7 });
  });

  test('every command of the server, and of the client, completes from its start', () => {
    const all = [...Object.keys(COMMAND_SYNTAX), 'clear', 'connect'];
    expect(all).toEqual(expect.arrayContaining(['login', 'kick', 'ban', 'unban', 'bans', 'stats']));
    for (const name of all) {
      const matches = tab(typed(`/${name.slice(0, 2)}`)).completing?.matches ?? [];
      expect(matches).toContain(`/${name} `);
    }
    expect(tab(typed('/lo')).input.text).toBe('/login ');
    expect(tab(typed('/st')).input.text).toBe('/stats ');
    expect(tab(typed('/unb')).input.text).toBe('/unban ');
    expect(tab(typed('/ban')).completing?.matches).toEqual(['/ban ', '/bans ']);
  });

  test('no match changes nothing', () => {
    const input = typed('zed');
    expect(tab(input)).toEqual({ input, completing: undefined });
    expect(tab(typed('say /wh')).input.text).toBe('say /wh');
  });
});
