/**
 * When to reconnect after the server went away: soon at first (a restart takes a second), then
 * doubling up to a ceiling, with jitter so that a room full of clients does not return in one
 * thundering herd. A connection that reached WELCOME resets it.
 */
export interface BackoffPolicy {
  firstMs: number;
  maxMs: number;
  /** 0.2: each delay is drawn from ±20% around its nominal value. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { firstMs: 500, maxMs: 30_000, jitter: 0.2 };

/** The delay before reconnection attempt `attempt` (0 first); `random` is in [0, 1). */
export function reconnectDelay(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(policy.maxMs, policy.firstMs * 2 ** Math.min(attempt, 30));
  const spread = nominal * policy.jitter * (2 * random() - 1);
  return Math.round(Math.min(policy.maxMs, nominal + spread));
}
