/**
 * Everything the screen shows, as one immutable value, and the one reducer that changes it. The
 * session (network side) and the keyboard (view side) both only dispatch actions, so neither
 * waits for the other, and every screen state is reachable from a test without a terminal.
 */
import type { ChatEvent } from './chat-event.js';
import { describe, localStamp } from './display-line.js';
import { EMPTY_INPUT, type InputLine } from './input-line.js';
import type { Completing } from './completion.js';
import { append, clear, EMPTY_SCROLLBACK, type Scrollback } from './scrollback.js';
import { updateUsers } from './users.js';

export type LinkState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface Status {
  /** `host:port`. */
  server: string;
  transport: 'plain' | 'tls';
  /** The server certificate's SHA-256, once the handshake showed it. */
  fingerprint: string | undefined;
  insecure: boolean;
  nick: string | undefined;
  link: LinkState;
  /** e.g. `in 4s`, shown after the link state. */
  detail: string | undefined;
}

/** An unknown self-signed server, waiting for the user's yes or no. */
export interface TrustQuestion {
  server: string;
  fingerprint: string;
}

export interface ScreenState {
  readonly scrollback: Scrollback;
  readonly users: readonly string[];
  readonly status: Status;
  readonly input: InputLine;
  readonly completing: Completing | undefined;
  readonly question: TrustQuestion | undefined;
}

export type Action =
  /** A server event; `show: false` updates state without a line (the client's own `/list`). */
  | { type: 'event'; event: ChatEvent; show: boolean }
  /** The client's own words: connection changes, trust, refusals. */
  | { type: 'notice'; text: string; alert: boolean; time: Date }
  | { type: 'status'; status: Partial<Status> }
  | { type: 'users'; users: readonly string[] }
  | { type: 'clear' }
  | { type: 'scroll'; scrollback: Scrollback }
  | { type: 'input'; input: InputLine; completing?: Completing }
  | { type: 'ask'; question: TrustQuestion | undefined };

export function initialState(
  status: Omit<Status, 'fingerprint' | 'nick' | 'detail' | 'link'>,
): ScreenState {
  return {
    scrollback: EMPTY_SCROLLBACK,
    users: [],
    status: {
      ...status,
      fingerprint: undefined,
      nick: undefined,
      link: 'connecting',
      detail: undefined,
    },
    input: EMPTY_INPUT,
    completing: undefined,
    question: undefined,
  };
}

function withEvent(state: ScreenState, event: ChatEvent, show: boolean): ScreenState {
  const users = updateUsers(state.users, event);
  if (!show) return { ...state, users };
  const { kind, segments } = describe(event);
  return {
    ...state,
    users,
    scrollback: append(state.scrollback, kind, localStamp(event.time), segments),
  };
}

export function reduce(state: ScreenState, action: Action): ScreenState {
  switch (action.type) {
    case 'event':
      return withEvent(state, action.event, action.show);
    case 'notice': {
      const kind = action.alert ? 'alert' : 'notice';
      const stamp = localStamp(action.time.toISOString());
      const scrollback = append(state.scrollback, kind, stamp, [{ text: `*** ${action.text}` }]);
      return { ...state, scrollback };
    }
    case 'status':
      return { ...state, status: { ...state.status, ...action.status } };
    case 'users':
      return { ...state, users: action.users };
    case 'clear':
      return { ...state, scrollback: clear(state.scrollback) };
    case 'scroll':
      return { ...state, scrollback: action.scrollback };
    case 'input':
      return { ...state, input: action.input, completing: action.completing };
    case 'ask':
      return { ...state, question: action.question };
  }
}
