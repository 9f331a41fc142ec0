/**
 * The keyboard: every key is turned into a new input or scroll state at once, and Enter hands
 * the line to the session, which sends it without waiting; so typing never waits on the network.
 */
import { useInput, type Key } from 'ink';

import { complete } from '../completion.js';
import * as edit from '../input-line.js';
import { follow, pageDown, pageUp, type PaneSize } from '../scrollback.js';
import type { Action, ScreenState } from '../screen-state.js';

export interface KeyHandlers {
  line(line: string): void;
  answer(yes: boolean): void;
  quit(): void;
}

type Edit = (input: edit.InputLine) => edit.InputLine;

/** Ctrl-letter editing keys, as in a shell (emacs bindings). */
const CTRL_EDITS: Readonly<Record<string, Edit>> = {
  a: edit.home,
  e: edit.end,
  b: edit.left,
  f: edit.right,
  d: edit.deleteForward,
  u: edit.killToStart,
  k: edit.killToEnd,
  w: edit.deleteWord,
};

function editFor(input: string, key: Key): Edit | undefined {
  if (key.ctrl) return CTRL_EDITS[input];
  if (key.leftArrow) return edit.left;
  if (key.rightArrow) return edit.right;
  if (key.home) return edit.home;
  if (key.end) return edit.end;
  if (key.upArrow) return edit.historyUp;
  if (key.downArrow) return edit.historyDown;
  // Terminals send DEL (0x7f) for Backspace and ink calls it `delete`: both erase backwards.
  if (key.backspace || key.delete) return edit.backspace;
  if (input !== '' && !key.meta && !key.tab && !key.return && !key.escape) {
    return (line) => edit.insert(line, input);
  }
  return undefined;
}

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/**
 * Text with line ends in it (a paste, or keys typed faster than they were read) is one line
 * after another: each is typed and entered in turn.
 */
function typeLines(text: string, press: (input: string, key: Key) => void): void {
  const parts = text.split(/\r\n|\r|\n/);
  parts.forEach((part, i) => {
    if (part !== '') press(part, NO_KEY);
    if (i < parts.length - 1) press('\r', { ...NO_KEY, return: true });
  });
}

/** What one key does to the state, and what it asks of the session. */
export function onKey(
  getState: () => ScreenState,
  input: string,
  key: Key,
  size: PaneSize,
  dispatch: (action: Action) => void,
  handlers: KeyHandlers,
): void {
  if (!key.return && input.length > 1 && /[\r\n]/.test(input)) {
    return typeLines(input, (part, partKey) =>
      onKey(getState, part, partKey, size, dispatch, handlers),
    );
  }
  const state = getState();
  if (key.ctrl && input === 'c') return handlers.quit();
  if (state.question !== undefined) {
    if (/^[yYnN]$/.test(input)) handlers.answer(input.toLowerCase() === 'y');
    return;
  }
  if (key.pageUp) return dispatch({ type: 'scroll', scrollback: pageUp(state.scrollback, size) });
  if (key.pageDown)
    return dispatch({ type: 'scroll', scrollback: pageDown(state.scrollback, size) });
  if (key.tab) {
    const done = complete(state.input, state.completing, state.users);
    return dispatch({ type: 'input', input: done.input, completing: done.completing });
  }
  if (key.return) {
    const { line, input: next } = edit.submit(state.input);
    dispatch({ type: 'input', input: next });
    if (line === undefined) return;
    dispatch({ type: 'scroll', scrollback: follow(state.scrollback) });
    return handlers.line(line);
  }
  const change = editFor(input, key);
  if (change !== undefined) dispatch({ type: 'input', input: change(state.input) });
}

export function useKeys(
  getState: () => ScreenState,
  size: PaneSize,
  dispatch: (action: Action) => void,
  handlers: KeyHandlers,
): void {
  useInput((input, key) => onKey(getState, input, key, size, dispatch, handlers));
}
