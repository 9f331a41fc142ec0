/** The user list pane: who is here, in join order, each nick in its colour, our own underlined. */
import { Box, Text } from 'ink';

import { nickKey } from '../../protocol/nick.js';
import { tabsAsSpaces } from '../display-line.js';
import { nickColour } from '../nick-colour.js';

export interface UserListProps {
  users: readonly string[];
  own: string | undefined;
  width: number;
  height: number;
}

export function UserList({ users, own, width, height }: UserListProps): React.JSX.Element {
  const room = Math.max(0, height - 1);
  const shown = users.length > room ? users.slice(0, Math.max(0, room - 1)) : users;
  const hidden = users.length - shown.length;
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      borderStyle="single"
      borderTop={false}
      borderRight={false}
      borderBottom={false}
      paddingLeft={1}
      overflow="hidden"
    >
      <Text bold wrap="truncate">
        users ({users.length})
      </Text>
      {shown.map((nick) => (
        <Text
          key={nickKey(nick)}
          color={nickColour(nick)}
          underline={own !== undefined && nickKey(own) === nickKey(nick)}
          wrap="truncate"
        >
          {tabsAsSpaces(nick)}
        </Text>
      ))}
      {hidden > 0 && <Text dimColor>+{hidden} more</Text>}
    </Box>
  );
}

/** Wide enough for the longest nick (within limits), the border and the padding. */
export function userListWidth(users: readonly string[], columns: number): number {
  const longest = users.reduce((max, nick) => Math.max(max, nick.length), 'users (999)'.length);
  return Math.min(Math.max(14, longest + 3), 28, Math.floor(columns / 3));
}
