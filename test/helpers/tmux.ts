/**
 * A terminal for end-to-end tests of the full-screen client: a tmux server on a private socket
 * (`tmux -L`, so a user's own tmux is never touched), one session per client, keys sent with
 * `send-keys` and the screen read with `capture-pane`. The tmux server and every program in it
 * are killed after the test.
 */
import { spawnSync } from 'node:child_process';

import { distModule } from './process';
import { teardown } from './teardown';

let sockets = 0;

/** How long a screen may take to show what a test waits for (the machine is shared). */
const SCREEN_TIMEOUT_MS = 20_000;

export interface ClientTerminal {
  /** Types `keys` (tmux key names such as `Enter`, `PageUp`, or literal text with `literal`). */
  keys(...keys: string[]): void;
  /** Types text exactly as given, then Enter. */
  line(text: string): void;
  /** The screen as text, one string per row. */
  screen(): string;
  /** The screen with the escape codes of its styles, as tmux redraws it (`capture-pane -e`). */
  styled(): string;
  /** The pane's title, which a program may set (OSC 0/2). */
  title(): string;
  /** Waits until the screen shows `pattern`, and returns the screen. */
  waitFor(pattern: RegExp | string): Promise<string>;
}

export class Tmux {
  private readonly socket = `selectchat-test-${process.pid}-${++sockets}`;

  constructor() {
    teardown(() => {
      this.tmux(['kill-server'], false);
    });
  }

  private tmux(args: readonly string[], check = true): string {
    const result = spawnSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], {
      encoding: 'utf8',
    });
    if (check && result.status !== 0) {
      throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr || result.error}`);
    }
    return result.stdout;
  }

  /** Lets programs write tmux's clipboard (OSC 52), so that a test sees whether one tried. */
  allowClipboard(): void {
    this.tmux(['set-option', '-g', 'set-clipboard', 'on']);
  }

  /** What is in tmux's clipboard (its paste buffers), newest first. */
  pasteBuffers(): string[] {
    const listed = this.tmux(['list-buffers', '-F', '#{buffer_name}'], false);
    const names = listed.split('\n').filter((name) => name !== '');
    return names.map((name) => this.tmux(['show-buffer', '-b', name]));
  }

  /**
   * Starts `selectchat args` in a new session of `columns` x `rows`, with `env` added (e.g.
   * XDG_CONFIG_HOME). The pane stays after the client exits, so its last screen can be read.
   */
  client(
    name: string,
    args: readonly string[],
    env: Record<string, string>,
    columns = 100,
    rows = 30,
  ): ClientTerminal {
    const main = distModule('src/client/main');
    // CI machines set CI, which makes ink draw nothing until exit; the client must draw anyway.
    const vars = Object.entries({ CI: 'true', ...env }).map(([key, value]) => `${key}=${value}`);
    this.tmux([
      'new-session',
      '-d',
      '-s',
      name,
      '-x',
      String(columns),
      '-y',
      String(rows),
      'env',
      ...vars,
      process.execPath,
      main,
      ...args,
    ]);
    this.tmux(['set-option', '-t', name, 'remain-on-exit', 'on']);
    const screen = (): string => this.tmux(['capture-pane', '-p', '-t', name]);
    return {
      keys: (...keys) => {
        this.tmux(['send-keys', '-t', name, ...keys]);
      },
      line: (text) => {
        this.tmux(['send-keys', '-t', name, '-l', text]);
        this.tmux(['send-keys', '-t', name, 'Enter']);
      },
      screen,
      styled: () => this.tmux(['capture-pane', '-p', '-e', '-t', name]),
      title: () => this.tmux(['display-message', '-p', '-t', name, '#{pane_title}']).trimEnd(),
      waitFor: (pattern) => waitForScreen(screen, pattern),
    };
  }
}

async function waitForScreen(screen: () => string, pattern: RegExp | string): Promise<string> {
  const deadline = Date.now() + SCREEN_TIMEOUT_MS;
  const matches = (text: string): boolean =>
    typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
  let last = '';
  while (Date.now() < deadline) {
    last = screen();
    if (matches(last)) return last;
    // The client is another process: nothing to await but its next frame.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the screen never showed ${String(pattern)}; it shows:\n${last}`);
}

/** What the user list pane shows, its title first: the rows right of its border. */
export function userList(screen: string): string[] {
  const rows = screen.split('\n');
  const border = (rows[0] ?? '').lastIndexOf('│');
  const pane: string[] = [];
  for (const row of rows) {
    if (border < 0 || row[border] !== '│') break;
    pane.push(row.slice(border + 1).trim());
  }
  return pane.filter((nick) => nick !== '');
}
