import { LineArena } from '../../src/protocol/line-arena';
import { WriteQueue } from '../../src/transport/write-queue';

const joined = (buffers: Buffer[]): string => Buffer.concat(buffers).toString();

describe('WriteQueue', () => {
  test('lines adjacent in memory go out as one buffer; others stay apart', () => {
    const arena = new LineArena();
    const queue = new WriteQueue();
    queue.push(arena.encode('a\n'));
    queue.push(arena.encode('b\n'));
    queue.push(Buffer.from('separate\n'));
    queue.push(arena.encode('c\n'));
    const front = queue.front(16);
    expect(front.map(String)).toEqual(['a\nb\n', 'separate\n', 'c\n']);
    expect(queue.bytes).toBe(15);
  });

  test('a line skipped for one client (a filter) splits its run, and order is kept', () => {
    const arena = new LineArena();
    const queue = new WriteQueue();
    const [one, two, three] = ['1\n', '2\n', '3\n'].map((l) => arena.encode(l));
    queue.push(one);
    queue.push(three); // two is not for this client
    expect(queue.front(16).map(String)).toEqual(['1\n', '3\n']);
    expect(two.toString()).toBe('2\n');
  });

  test('front() returns at most max buffers, after merging', () => {
    const queue = new WriteQueue();
    for (let i = 0; i < 10; i++) queue.push(Buffer.from(`${i}`));
    expect(queue.front(3).length).toBe(3);
  });

  test('advance() drops written bytes, splitting a chunk part-way, and empties', () => {
    const arena = new LineArena();
    const queue = new WriteQueue();
    for (const line of ['hello\n', 'world\n']) queue.push(arena.encode(line));
    queue.advance(8);
    expect(joined(queue.front(16))).toBe('rld\n');
    queue.advance(4);
    expect(queue.empty).toBe(true);
    expect(queue.front(16)).toEqual([]);
  });
});
