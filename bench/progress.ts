/**
 * Progress on stderr while the bench runs: a bar (cli-progress) with the time left when stderr is
 * a terminal, and each run's result above it; plain lines, one per run, when it is not (a log, CI).
 * The time left is the plan's estimate for the remaining runs, scaled by how the estimate has
 * fared on the runs so far.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';

import type { RunPlan, RunResult } from './run';
import { round } from './stats';

export interface Progress {
  /** Before run `index`: what runs now. */
  begin(index: number, run: RunPlan): void;
  /** After it: its line, and the bar moved on. */
  done(index: number, run: RunPlan, result: RunResult): void;
  stop(): void;
}

function describe(run: RunPlan): string {
  const size = run.experiment === 'idle' ? `idle=${run.idle}` : `N=${run.clients}`;
  return `${run.experiment} ${run.pin} ${size} ${run.rep < 0 ? 'warm-up' : `rep ${run.rep + 1}`} ${run.spec.name}`;
}

export function resultLine(result: RunResult): string {
  const m = result.metrics;
  if (m === undefined) return `FAILED: ${result.error ?? ''}`;
  const faults = m.lost + m.duplicated + m.outOfOrder + m.badLines;
  return (
    `${round(m.deliveriesPerS / 1e6)} M deliv/s, p99 ${round(m.latencyUs.p99)} µs, ` +
    `server ${round(m.serverCpuPct)}% (${round(m.serverNsPerDelivery)} ns/deliv), ` +
    `gen ${round(m.loadgenCpuPct)}%, others ${round(m.othersCpuPct)}%` +
    (faults > 0 ? `, LOST ${m.lost} DUP ${m.duplicated} OOO ${m.outOfOrder} BAD ${m.badLines}` : '')
  );
}

function minutes(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** `estimates[i]`: run i's estimated seconds. */
export function createProgress(
  estimates: readonly number[],
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const total = estimates.length;
  let estimatedSoFar = 0;
  let actualSoFar = 0;
  const left = (index: number): string => {
    const rest = estimates.slice(index + 1).reduce((sum, s) => sum + s, 0);
    const scale = estimatedSoFar > 0 ? actualSoFar / estimatedSoFar : 1;
    return minutes(rest * scale);
  };
  const account = (index: number, result: RunResult): void => {
    estimatedSoFar += estimates[index];
    actualSoFar += result.wallS;
  };
  if (!stream.isTTY) {
    return {
      begin: () => undefined,
      done(index, run, result) {
        account(index, result);
        stream.write(
          `[${index + 1}/${total}] ${describe(run)}: ${resultLine(result)} ` +
            `(${round(result.wallS)} s; ~${left(index)} left)\n`,
        );
      },
      stop: () => undefined,
    };
  }
  const bars = new MultiBar(
    {
      stream,
      format: ' {bar} {value}/{total} runs | ~{left} left | {what}',
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  const bar: SingleBar = bars.create(total, 0, { left: left(-1), what: 'starting' });
  return {
    begin(index, run) {
      bar.update(index, { what: describe(run) });
    },
    done(index, run, result) {
      account(index, result);
      bars.log(`${describe(run)}: ${resultLine(result)}\n`);
      bar.update(index + 1, { left: left(index) });
      bars.update(); // draws now, and with it the line logged above
    },
    stop: () => bars.stop(),
  };
}
