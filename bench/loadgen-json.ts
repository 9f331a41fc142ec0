/** The load generator's JSON line (bench/c/loadgen.c `report`) as the figures of one run. */
import { encode, fromBuckets, percentilesUs, type Buckets } from './latency';

/** What one run measured. */
export interface RunMetrics {
  connectS: number;
  windowS: number;
  messagesPerS: number;
  deliveriesPerS: number;
  /** From HdrHistogram (latency.ts): send → the read that brought the line. */
  latencyUs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** The window's latency histogram, HdrHistogram's compressed base64. */
  latencyHdr: string;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  badLines: number;
  /** JOIN, QUIT, …: lines that are not messages, ignored (selectchat announces every join). */
  otherLines: number;
  serverCpuS: number;
  /** Server CPU time over the window, % of one CPU. */
  serverCpuPct: number;
  /** Server CPU time per delivery: the honest figure when server-bound. */
  serverNsPerDelivery: number;
  serverPeakRssKb: number;
  loadgenCpuS: number;
  loadgenCpuPct: number;
  /** Deliveries the generator handles per CPU-second of its own: its capacity. */
  loadgenDeliveriesPerCpuS: number;
  loadgenSyscallsPerDelivery: number;
  /** Everyone else on the machine (other processes, unattributed kernel work), % of one CPU. */
  othersCpuPct: number;
  cpuBusyPct: number[];
  stealPct: number;
}

type Json = Record<string, unknown>;

function num(obj: Json, key: string): number {
  const value = obj[key];
  if (typeof value !== 'number') throw new Error(`loadgen JSON: ${key} is not a number`);
  return value;
}

function sub(obj: Json, key: string): Json {
  const value = obj[key];
  if (typeof value !== 'object' || value === null) throw new Error(`loadgen JSON: no ${key}`);
  return value as Json;
}

function buckets(obj: Json): Buckets {
  const value = obj.latency_hist_ns;
  if (!Array.isArray(value)) throw new Error('loadgen JSON: no latency_hist_ns');
  return value.map((pair: unknown) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new Error('loadgen JSON: bad bucket');
    return [Number(pair[0]), Number(pair[1])];
  });
}

export function parseLoadgen(line: string): RunMetrics {
  const raw: unknown = JSON.parse(line);
  if (typeof raw !== 'object' || raw === null) throw new Error('loadgen JSON: not an object');
  const o = raw as Json;
  const calls = sub(o, 'loadgen_syscalls');
  const busy = o.cpu_busy_pct;
  const windowS = num(o, 'window_s');
  const deliveries = num(o, 'deliveries');
  const serverCpuS = num(o, 'server_cpu_s');
  const loadgenCpuS = num(o, 'loadgen_cpu_s');
  const syscalls = num(calls, 'reads') + num(calls, 'writes') + num(calls, 'waits');
  const pct = (seconds: number): number => (100 * seconds) / windowS;
  const histogram = fromBuckets(buckets(o));
  const { p50, p90, p99, max, mean } = percentilesUs(histogram);
  return {
    connectS: num(o, 'connect_s'),
    windowS,
    messagesPerS: num(o, 'messages_per_s'),
    deliveriesPerS: num(o, 'deliveries_per_s'),
    latencyUs: { p50, p90, p99, max, mean },
    latencyHdr: encode(histogram),
    lost: num(o, 'lost'),
    duplicated: num(o, 'duplicated'),
    outOfOrder: num(o, 'out_of_order'),
    badLines: num(o, 'bad_lines'),
    otherLines: num(o, 'other_lines'),
    serverCpuS,
    serverCpuPct: pct(serverCpuS),
    serverNsPerDelivery: deliveries > 0 ? (1e9 * serverCpuS) / deliveries : Number.NaN,
    serverPeakRssKb: num(o, 'server_peak_rss_kb'),
    loadgenCpuS,
    loadgenCpuPct: pct(loadgenCpuS),
    loadgenDeliveriesPerCpuS: loadgenCpuS > 0 ? deliveries / loadgenCpuS : Number.NaN,
    loadgenSyscallsPerDelivery: deliveries > 0 ? syscalls / deliveries : Number.NaN,
    othersCpuPct: pct(num(o, 'machine_busy_cpu_s') - serverCpuS - loadgenCpuS),
    cpuBusyPct: Array.isArray(busy) ? busy.filter((v) => typeof v === 'number') : [],
    stealPct: num(o, 'steal_pct'),
  };
}
