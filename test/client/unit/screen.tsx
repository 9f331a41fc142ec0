/**
 * The client's screen under ink's test renderer: a store to feed events into, keys to press,
 * and the frame to read back (plain, or with its styles via ansi.ts).
 */
import { render } from 'ink-testing-library';

import { toChatEvent } from '../../../src/client/chat-event.js';
import { initialState, type Status } from '../../../src/client/screen-state.js';
import { Store } from '../../../src/client/store.js';
import { App } from '../../../src/client/view/App.js';
import { teardown } from '../../helpers/teardown.js';
import { plain } from './ansi.js';

export const T = '2026-11-24T16:55:58.414Z';

export const KEYS = {
  enter: '\r',
  tab: '\t',
  up: '\u001b[A',
  down: '\u001b[B',
  left: '\u001b[D',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  backspace: '\u007f',
  ctrlC: '\u0003',
} as const;

/** Resolves on the next turn of the event loop, after React and ink have drawn. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface Screen {
  store: Store;
  sent: string[];
  answers: boolean[];
  quits: number[];
  /** The last frame, with its escape codes. */
  frame(): string;
  /** Waits until the plain frame passes `check`, and returns the frame. */
  until(check: (plainFrame: string) => boolean): Promise<string>;
  press(...keys: string[]): Promise<void>;
  server(line: string): void;
  status(status: Partial<Status>): void;
}

export async function mount(
  size = { columns: 80, rows: 12 },
  status: Partial<Status> = {},
): Promise<Screen> {
  const store = new Store(
    initialState({ server: '127.0.0.1:7000', transport: 'plain', insecure: false }),
  );
  store.dispatch({ type: 'status', status });
  const sent: string[] = [];
  const answers: boolean[] = [];
  const quits: number[] = [];
  const app = render(
    <App
      store={store}
      size={size}
      line={(line) => sent.push(line)}
      answer={(yes) => answers.push(yes)}
      quit={() => quits.push(1)}
    />,
  );
  teardown(() => app.unmount());
  await turn(); // ink listens for keys from an effect
  const frame = (): string => app.lastFrame() ?? '';
  return {
    store,
    sent,
    answers,
    quits,
    frame,
    async until(check) {
      for (let i = 0; i < 500; i++) {
        if (check(plain(frame()))) return frame();
        await turn();
      }
      throw new Error(`the screen never got there:\n${plain(frame())}`);
    },
    async press(...keys) {
      for (const key of keys) {
        app.stdin.write(key);
        await turn();
      }
    },
    server(line) {
      store.dispatch({ type: 'event', event: toChatEvent(`${T} ${line}`), show: true });
    },
    status(next) {
      store.dispatch({ type: 'status', status: next });
    },
  };
}

/** The user list, plain: what the pane rows (not status or input) show right of the border. */
export function userPane(frame: string): string[] {
  return plain(frame)
    .split('\n')
    .slice(1, -2)
    .map((row) => row.split('│').at(-1)?.trim() ?? '')
    .filter((cell) => cell !== '');
}

/** The input line (the last row), plain. */
export function inputRow(frame: string): string {
  return plain(frame).split('\n').at(-1)?.trimEnd() ?? '';
}
