/**
 * FloodControl on its own, on jest's fake clock: a burst goes through at once, then one line per
 * token; held lines keep their order and stop the reading until the last is through; the recvq
 * drops a client whose held input passes it; admins skip it; closing drops what is held. The
 * counters (held back now, throttled, held-back lines) follow.
 */
import { ProtocolError } from '../../src/protocol/errors';
import { ServerCounters } from '../../src/server/counters';
import { FloodControl, type FloodOptions, type InputItem } from '../../src/server/flood-control';

interface Probe {
  flood: FloodControl;
  counters: ServerCounters;
  delivered: InputItem[];
  reading: boolean[];
  overflows: [ProtocolError, string][];
  admin: { exempt: boolean };
}

/** `onDeliver` runs after each delivery, as the room would (a `/quit` closing the connection). */
function probe(
  options: Partial<FloodOptions> = {},
  onDeliver?: (p: Probe, item: InputItem) => void,
): Probe {
  const delivered: InputItem[] = [];
  const reading: boolean[] = [];
  const overflows: [ProtocolError, string][] = [];
  const admin = { exempt: false };
  const counters = new ServerCounters();
  const flood = new FloodControl(
    { burst: 3, ratePerSecond: 10, recvqBytes: 1000, ...options },
    {
      deliver: (item) => {
        delivered.push(item);
        onDeliver?.(p, item);
      },
      setReading: (on) => reading.push(on),
      overflow: (error, reason) => overflows.push([error, reason]),
      exempt: () => admin.exempt,
    },
    counters,
  );
  const p: Probe = { flood, counters, delivered, reading, overflows, admin };
  return p;
}

const lines = (from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, i) => `line ${from + i}`);

beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-12-01T12:00:00.000Z') }));
afterEach(() => jest.useRealTimers());

test('a burst goes through at once; the rest one per token, in order; reading stops meanwhile', () => {
  const p = probe();
  for (const line of lines(0, 8)) p.flood.offer(line);
  expect(p.delivered).toEqual(lines(0, 3));
  expect(p.reading).toEqual([false]);
  expect(p.flood.holding).toBe(true);
  expect(p.counters).toMatchObject({ throttled: 1, heldBackClients: 1, heldBackLines: 5 });
  expect(p.counters.heldBackBytes).toBe(5 * 'line 3'.length);
  jest.advanceTimersByTime(100); // 10 lines/s: one token
  expect(p.delivered).toEqual(lines(0, 4));
  jest.advanceTimersByTime(250);
  expect(p.delivered).toEqual(lines(0, 6));
  jest.advanceTimersByTime(200);
  expect(p.delivered).toEqual(lines(0, 8));
  expect(p.reading).toEqual([false, true]);
  expect(p.counters).toMatchObject({ heldBackClients: 0, heldBackBytes: 0, heldBackLines: 5 });
});

test('a line offered while others are held waits behind them, even if a token is there', () => {
  const p = probe({ burst: 1 });
  p.flood.offer('a');
  p.flood.offer('b');
  jest.advanceTimersByTime(50); // half a token
  p.flood.offer('c');
  expect(p.delivered).toEqual(['a']);
  jest.advanceTimersByTime(200);
  expect(p.delivered).toEqual(['a', 'b', 'c']);
});

test('tokens come back with time, up to the burst and no more', () => {
  const p = probe();
  for (const line of lines(0, 3)) p.flood.offer(line);
  jest.advanceTimersByTime(60_000); // a long silence refills the bucket to the burst only
  for (const line of lines(3, 10)) p.flood.offer(line);
  expect(p.delivered).toEqual(lines(0, 6));
});

test('errors from the framer keep their place among the lines', () => {
  const p = probe({ burst: 1 });
  const tooLong = new ProtocolError('line-too-long', 'line longer than 10 bytes');
  p.flood.offer('first');
  p.flood.offer(tooLong);
  p.flood.offer('last');
  jest.advanceTimersByTime(250);
  expect(p.delivered).toEqual(['first', tooLong, 'last']);
});

test('held-back input past the recvq: one overflow with a clear error', () => {
  const p = probe({ burst: 1, recvqBytes: 100 });
  p.flood.offer('x');
  for (let i = 0; i < 3; i++) p.flood.offer('y'.repeat(40));
  expect(p.overflows).toEqual([
    [
      expect.objectContaining({
        code: 'recvq-exceeded',
        message: 'you sent more than 100 bytes faster than 10 lines/s; disconnected',
      }),
      'recvq exceeded',
    ],
  ]);
  expect(p.counters.drops.recvq).toBe(1);
  p.flood.close(); // what the connection does then
  expect(p.counters).toMatchObject({ heldBackClients: 0, heldBackBytes: 0 });
  p.flood.offer('after');
  jest.advanceTimersByTime(1000);
  expect(p.delivered).toEqual(['x']);
});

test('more held-back lines than a minute lets through: excess flood, whatever their size', () => {
  const p = probe({ burst: 2, ratePerSecond: 1 });
  for (const line of lines(0, 62)) p.flood.offer(line);
  expect(p.overflows).toEqual([]);
  p.flood.offer('one more');
  expect(p.overflows).toEqual([
    [
      expect.objectContaining({
        code: 'excess-flood',
        message:
          'you sent more than 60 lines faster than 1 a second (a minute of them); disconnected',
      }),
      'excess flood',
    ],
  ]);
  expect(p.counters.drops.flood).toBe(1);
});

test('bytes are counted as UTF-8', () => {
  const p = probe({ burst: 1, recvqBytes: 1024 });
  p.flood.offer('x');
  p.flood.offer('é'.repeat(100));
  expect(p.flood.heldBytes).toBe(200);
});

test('an admin is exempt: nothing held, and what was held goes at the next tick', () => {
  const p = probe({ burst: 1 });
  p.flood.offer('a');
  p.flood.offer('b');
  p.flood.offer('c');
  p.admin.exempt = true;
  jest.advanceTimersByTime(100);
  expect(p.delivered).toEqual(['a', 'b', 'c']);
  for (const line of lines(0, 50)) p.flood.offer(line);
  expect(p.delivered).toHaveLength(53);
  expect(p.reading).toEqual([false, true]);
});

test('whenDrained waits for the last held line; close drops the rest and stops the timer', () => {
  const p = probe({ burst: 1 });
  const drained: string[] = [];
  p.flood.whenDrained(() => drained.push('at once'));
  p.flood.offer('a');
  p.flood.offer('b');
  p.flood.whenDrained(() => drained.push('later'));
  expect(drained).toEqual(['at once']);
  jest.advanceTimersByTime(100);
  expect(drained).toEqual(['at once', 'later']);

  p.flood.offer('c');
  p.flood.offer('d');
  p.flood.close();
  p.flood.close();
  jest.advanceTimersByTime(10_000);
  expect(p.delivered).toEqual(['a', 'b']);
  expect(jest.getTimerCount()).toBe(0);
  expect(p.counters).toMatchObject({ heldBackClients: 0, heldBackBytes: 0, throttled: 2 });
});

test('a held line that closes the connection (/quit, the last one held) leaves no count behind', () => {
  for (const input of [
    ['a', 'b', '/quit'],
    ['a', '/quit', 'c'],
  ]) {
    const p = probe({ burst: 1 }, (q, item) => item === '/quit' && q.flood.close());
    for (const line of input) p.flood.offer(line);
    expect(p.counters).toMatchObject({ heldBackClients: 1 });
    jest.advanceTimersByTime(1000);
    expect(p.delivered).toEqual(input.slice(0, input.indexOf('/quit') + 1));
    expect(p.counters).toMatchObject({ heldBackClients: 0, heldBackBytes: 0 });
    expect(jest.getTimerCount()).toBe(0);
  }
});

test('a fractional rate: half a line a second', () => {
  const p = probe({ burst: 1, ratePerSecond: 0.5 });
  p.flood.offer('a');
  p.flood.offer('b');
  jest.advanceTimersByTime(1999);
  expect(p.delivered).toEqual(['a']);
  jest.advanceTimersByTime(1);
  expect(p.delivered).toEqual(['a', 'b']);
});
