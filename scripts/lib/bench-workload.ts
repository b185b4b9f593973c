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

export type OrderKind = "instant" | "qr" | "seconds" | "minutes" | "slow15" | "slow20" | "long";

export interface KindSpec {
  /** Demo shop product; the bench adds its own for "slow15" and for each "long" order. */
  handle: DemoHandle | "slow15Key" | null;
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
  /** The long-delivery comparison: one bench product per order, each with its own 15–20 min duration. */
  long: {
    handle: null,
    erystaId: "",
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
  long: 0,
};

export interface PlannedOrder {
  index: number;
  kind: OrderKind;
  /** The order's own Erysta product (long orders), instead of the kind's. */
  product?: { erystaId: string; title: string; profile: DeliveryProfile };
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

/**
 * The long-delivery comparison: `count` orders whose Erysta delivery times spread over 15–20 minutes,
 * each with a different offset within a 30 s poll period (golden-ratio steps), so neither poller is
 * flattered by deliveries that end exactly on its rhythm.
 */
export function planLongOrders(count: number): PlannedOrder[] {
  return Array.from({ length: count }, (_, index) => {
    const spread = count > 1 ? Math.round((270_000 * index) / (count - 1)) : 0;
    const phase = Math.round(30_000 * (((index + 0.5) * 0.618034) % 1));
    const totalMs = 15 * 60_000 + spread + phase;
    return {
      index,
      kind: "long" as const,
      product: {
        erystaId: `69ae19b4397b2e44c02855${index.toString(16).padStart(2, "0")}`,
        title: `Import Key ${index + 1} (${(totalMs / 60_000).toFixed(1)} min source)`,
        profile: { pendingMs: 30_000, processingMs: totalMs - 30_000, outcome: "completed" as const },
      },
      quantity: 1,
      redeliveries: 0,
    };
  });
}

/** An order's Erysta product and its real delivery profile. */
export function productOf(order: PlannedOrder): { erystaId: string; profile: DeliveryProfile } {
  return order.product ?? { erystaId: KINDS[order.kind].erystaId, profile: KINDS[order.kind].profile };
}

/** An order's Erysta delivery time after compressing slow sources by `timeScale` (fast ones stay real). */
export function orderProfile(order: PlannedOrder, timeScale: number): DeliveryProfile {
  return compress(productOf(order).profile, KINDS[order.kind].speed, timeScale);
}

function compress(profile: DeliveryProfile, speed: "fast" | "slow", timeScale: number): DeliveryProfile {
  if (speed === "fast" || timeScale === 1) return { ...profile };
  return {
    ...profile,
    pendingMs: Math.round(profile.pendingMs / timeScale),
    processingMs: Math.round(profile.processingMs / timeScale),
  };
}

/** Erysta's delivery time of a kind after compressing slow sources by `timeScale` (fast ones stay real). */
export function effectiveProfile(kind: OrderKind, timeScale: number): DeliveryProfile {
  return compress(KINDS[kind].profile, KINDS[kind].speed, timeScale);
}

export function deliveryMs(profile: DeliveryProfile): number {
  return profile.pendingMs + profile.processingMs;
}
