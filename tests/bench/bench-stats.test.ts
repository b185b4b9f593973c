import { describe, expect, it } from "vitest";
import {
  maxInSlidingWindow,
  modelCallsPerOrder,
  percentile,
  ratio,
  seededRandom,
  summarize,
} from "../../scripts/lib/bench-stats";
import { planLongOrders, planWorkload } from "../../scripts/lib/bench-workload";

describe("bench statistics", () => {
  it("percentiles interpolate between the closest ranks", () => {
    const values = [10, 20, 30, 40, 50];
    expect(percentile(values, 0)).toBe(10);
    expect(percentile(values, 50)).toBe(30);
    expect(percentile(values, 100)).toBe(50);
    expect(percentile(values, 25)).toBe(20);
    expect(percentile([1, 2], 50)).toBe(1.5);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        99,
      ),
    ).toBeCloseTo(99.01);
  });

  it("percentiles ignore order, skip non-finite values and leave the input alone", () => {
    const values = [50, 10, Number.NaN, 40, 20, 30];
    expect(percentile(values, 50)).toBe(30);
    expect(values).toEqual([50, 10, Number.NaN, 40, 20, 30]);
  });

  it("an empty sample has no percentile; a bad p is refused", () => {
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
  });

  it("summaries round to whole milliseconds and say how many values they saw", () => {
    expect(summarize([1, 2, 3, 4])).toEqual({ n: 4, min: 1, p50: 3, p95: 4, p99: 4, max: 4, mean: 3 });
    expect(summarize([])).toEqual({
      n: 0,
      min: null,
      p50: null,
      p95: null,
      p99: null,
      max: null,
      mean: null,
    });
  });

  it("the sliding window finds the busiest minute even across fixed-minute boundaries", () => {
    // 3 calls at the end of one minute and 3 at the start of the next: fixed windows see 3 + 3, a budget
    // counting the last 60 s sees 6.
    const times = [50_000, 55_000, 59_000, 61_000, 62_000, 63_000];
    expect(maxInSlidingWindow(times, 60_000)).toEqual({ max: 6, startMs: 50_000 });
  });

  it("the sliding window is half-open: calls exactly one window apart do not share it", () => {
    expect(maxInSlidingWindow([0, 60_000], 60_000).max).toBe(1);
    expect(maxInSlidingWindow([0, 59_999], 60_000).max).toBe(2);
    expect(maxInSlidingWindow([120_000, 0, 60_000, 60_001], 60_000)).toEqual({ max: 2, startMs: 60_000 });
    expect(maxInSlidingWindow([], 60_000)).toEqual({ max: 0, startMs: null });
    expect(() => maxInSlidingWindow([1], 0)).toThrow(RangeError);
  });

  it("ratios are null rather than infinite or made up", () => {
    expect(ratio(30_000, 1_500, 1)).toBe(20);
    expect(ratio(1, 3)).toBe(0.33);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(null, 2)).toBeNull();
  });

  it("the seeded random generator repeats itself for a seed", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe("bench workload", () => {
  it("a flash sale has exactly the planned mix, the same for the same seed", () => {
    const plan = planWorkload({ orders: 300, seed: 7 });
    expect(plan).toHaveLength(300);
    const count = (kind: string) => plan.filter((o) => o.kind === kind).length;
    expect(count("instant")).toBe(150);
    expect(count("seconds")).toBe(75);
    expect(count("minutes")).toBe(30);
    expect(count("slow15") + count("slow20")).toBe(15);
    expect(plan.filter((o) => o.redeliveries > 0)).toHaveLength(15);
    expect(planWorkload({ orders: 300, seed: 7 })).toEqual(plan);
  });

  it("small workloads still add up", () => {
    for (const orders of [1, 7, 40]) expect(planWorkload({ orders })).toHaveLength(orders);
  });

  it("long deliveries spread over 15–20 minutes and over the 30 s poll period, one product each", () => {
    const plan = planLongOrders(6);
    const totals = plan.map((o) => o.product!.profile.pendingMs + o.product!.profile.processingMs);
    expect(Math.min(...totals)).toBeGreaterThanOrEqual(15 * 60_000);
    expect(Math.max(...totals)).toBeLessThanOrEqual(20 * 60_000);
    expect(new Set(totals.map((t) => Math.floor((t % 30_000) / 5_000))).size).toBeGreaterThanOrEqual(4);
    expect(new Set(plan.map((o) => o.product!.erystaId)).size).toBe(6);
    expect(plan.every((o) => /^[0-9a-f]{24}$/.test(o.product!.erystaId))).toBe(true);
  });
});

describe("poll schedule model", () => {
  const fixed30s = () => 30_000;
  const adaptive = (done: number, waitedMs: number) =>
    waitedMs >= 240_000 ? 45_000 : Math.round(Math.min(30_000, 1_000 * 1.6 ** done));

  it("counts the place call plus every poll up to the one that finds the keys", () => {
    expect(modelCallsPerOrder(0, fixed30s)).toBe(2);
    expect(modelCallsPerOrder(30_000, fixed30s)).toBe(2);
    expect(modelCallsPerOrder(30_001, fixed30s)).toBe(3);
    expect(modelCallsPerOrder(20 * 60_000, fixed30s)).toBe(41);
  });

  it("an adaptive schedule pays a few early looks, then repays them once the order is a slow one", () => {
    // 1, 2.6, 5.2, 9.3, 15.8, 26.3, 43.1, 69.9 s, every 30 s to 4 min, then every 45 s.
    expect(modelCallsPerOrder(1_000, adaptive)).toBe(2);
    expect(modelCallsPerOrder(3_000, adaptive)).toBe(4);
    expect(modelCallsPerOrder(15 * 60_000, adaptive)).toBe(30);
    expect(modelCallsPerOrder(15 * 60_000, fixed30s)).toBe(31);
    expect(modelCallsPerOrder(20 * 60_000, adaptive)).toBe(37);
  });

  it("refuses a schedule that never moves", () => {
    expect(() => modelCallsPerOrder(1_000, () => 0)).toThrow(RangeError);
  });
});
