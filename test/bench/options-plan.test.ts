/** The bench's command line, which servers it finds in selectchat's --help, and its plan. */
import type { Binaries } from '../../bench/build-c';
import { parseSettings } from '../../bench/options';
import { estimateS, planRuns, select } from '../../bench/plan';
import { selectchatBackends, serverSpecs } from '../../bench/servers';

const HELP_NOW = `Usage: selectchat-server [options]

Options:
  --port <port>                  plain TCP port (0: any free port; off: none)
  --tls-port <port>              TLS port (0: any free port; off: none)
  --max-fds <n>                  the select backend's ceiling: connections whose
                                 fd reaches it are refused (default: 8192)
  -h, --help                     display help for command
`;

const HELP_WITH_BACKENDS = HELP_NOW.replace(
  '  -h, --help',
  '  --backend <name>               readiness backend: select, poll, epoll or\n' +
    '                                 node (default: "select")\n' +
    '  --flood-rate <n>               lines per second (0: off)\n  -h, --help',
);

const binaries: Binaries = {
  refServer: '/x/ref-server',
  loadgen: '/x/loadgen',
  compiler: 'cc',
  tls: true,
};
const context = { binaries, dataDir: '/tmp/d', connections: 100 };

describe('options', () => {
  test('defaults: the issue workload, both placements, every N of the issue', () => {
    const s = parseSettings([]);
    expect(s.clients).toEqual([10, 100, 500, 1000]);
    expect(s.pins).toEqual(['split', 'same']);
    expect(s.tlsPins).toEqual(['split']);
    expect([s.senders, s.window, s.reps]).toEqual([10, 64, 3]);
    expect(s.transports).toEqual(['plain', 'tls']);
    expect(s.experiments).toEqual(['fanout', 'idle']);
  });

  test('--quick shortens everything, explicit options still win', () => {
    const s = parseSettings(['--quick', '--clients', '2,50,2', '--pin', 'none']);
    expect(s.clients).toEqual([2, 50]);
    expect(s.pins).toEqual(['none']);
    expect([s.reps, s.durationMs, s.warmupMs]).toEqual([1, 400, 200]);
  });

  test.each([
    [['--clients', '10,x'], /must be a positive integer/],
    [['--pin', 'apart'], /must be one of split, same, none/],
    [['--transports', 'quic'], /must be one of plain, tls/],
    [['--reps', '0'], /must be a positive integer/],
    [['--frobnicate'], /unknown option/],
  ])('%j is refused with a clear error', (args, message) => {
    expect(() => parseSettings(args, true)).toThrow(message);
  });
});

describe('servers from --help', () => {
  test('before --backend exists: the built-in select backend, no --backend flag', () => {
    expect(selectchatBackends(HELP_NOW)).toEqual({ names: ['select'], flag: false });
    const select = serverSpecs(HELP_NOW).find((spec) => spec.name === 'select');
    const command = select?.command(context) ?? [];
    expect(command).not.toContain('--backend');
    expect(command).not.toContain('--flood-rate');
    expect(command.join(' ')).toContain('--port 0 --tls-port off');
  });

  test('with --backend: every backend it names, plain and TLS, flood control off', () => {
    const specs = serverSpecs(HELP_WITH_BACKENDS);
    expect(specs.map((spec) => spec.name)).toEqual([
      'c-ref',
      'c-ref-format',
      'select',
      'poll',
      'epoll',
      'node',
      'select+tls',
      'poll+tls',
      'epoll+tls',
      'node+tls',
    ]);
    const epollTls = specs
      .find((spec) => spec.name === 'epoll+tls')
      ?.command(context)
      .join(' ');
    expect(epollTls).toContain('--port off --tls-port 0 --backend epoll --flood-rate 0');
    expect(epollTls).toContain('--data-dir /tmp/d');
  });

  test('select past its default ceiling gets --max-fds; the others do not', () => {
    const specs = serverSpecs(HELP_WITH_BACKENDS);
    const big = { ...context, connections: 10000 };
    expect(specs.find((s) => s.name === 'select')?.command(big)).toContain('--max-fds');
    expect(specs.find((s) => s.name === 'select')?.command(context)).not.toContain('--max-fds');
    expect(specs.find((s) => s.name === 'epoll')?.command(big)).not.toContain('--max-fds');
  });
});

describe('plan', () => {
  const specs = serverSpecs(HELP_WITH_BACKENDS);

  test('warm-ups first, then servers alternating within each repetition; TLS where asked', () => {
    const settings = parseSettings([
      '--clients',
      '10,100',
      '--reps',
      '2',
      '--experiments',
      'fanout',
    ]);
    const runs = planRuns(settings, select(settings, specs, undefined, 20000));
    const warmups = runs.filter((r) => r.rep < 0);
    expect(warmups).toHaveLength(specs.length);
    const firstRep = runs.slice(warmups.length, warmups.length + specs.length);
    expect(firstRep.map((r) => r.spec.name)).toEqual(specs.map((s) => s.name));
    expect(new Set(firstRep.map((r) => `${r.pin} ${r.clients} ${r.rep}`)).size).toBe(1);
    const same = runs.filter((r) => r.pin === 'same');
    expect(same.some((r) => r.spec.transport === 'tls')).toBe(false);
    // 2 placements × 2 N × 2 reps: 10 servers apart, 6 (no TLS) server-bound.
    expect(runs).toHaveLength(specs.length + 2 * 2 * 10 + 2 * 2 * 6);
    expect(estimateS(runs, settings)).toBeGreaterThan(runs.length * 2);
  });

  test('without TLS in the generator, TLS runs are skipped and the reason kept', () => {
    const settings = parseSettings(['--experiments', 'fanout']);
    const chosen = select(settings, specs, 'install libssl-dev', 20000);
    expect(chosen.fanout.every((spec) => spec.transport === 'plain')).toBe(true);
    expect(chosen.skipped).toEqual(['TLS runs skipped: install libssl-dev']);
  });

  test('sizes past the fd limit are skipped, saying so; unknown servers are refused', () => {
    const settings = parseSettings(['--clients', '10,7000', '--idle', '100,9000']);
    const chosen = select(settings, specs, undefined, 6000);
    expect(chosen.clients).toEqual([10]);
    expect(chosen.idleCounts).toEqual([100]);
    expect(chosen.skipped).toEqual([
      'N = 7000 skipped: the fd limit is 6000 (ulimit -Hn); it needs 7064',
      'idle = 9000 skipped: the fd limit is 6000 (ulimit -Hn); it needs 9069',
    ]);
    expect(() => select(parseSettings(['--servers', 'kqueue']), specs, undefined, 6000)).toThrow(
      /unknown server kqueue: this checkout has c-ref, c-ref-format, select, poll, epoll, node/,
    );
  });

  test('the idle experiment runs the plain selectchat backends and c-ref only', () => {
    const settings = parseSettings(['--experiments', 'idle', '--idle', '10,1000']);
    const runs = planRuns(settings, select(settings, specs, undefined, 20000));
    const names = new Set(runs.map((r) => r.spec.name));
    expect([...names]).toEqual(['c-ref', 'select', 'poll', 'epoll', 'node']);
    expect(runs.every((r) => r.experiment === 'idle' && r.clients === 5)).toBe(true);
  });
});
