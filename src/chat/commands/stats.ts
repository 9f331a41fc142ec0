/**
 * `/stats` (admins only): the server's limits, its current counts and its counters, one
 * `STATS <name> <value>` line each, then `INFO`. The room does not know where the numbers come
 * from: the server hands it a {@link StatsSource}, so a new family of counters is new lines from
 * the source, with no change here.
 */
import type { CommandEntry } from './context';

/** One statistic: a kebab-case name (or `ip:<address>`) and a value without spaces. */
export type StatsLine = readonly [name: string, value: string | number];

/** Where `/stats` reads the numbers, at the moment it is asked. */
export type StatsSource = () => Iterable<StatsLine>;

/** A room without a server behind it has nothing to report. */
export const NO_STATS: StatsSource = () => [];

/** `/stats`: `STATS <name> <value>` per line of `source`, then `INFO :<n> stats`. */
export function stats(source: StatsSource): CommandEntry<'stats'> {
  return {
    summary: "the server's limits, current counts and drops",
    admin: true,
    run(room, member) {
      let count = 0;
      for (const [name, value] of source()) {
        room.send(member, 'STATS', [name, String(value)]);
        count++;
      }
      room.send(member, 'INFO', [], `${count} stats`);
      return undefined;
    },
  };
}
