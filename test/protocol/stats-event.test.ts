/** The STATS event (answer to /stats): exactly a name and a value, no text; and its codes. */
import { ERROR_CODES } from '../../src/protocol/errors';
import { EVENT_TYPES } from '../../src/protocol/format';
import { parseEvent } from '../../src/protocol/event-parser';

const T = '2026-11-24T16:55:58.414Z';

test('STATS <name> <value>: two ARGs, no TEXT', () => {
  expect(EVENT_TYPES).toContain('STATS');
  expect(parseEvent(`${T} STATS max-clients 8168`)).toEqual({
    time: T,
    type: 'STATS',
    args: ['max-clients', '8168'],
  });
  expect(parseEvent(`${T} STATS ip:2001:db8::/64 2`)).toMatchObject({
    args: ['ip:2001:db8::/64', '2'],
  });
  for (const bad of [`${T} STATS clients`, `${T} STATS a 1 2`, `${T} STATS a 1 :why`]) {
    expect(parseEvent(bad)).toBeInstanceOf(Error);
  }
});

test('the limits codes are live, and so are internal-error and the flood codes', () => {
  for (const code of [
    'server-full',
    'too-many-connections',
    'recvq-exceeded',
    'excess-flood',
    'internal-error',
  ] as const) {
    expect(ERROR_CODES).toContain(code);
  }
});
