// One bench phase: a fresh local stack (embedded PostgreSQL, simulators, SMTP capture, the BUILT web app
// and W worker processes), a workload fired as signed orders/paid webhooks at a fixed rate, a wait until
// every order is in a final state, then figures computed from what the simulators saw: webhook answer
// times (Shopify simulator), Erysta orders and calls (Erysta simulator), emails (SMTP capture).
import { SETTLED_STATUSES } from "../../app/fulfillment/status";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { ChildProcess } from "node:child_process";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { randomUUID } from "node:crypto";
import { envSchema } from "../../app/env.server";
import type { CallLogEntry } from "../../simulators/erysta";
import { ShopifySimulatorClient, type SentWebhook } from "../../simulators/shopify";
import { ROOT } from "./database";
import { startLocalStack } from "./local-stack";
import { maxInSlidingWindow, round, summarize, type Summary } from "./bench-stats";
import { DEMO_CATALOG, DEMO_ERYSTA_KEY } from "./demo-shop";
import {
  BENCH_SLOW15,
  KINDS,
  deliveryMs,
  effectiveProfile,
  orderProfile,
  productOf,
  type OrderKind,
  type PlannedOrder,
} from "./bench-workload";

export type Poller = "adaptive" | "fixed30s";

/** adaptive: the app's defaults (what ships). fixed30s: one look every 30 s from the start. */
export const POLLER_ENV: Record<Poller, Record<string, string>> = {
  adaptive: {},
  fixed30s: {
    POLL_FIRST_DELAY_MS: "30000",
    POLL_BACKOFF_FACTOR: "1",
    POLL_MAX_INTERVAL_MS: "30000",
    POLL_SLOW_INTERVAL_MS: "30000",
  },
};

export function pollSettings(poller: Poller) {
  const parsed = envSchema
    .pick({
      POLL_FIRST_DELAY_MS: true,
      POLL_BACKOFF_FACTOR: true,
      POLL_MAX_INTERVAL_MS: true,
      POLL_SLOW_AFTER_MS: true,
      POLL_SLOW_INTERVAL_MS: true,
    })
    .parse(POLLER_ENV[poller]);
  return {
    first_delay_ms: parsed.POLL_FIRST_DELAY_MS,
    backoff_factor: parsed.POLL_BACKOFF_FACTOR,
    max_interval_ms: parsed.POLL_MAX_INTERVAL_MS,
    slow_after_ms: parsed.POLL_SLOW_AFTER_MS,
    slow_interval_ms: parsed.POLL_SLOW_INTERVAL_MS,
  };
}

// Anything not in SETTLED_STATUSES at the end of a run is "lost".
const SETTLED = SETTLED_STATUSES;

export interface PhaseSpec {
  name: string;
  poller: Poller;
  workers: number;
  orders: PlannedOrder[];
  /** orders/paid webhooks per second (open loop: the next one does not wait for the previous answer). */
  ratePerSec: number;
  /** Slow sources (3 min, 15 min, 20 min) deliver this many times faster; fast ones stay real-time. */
  timeScale: number;
  /** Erysta calls per minute: the simulator's limit AND the app's ERYSTA_RATE_LIMIT_PER_MINUTE. */
  budgetPerMin: number;
  /** Stop waiting for final states this long after the last webhook. */
  settleTimeoutMs: number;
  log: (line: string) => void;
  /** Called once every webhook was answered (the phase then waits for deliveries). */
  afterFiring?: () => void;
}

interface OrderRecord {
  planned: PlannedOrder;
  email: string;
  orderId?: string;
  /** When the bench sent the order's first orders/paid delivery (epoch ms). */
  paidAt?: number;
  ackMs?: number;
  ackStatus?: number;
  redeliveryAcks: { ms: number; status: number }[];
  /** Why the first delivery failed (status 0: no answer within Shopify's 5 s). */
  ackError?: string;
  retries: number;
  /** The bench's own calls to the Shopify simulator that failed (not the app's answers). */
  driverErrors: string[];
  error?: string;
}

const SHOPIFY_RETRY_DELAYS_MS = [5_000, 10_000, 20_000];
const IDLE_SAMPLE_MS = 5_000;

export interface KindFigures {
  orders: number;
  delivered: number;
  erysta_ms: number;
  lag_ms: Summary;
  calls_per_order: { mean: number | null; min: number | null; max: number | null };
}

export interface PhaseResult {
  name: string;
  poller: Poller;
  poll_settings: ReturnType<typeof pollSettings>;
  workers: number;
  orders: number;
  rate_per_s: number;
  time_scale: number;
  budget_per_min: number;
  wall_ms: number;
  startup_ms: number;
  fire_ms: number;
  /** From the first webhook until every order was settled (or the timeout). */
  settle_ms: number;
  ack_ms: Summary;
  ack_failed: number;
  /** First-delivery failures by cause, e.g. { "HTTP 500": 3, "TimeoutError: …": 1 }. */
  ack_failures: Record<string, number>;
  /** Deliveries the bench re-sent as Shopify would, after a failed first delivery. */
  webhook_retries: number;
  driver_errors: number;
  driver_error_examples: string[];
  redelivery_ack_ms: Summary;
  redeliveries: number;
  redelivery_failed: number;
  lag_ms: Summary;
  fast_lag_ms: Summary;
  slow_lag_ms: Summary;
  fast_complete_to_stored_ms: Summary;
  /** orders/paid sent → keys email accepted: includes placement (queue, budget) and Erysta's own time. */
  paid_to_email_ms: Summary;
  fast_paid_to_email_ms: Summary;
  fast_stored_to_email_ms: Summary;
  by_kind: Partial<Record<OrderKind, KindFigures>>;
  /** Only for orders with their own product (the long-delivery comparison). */
  orders_detail?: Array<{
    index: number;
    erysta_ms: number;
    status: string;
    calls: number;
    lag_ms: number | null;
  }>;
  statuses: Record<string, number>;
  delivered: number;
  lost: number;
  duplicates: number;
  duplicate_emails: number;
  delivered_without_email: number;
  calls: number;
  calls_place: number;
  calls_poll: number;
  calls_other: number;
  calls_per_order: number | null;
  rate_429: number;
  max_calls_per_min: number;
  max_calls_fixed_minute: number;
  within_budget: boolean;
  orders_per_min: number | null;
  driver_event_loop_p99_ms: number;
  /** pg-boss jobs (first attempts): pickup = started − max(due, created); run = completed − started. */
  queues: Record<string, { jobs: number; pickup_ms: Summary; run_ms: Summary }>;
  /** CPU used from the first webhook until settled: web, workers, PostgreSQL, and the bench process
   * itself (driver + Erysta/Shopify simulators + SMTP capture). */
  cpu_ms: Record<"web" | "workers" | "postgres" | "driver", number | null>;
  cpu_ms_per_order: Record<"web" | "workers" | "postgres" | "driver" | "total", number | null>;
  cores_busy: number;
  /** The same stack doing nothing, measured for 5 s before the first webhook. */
  idle_cores_busy: number;
  idle_cpu_ms_per_s: Record<string, number | null>;
}

export async function runPhase(spec: PhaseSpec): Promise<PhaseResult> {
  const t0 = Date.now();
  const mailDir = path.join(ROOT, ".data/bench-mail", `${process.pid}-${spec.name}`);
  const log = (line: string) => spec.log(`[${spec.name}] ${line}`);
  const stack = await startLocalStack({
    ephemeralDatabase: true,
    web: "built",
    workers: 0,
    timeScale: 1,
    erystaRateLimitPerMinute: spec.budgetPerMin,
    // What production runs with: the worker logs each placement and email at info.
    logLevel: process.env.BENCH_LOG_LEVEL ?? "info",
    appEnv: POLLER_ENV[spec.poller],
    mailDir,
    log: (line) => log(line.replace(/\s+/g, " ")),
  });
  activeStacks.add(stack.stop);
  const db = new PrismaClient({
    adapter: new PrismaPg({ connectionString: stack.env.DATABASE_URL!, max: 3 }),
  });
  const shop = stack.seeded.shop;
  try {
    // ---- set up Erysta and the shop for this workload ---------------------------------------------
    await stack.erysta.control.setAccount({ apiKey: DEMO_ERYSTA_KEY, balance: 10_000_000 });
    // Demo products keep their Shopify variants; the bench adds a 15-minute source and, for the long
    // comparison, one product per order. Slow sources are compressed by the time scale.
    const variantByErysta = new Map<string, number>(
      DEMO_CATALOG.flatMap((item) =>
        item.erysta ? [[item.erysta, stack.seeded.variants[item.handle]]] : [],
      ),
    );
    const benchProducts = [
      { erystaId: BENCH_SLOW15.erystaId, title: BENCH_SLOW15.title, price: BENCH_SLOW15.price },
      ...spec.orders.flatMap((o) => (o.product ? [{ ...o.product, price: 29 }] : [])),
    ];
    for (const [i, product] of benchProducts.entries()) {
      if (variantByErysta.has(product.erystaId)) continue;
      await stack.erysta.control.setProduct({
        id: product.erystaId,
        title: product.title,
        price: product.price,
        keyFormat: "text",
      });
      const created = await stack.shopify.control.createProduct({
        shop,
        title: product.title,
        variants: [
          {
            title: "Default Title",
            sku: `KEY-BENCH-${i}`,
            price: String(product.price),
            requiresShipping: false,
          },
        ],
      });
      const variant = created.variants[0]!;
      await db.productMapping.create({
        data: {
          shop,
          variantId: variant.id,
          erystaProductId: product.erystaId,
          productTitle: product.title,
          sku: variant.sku,
        },
      });
      variantByErysta.set(product.erystaId, variant.legacyId);
    }
    for (const kind of Object.keys(KINDS) as OrderKind[]) {
      if (!KINDS[kind].erystaId) continue;
      await stack.erysta.control.setProduct({
        id: KINDS[kind].erystaId,
        stock: 1_000_000,
        profile: effectiveProfile(kind, spec.timeScale),
      });
    }
    for (const order of spec.orders) {
      if (!order.product) continue;
      await stack.erysta.control.setProduct({
        id: order.product.erystaId,
        stock: 1_000_000,
        profile: orderProfile(order, spec.timeScale),
      });
    }

    const workers = await stack.startWorkers(spec.workers);
    await Promise.all(workers.map((w) => waitForOutput(w, /worker ready/, 90_000)));
    const startupMs = Date.now() - t0;
    log(
      `${spec.workers} worker(s) ready after ${round(startupMs / 1000, 1)} s; firing ${spec.orders.length} webhooks at ${spec.ratePerSec}/s`,
    );

    // ---- fire the webhooks (open loop) --------------------------------------------------------------
    // The driver's own control calls get a deadline, so a stuck one is counted, not waited on for 5 min.
    const control = new ShopifySimulatorClient(stack.shopify.control.origin, (input, init) =>
      fetch(input, { ...init, signal: AbortSignal.timeout(30_000) }),
    );
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const records: OrderRecord[] = spec.orders.map((planned) => ({
      planned,
      email: `bench-${spec.name}-${planned.index}@customers.example`,
      redeliveryAcks: [],
      retries: 0,
      driverErrors: [],
    }));
    // What the idle stack costs (pg-boss polling every 0.5 s per queue and worker, maintenance …).
    const idleStart = cpuSnapshot(stack.processes[0]!, workers, stack.env.DATABASE_URL!);
    await sleep(IDLE_SAMPLE_MS);
    const cpuBefore = cpuSnapshot(stack.processes[0]!, workers, stack.env.DATABASE_URL!);
    const idle = cpuDelta(idleStart, cpuBefore, 1, IDLE_SAMPLE_MS);
    const firstWebhookAt = Date.now();
    const start = performance.now();
    await Promise.all(
      records.map(async (record, i) => {
        await sleep(start + (i * 1000) / spec.ratePerSec - performance.now());
        try {
          await fireOrder(control, shop, variantByErysta, record);
        } catch (err) {
          record.error = describeError(err);
        }
      }),
    );
    const fireMs = Date.now() - firstWebhookAt;
    loop.disable();
    const driverLoopP99 = round(loop.percentile(99) / 1e6, 1);
    log(`webhooks answered in ${round(fireMs / 1000, 1)} s; waiting for deliveries`);
    spec.afterFiring?.();

    // ---- wait until every order is settled ----------------------------------------------------------
    const deadline = Date.now() + spec.settleTimeoutMs;
    const wanted = new Set(records.flatMap((r) => (r.orderId ? [r.orderId] : [])));
    let lastReport = Date.now();
    let settledAt = Date.now();
    for (;;) {
      const rows = await db.delivery.findMany({
        where: { shop },
        select: { shopifyOrderId: true, status: true },
      });
      const settled = rows.filter((r) => wanted.has(r.shopifyOrderId) && SETTLED.includes(r.status)).length;
      settledAt = Date.now();
      if (settled === wanted.size || Date.now() > deadline) break;
      if (Date.now() - lastReport > 30_000) {
        lastReport = Date.now();
        log(`${settled}/${records.length} settled (${histogram(rows.map((r) => r.status))})`);
      }
      await sleep(500);
    }
    const cpu = cpuDelta(
      cpuBefore,
      cpuSnapshot(stack.processes[0]!, workers, stack.env.DATABASE_URL!),
      records.length,
      settledAt - firstWebhookAt,
    );
    // A late duplicate email would arrive now, if the outbox ever sent one twice.
    await sleep(2_000);

    // ---- collect --------------------------------------------------------------------------------------
    const [simOrders, callReport, deliveries] = await Promise.all([
      stack.erysta.control.orders({ apiKey: DEMO_ERYSTA_KEY }),
      stack.erysta.control.calls({ apiKey: DEMO_ERYSTA_KEY, windowMs: 60_000 }),
      db.delivery.findMany({
        where: { shop },
        select: {
          shopifyOrderId: true,
          referenceId: true,
          status: true,
          keysStoredAt: true,
          pollCount: true,
        },
      }),
    ]);
    const messages = stack.mail.capture.messages.slice();
    const jobRows = await db.$queryRawUnsafe<
      Array<{ name: string; pickup_ms: number | null; run_ms: number | null }>
    >(
      `SELECT name,
              (extract(epoch FROM started_on - greatest(start_after, created_on)) * 1000)::float8 AS pickup_ms,
              (extract(epoch FROM completed_on - started_on) * 1000)::float8 AS run_ms
         FROM pgboss.job WHERE started_on IS NOT NULL AND retry_count = 0`,
    );
    const queues: PhaseResult["queues"] = {};
    for (const name of new Set(jobRows.map((j) => j.name))) {
      const rows = jobRows.filter((j) => j.name === name);
      queues[name] = {
        jobs: rows.length,
        pickup_ms: summarize(rows.flatMap((j) => (j.pickup_ms === null ? [] : [j.pickup_ms]))),
        run_ms: summarize(rows.flatMap((j) => (j.run_ms === null ? [] : [j.run_ms]))),
      };
    }

    const byRef = new Map<string, typeof simOrders>();
    for (const o of simOrders) {
      if (!o.referenceId) continue;
      byRef.set(o.referenceId, [...(byRef.get(o.referenceId) ?? []), o]);
    }
    const deliveryByOrder = new Map(deliveries.map((d) => [d.shopifyOrderId, d]));
    const firstEmail = new Map<string, number>();
    const emailCount = new Map<string, number>();
    for (const m of messages) {
      for (const to of m.envelope.to) {
        const at = m.receivedAt.getTime();
        emailCount.set(to, (emailCount.get(to) ?? 0) + 1);
        if (!firstEmail.has(to) || at < firstEmail.get(to)!) firstEmail.set(to, at);
      }
    }
    const calls: CallLogEntry[] = callReport.calls;
    const placeCallsByRef = countBy(
      calls.filter((c) => c.endpoint === "place-order" && c.referenceId),
      (c) => c.referenceId!,
    );
    const pollCallsByOrder = countBy(
      calls.filter((c) => c.endpoint === "order-keys" && c.orderId),
      (c) => c.orderId!,
    );

    const lag: number[] = [];
    const fastLag: number[] = [];
    // Where a fast order's lag goes: Erysta complete → keys stored (poll schedule + job pickup + call),
    // then keys stored → email accepted (outbox job, rendering, SMTP).
    const fastToStored: number[] = [];
    const fastStoredToEmail: number[] = [];
    // What the customer sees: from the orders/paid webhook to the keys email, placement queue included.
    const paidToEmail: number[] = [];
    const fastPaidToEmail: number[] = [];
    const slowLag: number[] = [];
    const kindRows = new Map<
      OrderKind,
      { orders: number; delivered: number; lag: number[]; calls: number[]; erystaMs: number[] }
    >();
    // Order by order, for the long-delivery comparison (few orders with their own durations).
    const detail: NonNullable<PhaseResult["orders_detail"]> = [];
    let duplicates = 0;
    let lost = 0;
    let delivered = 0;
    let deliveredWithoutEmail = 0;
    let duplicateEmails = 0;
    const statuses: string[] = [];
    for (const r of records) {
      const kind = r.planned.kind;
      const row = kindRows.get(kind) ?? { orders: 0, delivered: 0, lag: [], calls: [], erystaMs: [] };
      kindRows.set(kind, row);
      row.orders++;
      const erystaMs = deliveryMs(orderProfile(r.planned, spec.timeScale));
      row.erystaMs.push(erystaMs);
      const delivery = r.orderId ? deliveryByOrder.get(r.orderId) : undefined;
      const status = delivery?.status ?? "MISSING";
      statuses.push(status);
      if (!delivery || !SETTLED.includes(delivery.status)) lost++;
      const erystaOrders = delivery ? (byRef.get(delivery.referenceId) ?? []) : [];
      if (erystaOrders.length > 1) duplicates++;
      if ((emailCount.get(r.email) ?? 0) > 1) duplicateEmails++;
      const orderCalls =
        (delivery ? (placeCallsByRef.get(delivery.referenceId) ?? 0) : 0) +
        erystaOrders.reduce((n, o) => n + (pollCallsByOrder.get(o.id) ?? 0), 0);
      const emailAt = firstEmail.get(r.email);
      const completedAt = erystaOrders[0]?.completedAt ? Date.parse(erystaOrders[0].completedAt) : undefined;
      if (r.planned.product)
        detail.push({
          index: r.planned.index,
          erysta_ms: erystaMs,
          status,
          calls: orderCalls,
          lag_ms: emailAt !== undefined && completedAt !== undefined ? emailAt - completedAt : null,
        });
      if (status !== "DELIVERED") continue;
      delivered++;
      row.delivered++;
      if (emailAt === undefined) deliveredWithoutEmail++;
      if (emailAt !== undefined && r.paidAt !== undefined) {
        paidToEmail.push(emailAt - r.paidAt);
        if (KINDS[kind].speed === "fast") fastPaidToEmail.push(emailAt - r.paidAt);
      }
      if (emailAt !== undefined && completedAt !== undefined) {
        const ms = emailAt - completedAt;
        lag.push(ms);
        row.lag.push(ms);
        (KINDS[kind].speed === "fast" ? fastLag : slowLag).push(ms);
        const storedAt = delivery!.keysStoredAt?.getTime();
        if (KINDS[kind].speed === "fast" && storedAt !== undefined) {
          fastToStored.push(storedAt - completedAt);
          fastStoredToEmail.push(emailAt - storedAt);
        }
      }
      row.calls.push(orderCalls);
    }

    const sent = calls.filter((c) => c.apiKey !== null);
    const perFixedMinute = callReport.perWindow.reduce((m, w) => Math.max(m, w.count), 0);
    const maxPerMin = maxInSlidingWindow(
      sent.map((c) => c.at),
      60_000,
    ).max;
    const lastEmailAt = Math.max(0, ...[...firstEmail.values()]);
    const byKind: PhaseResult["by_kind"] = {};
    for (const [kind, row] of kindRows) {
      byKind[kind] = {
        orders: row.orders,
        delivered: row.delivered,
        erysta_ms: Math.round(row.erystaMs.reduce((a, b) => a + b, 0) / row.erystaMs.length),
        lag_ms: summarize(row.lag),
        calls_per_order: {
          mean: row.calls.length ? round(row.calls.reduce((a, b) => a + b, 0) / row.calls.length, 1) : null,
          min: row.calls.length ? Math.min(...row.calls) : null,
          max: row.calls.length ? Math.max(...row.calls) : null,
        },
      };
    }
    const redeliveryAcks = records.flatMap((r) => r.redeliveryAcks);
    const result: PhaseResult = {
      name: spec.name,
      poller: spec.poller,
      poll_settings: pollSettings(spec.poller),
      workers: spec.workers,
      orders: records.length,
      rate_per_s: spec.ratePerSec,
      time_scale: spec.timeScale,
      budget_per_min: spec.budgetPerMin,
      wall_ms: 0,
      startup_ms: startupMs,
      fire_ms: fireMs,
      settle_ms: settledAt - firstWebhookAt,
      ack_ms: summarize(records.flatMap((r) => (r.ackMs === undefined ? [] : [r.ackMs]))),
      ack_failed: records.filter((r) => r.ackStatus !== 200).length,
      ack_failures: Object.fromEntries(
        countBy(
          records.flatMap((r) => (r.ackError ? [r.ackError.slice(0, 80)] : [])),
          (e) => e,
        ),
      ),
      webhook_retries: records.reduce((n, r) => n + r.retries, 0),
      driver_errors: records.reduce((n, r) => n + r.driverErrors.length, 0),
      driver_error_examples: [...new Set(records.flatMap((r) => r.driverErrors))].slice(0, 3),
      redelivery_ack_ms: summarize(redeliveryAcks.map((a) => a.ms)),
      redeliveries: redeliveryAcks.length,
      redelivery_failed: redeliveryAcks.filter((a) => a.status !== 200).length,
      lag_ms: summarize(lag),
      fast_lag_ms: summarize(fastLag),
      slow_lag_ms: summarize(slowLag),
      fast_complete_to_stored_ms: summarize(fastToStored),
      paid_to_email_ms: summarize(paidToEmail),
      fast_paid_to_email_ms: summarize(fastPaidToEmail),
      fast_stored_to_email_ms: summarize(fastStoredToEmail),
      by_kind: byKind,
      ...(detail.length ? { orders_detail: detail } : {}),
      statuses: Object.fromEntries(countBy(statuses, (s) => s)),
      delivered,
      lost,
      duplicates,
      duplicate_emails: duplicateEmails,
      delivered_without_email: deliveredWithoutEmail,
      calls: sent.length,
      calls_place: sent.filter((c) => c.endpoint === "place-order").length,
      calls_poll: sent.filter((c) => c.endpoint === "order-keys").length,
      calls_other: sent.filter((c) => c.endpoint !== "place-order" && c.endpoint !== "order-keys").length,
      calls_per_order: delivered ? round(sent.length / delivered, 2) : null,
      rate_429: sent.filter((c) => c.status === 429).length,
      max_calls_per_min: maxPerMin,
      max_calls_fixed_minute: perFixedMinute,
      within_budget: maxPerMin <= spec.budgetPerMin,
      orders_per_min:
        lastEmailAt > firstWebhookAt ? round(delivered / ((lastEmailAt - firstWebhookAt) / 60_000), 1) : null,
      driver_event_loop_p99_ms: driverLoopP99,
      queues,
      ...cpu,
      idle_cores_busy: idle.cores_busy,
      idle_cpu_ms_per_s: Object.fromEntries(
        Object.entries(idle.cpu_ms).map(([k, v]) => [
          k,
          v === null ? null : round((v * 1000) / IDLE_SAMPLE_MS),
        ]),
      ),
    };
    const failures = records.filter((r) => r.error);
    if (failures.length)
      log(`${failures.length} order(s) could not be sent at all, e.g. ${failures[0]!.error}`);
    return result;
  } finally {
    await db.$disconnect().catch(() => {});
    await stack.stop();
    activeStacks.delete(stack.stop);
    rmSync(mailDir, { recursive: true, force: true });
  }
}

const activeStacks = new Set<() => Promise<void>>();

/** On Ctrl-C: stop every stack still running (processes, simulators, embedded PostgreSQL and its folder). */
export async function stopAllStacks(): Promise<void> {
  await Promise.allSettled([...activeStacks].map((stop) => stop()));
  activeStacks.clear();
}

export function withWallTime(result: PhaseResult, startedAt: number): PhaseResult {
  return { ...result, wall_ms: Date.now() - startedAt };
}

/**
 * One order: created in the Shopify simulator, then its orders/paid delivered (signed) to the app. A
 * failed delivery is retried as Shopify would (same webhook id and bytes, after 5, 10, 20 s); planned
 * duplicates are extra concurrent deliveries of the same webhook once the first one was answered.
 */
async function fireOrder(
  control: ShopifySimulatorClient,
  shop: string,
  variantByErysta: Map<string, number>,
  record: OrderRecord,
): Promise<void> {
  const { order } = await control.createOrder({
    shop,
    lines: [
      {
        variantId: variantByErysta.get(productOf(record.planned).erystaId)!,
        quantity: record.planned.quantity,
      },
    ],
    customer: { firstName: "Bench", lastName: `Buyer ${record.planned.index}`, email: record.email },
  });
  record.orderId = String(order.legacyId);
  record.paidAt = Date.now();
  const ids = { webhookId: randomUUID(), eventId: randomUUID() };
  let webhook: SentWebhook | undefined;
  // A failure of the driver's call to the simulator (not of the app) is retried with the same ids.
  for (let attempt = 0; !webhook; attempt++) {
    try {
      webhook = await control.sendWebhook({ shop, topic: "orders/paid", orderId: order.legacyId, ...ids });
    } catch (err) {
      record.driverErrors.push(describeError(err));
      if (attempt >= 2) throw err;
    }
  }
  const first = webhook.deliveries[0];
  record.ackMs = first?.durationMs;
  record.ackStatus = first?.status;
  record.ackError = first && first.status !== 200 ? (first.error ?? `HTTP ${first.status}`) : undefined;
  for (
    let attempt = 0, ok = first?.status === 200;
    !ok && attempt < SHOPIFY_RETRY_DELAYS_MS.length;
    attempt++
  ) {
    await sleep(SHOPIFY_RETRY_DELAYS_MS[attempt]!);
    const retry = await control.redeliverWebhook({ webhookId: ids.webhookId, times: 1 });
    record.retries++;
    ok = retry.deliveries[0]?.status === 200;
  }
  if (record.planned.redeliveries > 0) {
    const again = await control.redeliverWebhook({
      webhookId: ids.webhookId,
      times: record.planned.redeliveries,
      concurrent: true,
    });
    record.redeliveryAcks = again.deliveries.map((d) => ({ ms: d.durationMs, status: d.status }));
  }
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: unknown }).cause;
  return `${err.name}: ${err.message}${cause instanceof Error ? ` (${cause.message})` : ""}`.slice(0, 160);
}

function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => finish(new Error(`worker not ready within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4_000);
      if (pattern.test(seen)) finish();
    };
    const onExit = (code: number | null) =>
      finish(new Error(`worker exited (${code}) before it was ready: ${seen}`));
    const finish = (err?: Error) => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
      if (err) reject(err);
      else resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function histogram(values: string[]): string {
  return [...countBy(values, (v) => v)].map(([k, n]) => `${k} ${n}`).join(", ");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

// ---- CPU per process (Linux /proc; null elsewhere) -----------------------------------------------------

interface CpuSnapshot {
  web: number | null;
  workers: number | null;
  postgres: number | null;
  driver: number;
}

const TICK_MS = 10; // CLK_TCK is 100 on Linux

function procCpuMs(pid: number, withChildren = false): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // After "pid (comm) ": state=0 … utime=11 stime=12 cutime=13 cstime=14
    const own = Number(fields[11]) + Number(fields[12]);
    return (withChildren ? own + Number(fields[13]) + Number(fields[14]) : own) * TICK_MS;
  } catch {
    return null;
  }
}

/** The embedded PostgreSQL listening on `port`: the postmaster (with its exited backends) plus live backends. */
function postgresCpuMs(port: string): number | null {
  if (!existsSync("/proc")) return null;
  let postmaster: number | undefined;
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      parents.set(pid, Number(stat.split(") ")[1]!.split(" ")[1]));
      if (postmaster === undefined && stat.includes("(postgres)")) {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
        if (cmd.includes("-D") && cmd[cmd.indexOf("-p") + 1] === port) postmaster = pid;
      }
    } catch {
      // gone meanwhile
    }
  }
  if (postmaster === undefined) return null;
  let total = procCpuMs(postmaster, true) ?? 0;
  for (const [pid, ppid] of parents) if (ppid === postmaster) total += procCpuMs(pid) ?? 0;
  return total;
}

function cpuSnapshot(web: ChildProcess, workers: ChildProcess[], databaseUrl: string): CpuSnapshot {
  const sumOf = (values: (number | null)[]) =>
    values.some((v) => v === null) ? null : values.reduce<number>((a, b) => a + (b ?? 0), 0);
  const usage = process.cpuUsage();
  return {
    web: web.pid ? procCpuMs(web.pid) : null,
    workers: sumOf(workers.map((w) => (w.pid ? procCpuMs(w.pid) : null))),
    postgres: postgresCpuMs(new URL(databaseUrl).port),
    driver: (usage.user + usage.system) / 1000,
  };
}

function cpuDelta(before: CpuSnapshot, after: CpuSnapshot, orders: number, elapsedMs: number) {
  const d = (k: keyof CpuSnapshot) => {
    const a = after[k];
    const b = before[k];
    return a === null || b === null ? null : Math.round(a - b);
  };
  const ms = { web: d("web"), workers: d("workers"), postgres: d("postgres"), driver: d("driver") };
  const total = Object.values(ms).reduce<number>((a, b) => a + (b ?? 0), 0);
  const perOrder = (v: number | null) => (v === null ? null : round(v / orders, 1));
  return {
    cpu_ms: ms,
    cpu_ms_per_order: {
      web: perOrder(ms.web),
      workers: perOrder(ms.workers),
      postgres: perOrder(ms.postgres),
      driver: perOrder(ms.driver),
      total: perOrder(total),
    },
    /** Average cores busy with this phase (of os.cpus().length) from the first webhook until settled. */
    cores_busy: round(total / elapsedMs, 2),
  };
}
