// Shopify's GraphQL Admin API is rate limited by query cost: a leaky bucket per app and shop, reported in
// every response as `extensions.cost`. This module remembers what Shopify last said about a shop's bucket
// so the gateway can wait *before* sending a query that would be throttled, and computes the wait after
// a THROTTLED answer. It holds no timers; the gateway sleeps.

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

/** Expected cost of a document never seen before (learned exactly after its first response). */
export const DEFAULT_EXPECTED_COST = 50;
/** Never hammer Shopify: the shortest wait after a THROTTLED answer. */
export const MIN_THROTTLE_WAIT_MS = 50;

export function readQueryCost(extensions: unknown): QueryCost | undefined {
  if (!extensions || typeof extensions !== "object") return undefined;
  const cost = (extensions as { cost?: unknown }).cost;
  if (!cost || typeof cost !== "object") return undefined;
  const c = cost as Partial<QueryCost>;
  const t = c.throttleStatus;
  if (
    typeof c.requestedQueryCost !== "number" ||
    !t ||
    typeof t.maximumAvailable !== "number" ||
    typeof t.currentlyAvailable !== "number" ||
    typeof t.restoreRate !== "number" ||
    t.restoreRate <= 0
  ) {
    return undefined;
  }
  return {
    requestedQueryCost: c.requestedQueryCost,
    actualQueryCost: typeof c.actualQueryCost === "number" ? c.actualQueryCost : null,
    throttleStatus: {
      maximumAvailable: t.maximumAvailable,
      currentlyAvailable: t.currentlyAvailable,
      restoreRate: t.restoreRate,
    },
  };
}

/** Milliseconds to wait after THROTTLED: until the bucket holds the requested cost again. */
export function throttledWaitMs(cost: QueryCost): number {
  const missing = Math.max(0, cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable);
  return Math.max(MIN_THROTTLE_WAIT_MS, Math.ceil((missing / cost.throttleStatus.restoreRate) * 1000));
}

/** What this process knows about one shop's bucket. Shared by every gateway for the same shop. */
export class ThrottleBudget {
  private status?: ThrottleStatus;
  private observedAt = 0;

  /** Records Shopify's latest word on the bucket. */
  observe(status: ThrottleStatus, now: number): void {
    this.status = { ...status };
    this.observedAt = now;
  }

  /** Estimated points available now, or undefined before the first response. */
  available(now: number): number | undefined {
    if (!this.status) return undefined;
    const elapsed = Math.max(0, now - this.observedAt) / 1000;
    return Math.min(
      this.status.maximumAvailable,
      this.status.currentlyAvailable + elapsed * this.status.restoreRate,
    );
  }

  /** Milliseconds to wait before a query of `expectedCost` can be sent without being throttled. */
  waitMsFor(expectedCost: number, now: number): number {
    const available = this.available(now);
    if (available === undefined || !this.status) return 0;
    const needed = Math.min(expectedCost, this.status.maximumAvailable);
    if (available >= needed) return 0;
    return Math.ceil(((needed - available) / this.status.restoreRate) * 1000);
  }

  /** Counts a query as sent, so concurrent callers in this process do not all spend the same points. */
  reserve(cost: number, now: number): void {
    const available = this.available(now);
    if (available === undefined || !this.status) return;
    this.status = { ...this.status, currentlyAvailable: Math.max(0, available - cost) };
    this.observedAt = now;
  }
}

const budgets = new Map<string, ThrottleBudget>();

/** The process-wide budget of one shop at one Admin API origin. */
export function sharedThrottleBudget(key: string): ThrottleBudget {
  let budget = budgets.get(key);
  if (!budget) {
    budget = new ThrottleBudget();
    budgets.set(key, budget);
  }
  return budget;
}

/** Tests only: forget every shop's bucket. */
export function resetThrottleBudgets(): void {
  budgets.clear();
}
