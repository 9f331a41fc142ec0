/**
 * The full-screen client: the store, the session and ink, wired together on the terminal's
 * alternate screen (so the shell's scrollback is left as it was when the client exits).
 */
import { render } from 'ink';

import type { ClientOptions } from './options.js';
import { initialState } from './screen-state.js';
import { screenView } from './screen-view.js';
import { Session } from './session.js';
import { Store } from './store.js';
import { hostKey } from './known-hosts.js';
import { App } from './view/App.js';

const ALTERNATE_SCREEN = '\u001b[?1049h';
const NORMAL_SCREEN = '\u001b[?1049l';
const SHOW_CURSOR = '\u001b[?25h';

export function runTui(options: ClientOptions): void {
  const stdout = process.stdout;
  const store = new Store(
    initialState({
      server: hostKey(options.host, options.port),
      transport: options.tls === undefined ? 'plain' : 'tls',
      insecure: options.tls?.kind === 'insecure',
    }),
  );
  let leaving = false;
  const restore = (): void => {
    stdout.write(SHOW_CURSOR + NORMAL_SCREEN);
  };
  const exit = (code: number): void => {
    if (leaving) return;
    leaving = true;
    instance.unmount();
    restore();
    process.exit(code);
  };
  const { view, answer } = screenView(store, exit);
  const session = new Session(options, view);
  stdout.write(ALTERNATE_SCREEN);
  process.once('exit', restore);
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.once(signal, () => exit(0));
  const instance = render(
    <App
      store={store}
      line={(line) => session.submit(line)}
      answer={answer}
      quit={() => session.quit()}
    />,
    { exitOnCtrlC: false, patchConsole: true },
  );
  session.start();
}
