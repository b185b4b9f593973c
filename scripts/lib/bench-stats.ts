// Pure statistics for `npm run bench`: percentiles, summaries and the busiest sliding window of a call
// log. No I/O, unit-tested in tests/bench/bench-stats.test.ts.

/**
 * The p-th percentile (0–100) by linear interpolation between the two closest ranks (numpy's default,
 * Excel's PERCENTILE.INC). null for an empty sample. Does not mutate `values`.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const low = sorted[lower]!;
  return low + (sorted[upper]! - low) * (rank - lower);
}

export interface Summary {
  n: number;
  min: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/** n, min, p50, p95, p99, max and mean, rounded to whole units (ms). */
export function summarize(values: readonly number[]): Summary {
  const finite = values.filter((v) => Number.isFinite(v));
  const r = (v: number | null) => (v === null ? null : Math.round(v));
  if (finite.length === 0) return { n: 0, min: null, p50: null, p95: null, p99: null, max: null, mean: null };
  return {
    n: finite.length,
    min: r(Math.min(...finite)),
    p50: r(percentile(finite, 50)),
    p95: r(percentile(finite, 95)),
    p99: r(percentile(finite, 99)),
    max: r(Math.max(...finite)),
    mean: r(finite.reduce((a, b) => a + b, 0) / finite.length),
  };
}

/**
 * The most events that fall within any window of `windowMs` (half-open: two events exactly windowMs
 * apart are in different windows, like a budget that counts calls in (now − windowMs, now]), and where
 * the busiest window starts. { max: 0, startMs: null } for no events.
 */
export function maxInSlidingWindow(
  times: readonly number[],
  windowMs: number,
): { max: number; startMs: number | null } {
  if (!(windowMs > 0)) throw new RangeError("windowMs must be > 0");
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let startMs: number | null = null;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= windowMs) first++;
    if (last - first + 1 > max) {
      max = last - first + 1;
      startMs = sorted[first]!;
    }
  }
  return { max, startMs };
}

/** a / b rounded to `digits`, or null when either side is missing or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined, digits = 2): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return round(a / b, digits);
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A deterministic PRNG (mulberry32) so a bench workload is the same on every run with the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Erysta calls for one order whose keys take `deliveryMs`, if every poll ran exactly on schedule: one
 * place-order call, then polls at the delays `nextDelayMs(pollsDone, waitedMs)` (the first after placement) until one
 * comes at or after `deliveryMs`. Real polls run a little late (job pickup, the call itself), so measured
 * counts can be slightly lower; the model is for comparing schedules, the bench measures the real thing.
 */
export function modelCallsPerOrder(
  deliveryMs: number,
  nextDelayMs: (pollsDone: number, waitedMs: number) => number,
): number {
  let t = 0;
  let polls = 0;
  do {
    const delay = nextDelayMs(polls, t);
    if (!(delay > 0)) throw new RangeError("poll delays must be > 0");
    t += delay;
    polls++;
  } while (t < deliveryMs);
  return 1 + polls;
}
