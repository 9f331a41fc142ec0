/**
 * The session's view of the full-screen client: everything the session says becomes an action
 * on the store, and the trust question waits for the user's key. Apart from tui.tsx so that a
 * test can drive the real screen from a real session without a terminal.
 */
import type { SessionView } from './session.js';
import type { Store } from './store.js';

export interface ScreenView {
  view: SessionView;
  /** The user's answer to the trust question on screen (ignored when none is asked). */
  answer(yes: boolean): void;
}

export function screenView(store: Store, exit: (code: number) => void): ScreenView {
  let answer: ((yes: boolean) => void) | undefined;
  const view: SessionView = {
    event: (event, _line, show) => store.dispatch({ type: 'event', event, show }),
    notice: (text, alert) => store.dispatch({ type: 'notice', text, alert, time: new Date() }),
    status: (status) => store.dispatch({ type: 'status', status }),
    ask: (question) =>
      new Promise<boolean>((resolve) => {
        store.dispatch({ type: 'ask', question });
        answer = (yes) => {
          answer = undefined;
          store.dispatch({ type: 'ask', question: undefined });
          resolve(yes);
        };
      }),
    clear: () => store.dispatch({ type: 'clear' }),
    exit,
  };
  return { view, answer: (yes) => answer?.(yes) };
}
