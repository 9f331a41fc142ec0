/**
 * The whole screen: messages and users side by side, the status line, the input line. It draws
 * whatever the store holds and re-draws when it changes; the network never waits for it.
 */
import { Box } from 'ink';
import { useSyncExternalStore } from 'react';

import { visibleRows } from '../scrollback.js';
import type { Store } from '../store.js';
import { InputLine, TrustPrompt } from './InputLine.js';
import { MessagePane } from './MessagePane.js';
import { StatusLine } from './StatusLine.js';
import { useKeys, type KeyHandlers } from './use-keys.js';
import { useTerminalSize, type TerminalSize } from './use-terminal-size.js';
import { UserList, userListWidth } from './UserList.js';

export interface AppProps extends KeyHandlers {
  store: Store;
  /** Fixed size (tests); the terminal's otherwise. */
  size?: TerminalSize;
}

/**
 * The screen is one row short of the terminal: ink clears the whole terminal before each frame
 * of an output as tall as it, which flickers.
 */
const SPARE_ROWS = 1;

export function App({ store, size, ...handlers }: AppProps): React.JSX.Element {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const terminal = useTerminalSize();
  const { columns, rows } = size ?? terminal;
  const height = Math.max(3, rows - SPARE_ROWS);
  const usersWidth = userListWidth(state.users, columns);
  const pane = { width: Math.max(10, columns - usersWidth), height: height - 2 };
  useKeys(store.getState, pane, store.dispatch, handlers);
  const scrolledBack =
    state.scrollback.anchor === undefined ? undefined : { unseen: state.scrollback.unseen };
  return (
    <Box flexDirection="column" width={columns} height={height}>
      <Box height={pane.height}>
        <MessagePane
          rows={visibleRows(state.scrollback, pane)}
          width={pane.width}
          height={pane.height}
        />
        <UserList
          users={state.users}
          own={state.status.nick}
          width={usersWidth}
          height={pane.height}
        />
      </Box>
      <StatusLine status={state.status} scrolledBack={scrolledBack} width={columns} />
      {state.question === undefined ? (
        <InputLine input={state.input} width={columns} />
      ) : (
        <TrustPrompt question={state.question} width={columns} />
      )}
    </Box>
  );
}
