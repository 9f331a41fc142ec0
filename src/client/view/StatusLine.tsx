/** The status line: server, plain or TLS (and its fingerprint), own nick, link state, scrolling. */
import { Box, Text } from 'ink';

import { tabsAsSpaces } from '../display-line.js';
import type { LinkState, Status } from '../screen-state.js';
import { shortFingerprint } from '../trust.js';

const LINK_COLOURS: Readonly<Record<LinkState, string>> = {
  connecting: 'yellow',
  connected: 'green',
  reconnecting: 'yellow',
  disconnected: 'red',
};

export interface StatusLineProps {
  status: Status;
  /** Scrolled back: how many lines arrived below. */
  scrolledBack: { unseen: number } | undefined;
  width: number;
}

function Transport({ status }: { status: Status }): React.JSX.Element {
  if (status.transport === 'plain') return <Text>plain TCP</Text>;
  if (status.insecure) {
    return (
      <Text backgroundColor="red" color="white" bold>
        TLS INSECURE: certificate not checked
      </Text>
    );
  }
  const print = status.fingerprint === undefined ? '' : ` ${shortFingerprint(status.fingerprint)}`;
  return <Text>TLS{print}</Text>;
}

export function StatusLine({ status, scrolledBack, width }: StatusLineProps): React.JSX.Element {
  const link = status.detail === undefined ? status.link : `${status.link} ${status.detail}`;
  return (
    <Box width={width} height={1} overflow="hidden">
      <Text backgroundColor="blue" color="white" wrap="truncate">
        {' '}
        {status.server} │ <Transport status={status} /> │{' '}
        <Text bold>{tabsAsSpaces(status.nick ?? '-')}</Text> │{' '}
        <Text color={LINK_COLOURS[status.link]} bold>
          {link}
        </Text>
        {scrolledBack !== undefined && (
          <Text color="yellow">
            {' '}
            │ scrolled back{scrolledBack.unseen > 0
              ? `, ${scrolledBack.unseen} new below`
              : ''}{' '}
            (PgDn)
          </Text>
        )}{' '}
      </Text>
    </Box>
  );
}
