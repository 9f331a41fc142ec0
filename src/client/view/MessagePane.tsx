/** The scrolling message pane: the rows the scrollback says are on screen, styled by kind. */
import { Box, Text } from 'ink';

import type { ScreenRow } from '../scrollback.js';
import { LINE_LOOKS, segmentLook } from './styles.js';

export interface MessagePaneProps {
  rows: readonly ScreenRow[];
  width: number;
  height: number;
}

export function MessagePane({ rows, width, height }: MessagePaneProps): React.JSX.Element {
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {rows.map(({ kind, row, seq }, i) => (
        <Text key={`${seq}.${i}`} wrap="truncate">
          {row.map((segment, j) => (
            // Each segment carries its whole look: nested styles would end at the first nick.
            <Text key={j} {...LINE_LOOKS[kind]} {...segmentLook(segment)}>
              {segment.text}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}
