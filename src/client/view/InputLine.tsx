/**
 * The input line: a prompt, the text, and a cursor drawn as an inverse cell. A line longer than
 * the screen scrolls sideways so the cursor stays in view.
 */
import { Box, Text } from 'ink';

import type { InputLine as Input } from '../input-line.js';
import type { TrustQuestion } from '../screen-state.js';

const PROMPT = '> ';

/** The part of `text` to show in `room` columns so that `cursor` is visible. */
export function inputWindow(
  text: string,
  cursor: number,
  room: number,
): { before: string; at: string; after: string } {
  const chars = Array.from(text);
  const index = Array.from(text.slice(0, cursor)).length;
  const start = Math.max(0, index - Math.max(1, room - 1));
  const visible = chars.slice(start, start + room);
  const at = index - start;
  return {
    before: visible.slice(0, at).join(''),
    at: visible[at] ?? ' ',
    after: visible.slice(at + 1).join(''),
  };
}

export function InputLine({ input, width }: { input: Input; width: number }): React.JSX.Element {
  const { before, at, after } = inputWindow(
    input.text,
    input.cursor,
    Math.max(1, width - PROMPT.length - 1),
  );
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate">
        <Text bold>{PROMPT}</Text>
        {before}
        <Text inverse>{at}</Text>
        {after}
      </Text>
    </Box>
  );
}

/** In place of the input line while the trust question waits. */
export function TrustPrompt({
  question,
  width,
}: {
  question: TrustQuestion;
  width: number;
}): React.JSX.Element {
  return (
    <Box width={width} height={1}>
      <Text color="yellow" bold wrap="truncate">
        Trust the certificate of {question.server} and remember it? [y/n]{' '}
      </Text>
    </Box>
  );
}
