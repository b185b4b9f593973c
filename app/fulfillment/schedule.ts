// When to ask Erysta again. Most orders complete within seconds, so the first looks come fast; slow
// sources (15–20 minutes) are then polled at Erysta's recommended ~30 s. Pure, unit-tested.
export interface PollSchedule {
  firstDelayMs: number;
  maxIntervalMs: number;
  backoffFactor: number;
}

/** Delay before poll number `pollCount + 1` (pollCount polls already done after placement). */
export function nextPollDelayMs(pollCount: number, schedule: PollSchedule): number {
  const delay = schedule.firstDelayMs * Math.pow(schedule.backoffFactor, Math.max(0, pollCount));
  return Math.round(Math.min(schedule.maxIntervalMs, delay));
}

/** After a retryable failure: honour the other side's Retry-After, never hammer faster than the schedule. */
export function delayAfterFailureMs(
  pollCount: number,
  schedule: PollSchedule,
  retryAfterMs?: number,
): number {
  return Math.max(retryAfterMs ?? 0, nextPollDelayMs(pollCount, schedule));
}
