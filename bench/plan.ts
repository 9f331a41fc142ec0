/**
 * Which runs, in which order, and about how long they take. Servers alternate within each
 * repetition (A, B, C, A, B, C, …), so drift in the machine's load falls on all of them alike and
 * a ratio is taken between runs seconds apart; one uncounted warm-up run of each server first
 * (not with --quick, which only tries things out; every run still warms up before its window).
 */
import type { BenchSettings } from './options';
import type { RunPlan } from './run';
import { FD_RESERVE, REFERENCE, type ServerSpec } from './servers';

export interface Selection {
  fanout: ServerSpec[];
  idle: ServerSpec[];
  clients: number[];
  idleCounts: number[];
  /** Why something asked for does not run. */
  skipped: string[];
}

function wanted(settings: BenchSettings, spec: ServerSpec): boolean {
  const names = settings.servers;
  return names === undefined || names.includes(spec.name) || names.includes(spec.backend ?? '');
}

/**
 * The servers and sizes to run: as asked, less TLS when the generator has none and less any size
 * past the fd limit (which children inherit: the bench raised its own to the hard limit).
 */
export function select(
  settings: BenchSettings,
  specs: readonly ServerSpec[],
  tlsMissing: string | undefined,
  fdLimit: number,
): Selection {
  const skipped: string[] = [];
  const unknown = (settings.servers ?? []).filter(
    (name) => !specs.some((spec) => spec.name === name || spec.backend === name),
  );
  if (unknown.length > 0) {
    const names = [...new Set(specs.map((spec) => spec.backend ?? spec.name))];
    throw new Error(`unknown server ${unknown.join(', ')}: this checkout has ${names.join(', ')}`);
  }
  let fanout = specs.filter(
    (spec) => wanted(settings, spec) && settings.transports.includes(spec.transport),
  );
  if (tlsMissing !== undefined && fanout.some((spec) => spec.transport === 'tls')) {
    skipped.push(`TLS runs skipped: ${tlsMissing}`);
    fanout = fanout.filter((spec) => spec.transport !== 'tls');
  }
  /** A size whose connections (`connections` of them) the fd limit cannot hold is skipped. */
  const fits = (label: string, n: number, connections = n): boolean => {
    if (connections + FD_RESERVE <= fdLimit) return true;
    skipped.push(
      `${label} ${n} skipped: the fd limit is ${fdLimit} (ulimit -Hn); it needs ` +
        `${connections + FD_RESERVE}`,
    );
    return false;
  };
  const idle = fanout.filter(
    (spec) =>
      spec.transport === 'plain' && (spec.family === 'selectchat' || spec.name === REFERENCE),
  );
  return {
    fanout: settings.experiments.includes('fanout') ? fanout : [],
    idle: settings.experiments.includes('idle') ? idle : [],
    clients: settings.clients.filter((n) => fits('N =', n)),
    idleCounts: settings.idle.filter((n) => fits('idle =', n, n + settings.idleActive)),
    skipped,
  };
}

export function planRuns(settings: BenchSettings, chosen: Selection): RunPlan[] {
  const runs: RunPlan[] = [];
  const fanoutPlain = chosen.fanout.filter((spec) => spec.transport === 'plain');
  const warm = (spec: ServerSpec, experiment: RunPlan['experiment']): RunPlan =>
    experiment === 'fanout'
      ? { experiment, spec, pin: settings.pins[0], clients: chosen.clients[0], idle: 0, rep: -1 }
      : {
          experiment,
          spec,
          pin: settings.idlePin,
          clients: settings.idleActive,
          idle: chosen.idleCounts[0],
          rep: -1,
        };
  if (chosen.fanout.length > 0 && chosen.clients.length > 0) {
    if (!settings.quick) runs.push(...chosen.fanout.map((spec) => warm(spec, 'fanout')));
    for (const pin of settings.pins) {
      const specs = settings.tlsPins.includes(pin) ? chosen.fanout : fanoutPlain;
      for (const clients of chosen.clients) {
        for (let rep = 0; rep < settings.reps; rep++) {
          for (const spec of specs)
            runs.push({ experiment: 'fanout', spec, pin, clients, idle: 0, rep });
        }
      }
    }
  }
  if (chosen.idle.length > 0 && chosen.idleCounts.length > 0) {
    if (runs.length === 0 && !settings.quick) {
      runs.push(...chosen.idle.map((spec) => warm(spec, 'idle')));
    }
    for (const idle of chosen.idleCounts) {
      for (let rep = 0; rep < settings.reps; rep++) {
        for (const spec of chosen.idle) {
          runs.push({
            experiment: 'idle',
            spec,
            pin: settings.idlePin,
            clients: settings.idleActive,
            idle,
            rep,
          });
        }
      }
    }
  }
  return runs;
}

/**
 * Seconds one run takes, roughly: starting the server (Node's start-up for selectchat), opening
 * the connections (selectchat announces each join to everyone: N² lines, ~0.4 µs each over plain
 * TCP, ~3 µs over TLS), warm-up, window, drain and stop. Measured on the 2-vCPU development VM.
 */
export function estimateRunS(run: RunPlan, settings: BenchSettings): number {
  const connections = run.clients + run.idle;
  const node = run.spec.family === 'selectchat';
  const tls = run.spec.transport === 'tls';
  const start = node ? 0.4 : 0.03;
  const joins = node ? connections ** 2 * (tls ? 3.2e-6 : 4e-7) : 0;
  const connect = connections * (tls ? 1e-3 : 5e-5) + joins;
  return start + connect + (settings.warmupMs + settings.durationMs) / 1000 + 0.15;
}

export function estimateS(runs: readonly RunPlan[], settings: BenchSettings): number {
  return runs.reduce((total, run) => total + estimateRunS(run, settings), 0);
}
