// When to ask Erysta again. Pure, unit-tested. Three rhythms, by how long the order has been waiting:
// - fast looks first (1 s, then ×1.6): most orders complete within seconds, and each look saved is
//   latency a customer sees;
// - then Erysta's recommended ~30 s, while the order may still be an ordinary minutes-long one;
// - once it has waited `slowAfterMs` (4 min) it is one of the 15–20 minute sources: every 45 s. That
//   pays back the fast early looks, so a slow order never costs more calls than a plain 30 s poller
//   (15–20 min: ~32 calls against ~36; bench/README.md "long deliveries"), for ~7 s more lag on a
//   15–20 minute wait.
export interface PollSchedule {
  firstDelayMs: number;
  backoffFactor: number;
  maxIntervalMs: number;
  slowAfterMs: number;
  slowIntervalMs: number;
}

/**
 * Delay before poll number `pollCount + 1` (`pollCount` polls already done after placement), for an
 * order placed `waitedMs` ago.
 */
export function nextPollDelayMs(pollCount: number, schedule: PollSchedule, waitedMs = 0): number {
  if (waitedMs >= schedule.slowAfterMs) return schedule.slowIntervalMs;
  const delay = schedule.firstDelayMs * Math.pow(schedule.backoffFactor, Math.max(0, pollCount));
  return Math.round(Math.min(schedule.maxIntervalMs, delay));
}

/** After a retryable failure: honour the other side's Retry-After, never hammer faster than the schedule. */
export function delayAfterFailureMs(
  pollCount: number,
  schedule: PollSchedule,
  waitedMs: number,
  retryAfterMs?: number,
): number {
  return Math.max(retryAfterMs ?? 0, nextPollDelayMs(pollCount, schedule, waitedMs));
}
