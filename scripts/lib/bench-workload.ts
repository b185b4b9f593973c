// The bench's workload: which orders a flash sale brings, how long Erysta takes for each, and which
// webhooks Shopify delivers more than once. Deterministic for a given seed.
import { DELIVERY_PROFILES, DEMO_PRODUCTS, type DeliveryProfile } from "../../simulators/erysta";
import type { DemoHandle } from "./demo-shop";
import { seededRandom } from "./bench-stats";

/** A source that takes 15 minutes (the demo catalog has 3 min and 20 min): added by the bench. */
export const BENCH_SLOW15 = {
  erystaId: "69ae19b4397b2e44c02854b1",
  title: "Battle Pass Key (15 min source)",
  price: 14.99,
  profile: { pendingMs: 30_000, processingMs: 15 * 60_000 - 30_000, outcome: "completed" } as DeliveryProfile,
};

export type OrderKind = "instant" | "qr" | "seconds" | "minutes" | "slow15" | "slow20";

export interface KindSpec {
  /** Demo shop product; "slow15" is the bench's own product. */
  handle: DemoHandle | "slow15Key";
  erystaId: string;
  /** Erysta's real delivery profile (before any bench compression). */
  profile: DeliveryProfile;
  /** "fast": instant or seconds, never compressed. "slow": compressed by the time scale in flash-sale phases. */
  speed: "fast" | "slow";
  /** 15–20 minute sources: the "long deliveries" whose Erysta calls are compared. */
  long: boolean;
}

export const KINDS: Record<OrderKind, KindSpec> = {
  instant: {
    handle: "instantKey",
    erystaId: DEMO_PRODUCTS.textInstant,
    profile: DELIVERY_PROFILES.instant,
    speed: "fast",
    long: false,
  },
  qr: {
    handle: "qrGiftCard",
    erystaId: DEMO_PRODUCTS.qrImage,
    profile: DELIVERY_PROFILES.instant,
    speed: "fast",
    long: false,
  },
  seconds: {
    handle: "secondsKey",
    erystaId: DEMO_PRODUCTS.textSeconds,
    profile: DELIVERY_PROFILES.seconds,
    speed: "fast",
    long: false,
  },
  minutes: {
    handle: "slowKey",
    erystaId: DEMO_PRODUCTS.slowMinutes,
    profile: DELIVERY_PROFILES.minutes,
    speed: "slow",
    long: false,
  },
  slow15: {
    handle: "slow15Key",
    erystaId: BENCH_SLOW15.erystaId,
    profile: BENCH_SLOW15.profile,
    speed: "slow",
    long: true,
  },
  slow20: {
    handle: "slow20Key",
    erystaId: DEMO_PRODUCTS.slow20min,
    profile: DELIVERY_PROFILES.slow20min,
    speed: "slow",
    long: true,
  },
};

/** Share of each kind in a flash sale: most keys instant or within seconds, some minutes, a few 15–20 min. */
export const FLASH_SALE_MIX: Record<OrderKind, number> = {
  instant: 0.5,
  qr: 0.1,
  seconds: 0.25,
  minutes: 0.1,
  slow15: 0.025,
  slow20: 0.025,
};

export interface PlannedOrder {
  index: number;
  kind: OrderKind;
  quantity: number;
  /** Extra deliveries of the same orders/paid webhook, sent concurrently after the first one is answered. */
  redeliveries: number;
}

export interface WorkloadOptions {
  orders: number;
  mix?: Record<OrderKind, number>;
  /** Share of orders whose webhook Shopify delivers again (default 5 %), each `redeliveries` more times. */
  duplicateShare?: number;
  redeliveries?: number;
  seed?: number;
}

/** Exact counts per kind (largest remainder), shuffled with a seeded PRNG. */
export function planWorkload(options: WorkloadOptions): PlannedOrder[] {
  const mix = options.mix ?? FLASH_SALE_MIX;
  const random = seededRandom(options.seed ?? 7);
  const kinds = (Object.keys(mix) as OrderKind[]).filter((k) => mix[k] > 0);
  const total = kinds.reduce((sum, k) => sum + mix[k], 0);
  const exact = kinds.map((k) => ({ k, v: (mix[k] / total) * options.orders }));
  const counts = new Map(exact.map(({ k, v }) => [k, Math.floor(v)]));
  let left = options.orders - [...counts.values()].reduce((a, b) => a + b, 0);
  for (const { k } of [...exact].sort((a, b) => (b.v % 1) - (a.v % 1))) {
    if (left-- <= 0) break;
    counts.set(k, counts.get(k)! + 1);
  }
  const list: OrderKind[] = kinds.flatMap((k) => Array.from({ length: counts.get(k)! }, () => k));
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  const duplicateShare = options.duplicateShare ?? 0.05;
  const redeliveries = options.redeliveries ?? 2;
  const duplicates = Math.round(options.orders * duplicateShare);
  const duplicated = new Set<number>();
  while (duplicated.size < Math.min(duplicates, options.orders))
    duplicated.add(Math.floor(random() * options.orders));
  return list.map((kind, index) => ({
    index,
    kind,
    // A few instant orders buy two keys: one Erysta order, two units.
    quantity: kind === "instant" && random() < 0.1 ? 2 : 1,
    redeliveries: duplicated.has(index) ? redeliveries : 0,
  }));
}

/** The long-delivery comparison: only 15- and 20-minute sources, alternating. */
export function planLongOrders(count: number): PlannedOrder[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    kind: index % 2 === 0 ? ("slow15" as const) : ("slow20" as const),
    quantity: 1,
    redeliveries: 0,
  }));
}

/** Erysta's delivery time of a kind after compressing slow sources by `timeScale` (fast ones stay real). */
export function effectiveProfile(kind: OrderKind, timeScale: number): DeliveryProfile {
  const spec = KINDS[kind];
  if (spec.speed === "fast" || timeScale === 1) return { ...spec.profile };
  return {
    ...spec.profile,
    pendingMs: Math.round(spec.profile.pendingMs / timeScale),
    processingMs: Math.round(spec.profile.processingMs / timeScale),
  };
}

export function deliveryMs(profile: DeliveryProfile): number {
  return profile.pendingMs + profile.processingMs;
}
