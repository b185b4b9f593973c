// `npm run bench`: how fast keys reach customers, and what it costs, at flash-sale load. Runs the BUILT
// web app and real worker processes against the Erysta and Shopify simulators and an SMTP capture on an
// embedded PostgreSQL. See bench/README.md for how to read the figures.
//
//   npm run bench                       full run (≈ 30 min on 2 cores: the long phase is real time)
//   npm run bench -- --orders 40 --long 0 --real-budget-orders 0     a quick look (≈ 6 min)
//
// Options: --orders N (300) --rate R webhooks/s (50) --workers W (single run instead of 1, 2, 4)
//          --time-scale K (60: slow sources deliver K× faster in the flash-sale phases)
//          --budget C (6000 Erysta calls/min in the flash-sale phases) --long N (6 long orders per
//          poller, real time; 0 skips) --real-budget-orders N (= --orders; 0 skips) --seed S (7)
//          --compare-fixed 0 (skip the fixed-30 s phase) --json (one JSON object on stdout)
//          --no-build (use build/ as it is)
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, run } from "./lib/database";
import { nextPollDelayMs } from "../app/fulfillment/schedule";
import { modelCallsPerOrder, ratio, round } from "./lib/bench-stats";
import {
  runPhase,
  stopAllStacks,
  withWallTime,
  pollSettings,
  type PhaseResult,
  type PhaseSpec,
  type Poller,
} from "./lib/bench-run";
import {
  FLASH_SALE_MIX,
  KINDS,
  deliveryMs,
  orderProfile,
  planLongOrders,
  planWorkload,
  type PlannedOrder,
} from "./lib/bench-workload";

const REAL_BUDGET_PER_MIN = 100;
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
function option(name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(argv[i + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number, got ${argv[i + 1]}`);
  return value;
}

const settings = {
  orders: option("orders", 300),
  rate: option("rate", 50),
  single_workers: argv.includes("--workers") ? option("workers", 2) : null,
  time_scale: option("time-scale", 60),
  budget: option("budget", 6000),
  long: option("long", 6),
  // Only to try the harness quickly: compresses the long phase too, which voids its call comparison.
  long_time_scale: option("long-time-scale", 1),
  real_budget_orders: option("real-budget-orders", option("orders", 300)),
  seed: option("seed", 7),
  json: flag("json"),
  compare_fixed: option("compare-fixed", 1) > 0,
  build: !flag("no-build"),
};
const scaleOutWorkers = settings.single_workers ? [settings.single_workers] : [1, 2, 4];
const primaryWorkers = settings.single_workers ?? 2;

const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

async function main() {
  const startedAt = Date.now();
  const loadAvgStart = os.loadavg().map((v) => round(v, 2));
  if (settings.orders < 1 || settings.rate <= 0 || settings.time_scale < 1)
    throw new Error("--orders ≥ 1, --rate > 0 and --time-scale ≥ 1, please");
  await ensureBuild();

  const flashPhase = (
    poller: Poller,
    workers: number,
    orders: PlannedOrder[],
    budget: number,
  ): PhaseSpec => ({
    name: `${poller}-w${workers}${budget === REAL_BUDGET_PER_MIN ? "-real-budget" : ""}`,
    poller,
    workers,
    orders,
    ratePerSec: settings.rate,
    timeScale: settings.time_scale,
    budgetPerMin: budget,
    settleTimeoutMs: settleTimeout(orders, settings.time_scale, budget),
    log,
  });

  // 1. Flash sale, budget large enough that the app (not Erysta's limit) bounds throughput.
  const workload = planWorkload({ orders: settings.orders, seed: settings.seed });
  const flash: PhaseResult[] = [];
  for (const workers of scaleOutWorkers)
    flash.push(await timed(() => runPhase(flashPhase("adaptive", workers, workload, settings.budget))));
  const fixed = !settings.compare_fixed
    ? undefined
    : await timed(() => runPhase(flashPhase("fixed30s", primaryWorkers, workload, settings.budget)));

  // 2. Long deliveries, real time (15 and 20 minutes), one small stack per poller. They run beside the
  //    real-budget phase (bounded by Erysta's limit, not by CPU), never beside the flash-sale phases,
  //    whose latencies an idle stack's ~0.15 cores of background work would distort on 2 cores.
  let longPhases: Promise<PromiseSettledResult<PhaseResult>[]> | undefined;
  if (settings.long > 0) {
    log(
      `long deliveries: ${settings.long} orders per poller at Erysta's real pace (15–20 min), in the background`,
    );
    let fired = 0;
    let allFired!: () => void;
    const bothFired = new Promise<void>((resolve) => (allFired = resolve));
    const longSpec = (poller: Poller): PhaseSpec => ({
      name: `long-${poller}`,
      poller,
      workers: 1,
      orders: planLongOrders(settings.long),
      ratePerSec: 2,
      timeScale: settings.long_time_scale,
      budgetPerMin: REAL_BUDGET_PER_MIN,
      settleTimeoutMs: 26 * 60_000,
      log,
      afterFiring: () => void (++fired === 2 && allFired()),
    });
    longPhases = Promise.allSettled(
      (["adaptive", "fixed30s"] as const).map((p) => timed(() => runPhase(longSpec(p)))),
    );
    await Promise.race([bothFired, longPhases]);
  }

  // 3. The same flash sale against the real 100 calls/min key, with the most workers.
  let realBudget: PhaseResult | undefined;
  if (settings.real_budget_orders > 0) {
    const orders = planWorkload({ orders: settings.real_budget_orders, seed: settings.seed });
    const workers = Math.max(...scaleOutWorkers);
    realBudget = await timed(() => runPhase(flashPhase("adaptive", workers, orders, REAL_BUDGET_PER_MIN)));
  }

  let longResults: PhaseResult[] = [];
  if (longPhases) {
    log("waiting for the long deliveries to finish …");
    const settled = await longPhases;
    const failed = settled.find((s) => s.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    longResults = settled.map((s) => (s as PromiseFulfilledResult<PhaseResult>).value);
  }

  const summary = summarizeRun({ startedAt, loadAvgStart, flash, fixed, realBudget, longResults });
  const file = writeResults(summary);
  if (settings.json)
    process.stdout.write(
      `${JSON.stringify({ ...summary, phases: undefined, results_file: file }, null, 2)}\n`,
    );
  else printHuman(summary, file);
}

async function timed(fn: () => Promise<PhaseResult>): Promise<PhaseResult> {
  const started = Date.now();
  return withWallTime(await fn(), started);
}

/**
 * When to stop waiting and count what is not settled as lost: the longest Erysta delivery, two 30 s
 * polls, placement at the budget's pace (×2), one second of processing per order, and two minutes.
 */
function settleTimeout(orders: PlannedOrder[], timeScale: number, budgetPerMin: number): number {
  const slowest = Math.max(...orders.map((o) => deliveryMs(orderProfile(o, timeScale))));
  const budgetMs = ((orders.length * 3) / budgetPerMin) * 60_000 * 2;
  return slowest + 60_000 + budgetMs + orders.length * 1_000 + 120_000;
}

async function ensureBuild() {
  const built = path.join(ROOT, "build/server/index.js");
  if (!settings.build && existsSync(built)) return;
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const newest = newestMtime(path.join(ROOT, "app"));
  if (builtAt > newest) return;
  log("building the app (remix vite:build) …");
  await run(path.join(ROOT, "node_modules/.bin/remix"), ["vite:build"]);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

// ---- the summary ------------------------------------------------------------------------------------

function summarizeRun(input: {
  startedAt: number;
  loadAvgStart: number[];
  flash: PhaseResult[];
  fixed?: PhaseResult;
  realBudget?: PhaseResult;
  longResults: PhaseResult[];
}) {
  const { flash, fixed, realBudget, longResults } = input;
  const primary = flash.find((p) => p.workers === primaryWorkers) ?? flash[0]!;
  const all = [...flash, ...(fixed ? [fixed] : []), ...(realBudget ? [realBudget] : []), ...longResults];
  const longModel = modelLongDeliveries();
  const longAdaptive = longResults.find((p) => p.poller === "adaptive");
  const longFixed = longResults.find((p) => p.poller === "fixed30s");
  const longCalls = (p?: PhaseResult) => {
    if (!p) return null;
    const rows = Object.entries(p.by_kind).filter(([kind]) => KINDS[kind as keyof typeof KINDS].long);
    const orders = rows.reduce((n, [, r]) => n + (r.calls_per_order.mean ?? 0) * r.delivered, 0);
    const delivered = rows.reduce((n, [, r]) => n + r.delivered, 0);
    return delivered ? round(orders / delivered, 1) : null;
  };
  const long =
    longAdaptive && longFixed
      ? {
          orders_per_poller: longAdaptive.orders,
          budget_per_min: REAL_BUDGET_PER_MIN,
          time_scale: settings.long_time_scale,
          adaptive_calls_per_order: longCalls(longAdaptive),
          fixed30s_calls_per_order: longCalls(longFixed),
          extra_calls_per_order: round((longCalls(longAdaptive) ?? 0) - (longCalls(longFixed) ?? 0), 1),
          by_order: (longAdaptive.orders_detail ?? []).map((a) => {
            const f = longFixed.orders_detail?.find((o) => o.index === a.index);
            return {
              erysta_ms: a.erysta_ms,
              adaptive_calls: a.calls,
              fixed30s_calls: f?.calls ?? null,
              adaptive_lag_ms: a.lag_ms,
              fixed30s_lag_ms: f?.lag_ms ?? null,
            };
          }),
          adaptive_lag_p50_ms: longAdaptive.lag_ms.p50,
          adaptive_lag_p95_ms: longAdaptive.lag_ms.p95,
          fixed30s_lag_p50_ms: longFixed.lag_ms.p50,
          fixed30s_lag_p95_ms: longFixed.lag_ms.p95,
          lost: longAdaptive.lost + longFixed.lost,
          duplicates: longAdaptive.duplicates + longFixed.duplicates,
          model: longModel,
        }
      : { model: longModel };

  const lagRatio = ratio(fixed?.lag_ms.p50, primary.lag_ms.p50, 1);
  const fastLagRatio = ratio(fixed?.fast_lag_ms.p50, primary.fast_lag_ms.p50, 1);
  const totals = {
    duplicates: sum(all.map((p) => p.duplicates)),
    lost: sum(all.map((p) => p.lost)),
    rate_429: sum(all.map((p) => p.rate_429)),
    over_budget_phases: all.filter((p) => !p.within_budget).map((p) => p.name),
    undelivered: sum(all.map((p) => p.orders - p.delivered)),
    duplicate_emails: sum(all.map((p) => p.duplicate_emails)),
    webhook_failures: sum(all.map((p) => p.ack_failed + p.redelivery_failed)),
  };
  const target = (value: number | boolean | null, met: boolean | null) => ({ value, met });
  const ackP99Worst = Math.max(...flash.map((p) => p.ack_ms.p99 ?? Infinity));
  const fastLagP50Worst = Math.max(...flash.map((p) => p.fast_lag_ms.p50 ?? Infinity));
  const targets = {
    webhook_p99_under_250ms: target(
      primary.ack_ms.p99,
      primary.ack_ms.p99 !== null && primary.ack_ms.p99 < 250,
    ),
    webhook_p99_under_250ms_every_worker_count: target(ackP99Worst, ackP99Worst < 250),
    fast_lag_p50_under_2s: target(
      primary.fast_lag_ms.p50,
      primary.fast_lag_ms.p50 !== null && primary.fast_lag_ms.p50 < 2000,
    ),
    fast_lag_p50_under_2s_every_worker_count: target(fastLagP50Worst, fastLagP50Worst < 2000),
    lag_at_least_5x_lower_than_fixed30s: fixed
      ? target(lagRatio, lagRatio !== null && lagRatio >= 5)
      : target(null, null),
    long_delivery_calls_not_above_fixed30s:
      long.adaptive_calls_per_order !== undefined
        ? target(
            long.extra_calls_per_order,
            (long.adaptive_calls_per_order ?? Infinity) <= (long.fixed30s_calls_per_order ?? 0),
          )
        : target(null, null),
    zero_duplicates: target(totals.duplicates, totals.duplicates === 0),
    zero_lost: target(totals.lost, totals.lost === 0),
    zero_429: target(totals.rate_429, totals.rate_429 === 0),
    never_above_budget: target(
      totals.over_budget_phases.length === 0,
      totals.over_budget_phases.length === 0,
    ),
  };

  return {
    bench: "erysta-fulfillment: flash sale, orders/paid → keys email",
    started_at: new Date(input.startedAt).toISOString(),
    wall_time_s: Math.round((Date.now() - input.startedAt) / 1000),
    machine: {
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model ?? "unknown",
      memory_gb: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      // Other work on the machine (e.g. test runs) competes for the same cores: compare these.
      load_avg_start: input.loadAvgStart,
      load_avg_end: os.loadavg().map((v) => round(v, 2)),
    },
    settings: {
      orders: settings.orders,
      rate_per_s: settings.rate,
      time_scale: settings.time_scale,
      time_scale_applies_to:
        "slow Erysta sources only (3 min, 15 min, 20 min) in flash-sale phases; instant and 3 s sources, poll intervals and rate windows stay real-time",
      flash_budget_per_min: settings.budget,
      real_budget_per_min: REAL_BUDGET_PER_MIN,
      rate_window_ms: 60_000,
      primary_workers: primaryWorkers,
      scale_out_workers: scaleOutWorkers,
      worker_concurrency: 8,
      web: "built (remix vite:build + remix-serve)",
      long_orders_per_poller: settings.long,
      long_time_scale: settings.long_time_scale,
      real_budget_orders: settings.real_budget_orders,
      seed: settings.seed,
      mix: FLASH_SALE_MIX,
      duplicate_webhooks: "5 % of orders: the same orders/paid delivered 2 more times, concurrently",
      poll_adaptive: pollSettings("adaptive"),
      poll_fixed30s: pollSettings("fixed30s"),
    },
    // Primary: adaptive poller, primary worker count, flash budget.
    workers: primary.workers,
    ack_p50_ms: primary.ack_ms.p50,
    ack_p95_ms: primary.ack_ms.p95,
    ack_p99_ms: primary.ack_ms.p99,
    ack_max_ms: primary.ack_ms.max,
    ack_failed: primary.ack_failed,
    ack_failures: primary.ack_failures,
    redelivery_ack_p99_ms: primary.redelivery_ack_ms.p99,
    lag_p50_ms: primary.lag_ms.p50,
    lag_p95_ms: primary.lag_ms.p95,
    fast_lag_p50_ms: primary.fast_lag_ms.p50,
    fast_lag_p95_ms: primary.fast_lag_ms.p95,
    calls_per_order: primary.calls_per_order,
    max_calls_per_min: primary.max_calls_per_min,
    budget_per_min: primary.budget_per_min,
    rate_429: primary.rate_429,
    duplicates: primary.duplicates,
    lost: primary.lost,
    delivered: primary.delivered,
    orders_per_min: primary.orders_per_min,
    cpu_ms_per_order: primary.cpu_ms_per_order,
    cores_busy: primary.cores_busy,
    idle_cores_busy: primary.idle_cores_busy,
    paid_to_email_p50_ms: primary.paid_to_email_ms.p50,
    paid_to_email_p95_ms: primary.paid_to_email_ms.p95,
    fast_paid_to_email_p50_ms: primary.fast_paid_to_email_ms.p50,
    lag_breakdown_fast_p50_ms: {
      erysta_complete_to_keys_stored: primary.fast_complete_to_stored_ms.p50,
      keys_stored_to_email_accepted: primary.fast_stored_to_email_ms.p50,
    },
    fixed30s: fixed && {
      workers: fixed.workers,
      lag_p50_ms: fixed.lag_ms.p50,
      lag_p95_ms: fixed.lag_ms.p95,
      fast_lag_p50_ms: fixed.fast_lag_ms.p50,
      fast_lag_p95_ms: fixed.fast_lag_ms.p95,
      calls_per_order: fixed.calls_per_order,
      ack_p99_ms: fixed.ack_ms.p99,
      duplicates: fixed.duplicates,
      lost: fixed.lost,
    },
    lag_ratio_vs_fixed30s: lagRatio,
    fast_lag_ratio_vs_fixed30s: fastLagRatio,
    lag_p95_ratio_vs_fixed30s: ratio(fixed?.lag_ms.p95, primary.lag_ms.p95, 1),
    long_deliveries: long,
    scale_out: flash.map((p) => ({
      workers: p.workers,
      ack_p50_ms: p.ack_ms.p50,
      ack_p99_ms: p.ack_ms.p99,
      ack_failed: p.ack_failed,
      lag_p50_ms: p.lag_ms.p50,
      lag_p95_ms: p.lag_ms.p95,
      fast_lag_p50_ms: p.fast_lag_ms.p50,
      fast_lag_p95_ms: p.fast_lag_ms.p95,
      paid_to_email_p50_ms: p.paid_to_email_ms.p50,
      paid_to_email_p95_ms: p.paid_to_email_ms.p95,
      settle_s: round(p.settle_ms / 1000, 1),
      orders_per_min: p.orders_per_min,
      calls_per_order: p.calls_per_order,
      max_calls_per_min: p.max_calls_per_min,
      rate_429: p.rate_429,
      duplicates: p.duplicates,
      lost: p.lost,
      cpu_ms_per_order: p.cpu_ms_per_order.total,
      cores_busy: p.cores_busy,
    })),
    real_budget: realBudget
      ? {
          workers: realBudget.workers,
          orders: realBudget.orders,
          budget_per_min: realBudget.budget_per_min,
          // Every order needs one place-order call and at least one look at its keys.
          placement_floor_min: round(realBudget.orders / REAL_BUDGET_PER_MIN, 1),
          calls_floor_min: round((2 * realBudget.orders) / REAL_BUDGET_PER_MIN, 1),
          settle_s: round(realBudget.settle_ms / 1000, 1),
          orders_per_min: realBudget.orders_per_min,
          calls_per_order: realBudget.calls_per_order,
          max_calls_per_min: realBudget.max_calls_per_min,
          max_calls_fixed_minute: realBudget.max_calls_fixed_minute,
          rate_429: realBudget.rate_429,
          duplicates: realBudget.duplicates,
          lost: realBudget.lost,
          delivered: realBudget.delivered,
          ack_p99_ms: realBudget.ack_ms.p99,
          lag_p50_ms: realBudget.lag_ms.p50,
          lag_p95_ms: realBudget.lag_ms.p95,
          fast_lag_p50_ms: realBudget.fast_lag_ms.p50,
          paid_to_email_p50_ms: realBudget.paid_to_email_ms.p50,
          paid_to_email_p95_ms: realBudget.paid_to_email_ms.p95,
        }
      : null,
    totals,
    targets,
    phases: all,
  };
}

type RunSummary = ReturnType<typeof summarizeRun>;

function writeResults(summary: RunSummary): string {
  const dir = path.join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${summary.started_at.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  return path.relative(ROOT, file);
}

function printHuman(s: RunSummary, file: string) {
  const ms = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${v} ms`);
  const out = (line = "") => console.log(line);
  out(
    `\nErysta Fulfillment bench — ${s.machine.cpus} CPUs, ${s.machine.memory_gb} GB, Node ${s.machine.node}, wall time ${Math.round(s.wall_time_s / 60)} min`,
  );
  out(
    `Flash sale: ${s.settings.orders} orders at ${s.settings.rate_per_s} webhooks/s, slow sources ×${s.settings.time_scale} faster, budget ${s.settings.flash_budget_per_min} calls/min`,
  );
  out("");
  out(
    "phase                         ack p50/p99      lag p50/p95         fast lag p50/p95    calls/order  max/min  429  dup  lost  settle",
  );
  for (const p of s.phases) {
    out(
      [
        p.name.padEnd(29),
        `${p.ack_ms.p50}/${p.ack_ms.p99} ms`.padEnd(16),
        `${p.lag_ms.p50}/${p.lag_ms.p95} ms`.padEnd(19),
        `${p.fast_lag_ms.p50}/${p.fast_lag_ms.p95} ms`.padEnd(19),
        String(p.calls_per_order).padEnd(12),
        `${p.max_calls_per_min}/${p.budget_per_min}`.padEnd(8),
        String(p.rate_429).padEnd(4),
        String(p.duplicates).padEnd(4),
        String(p.lost).padEnd(5),
        `${round(p.settle_ms / 1000, 1)} s`,
      ].join(" "),
    );
  }
  out("");
  out(
    `Lag vs fixed 30 s poller: p50 ${ms(s.lag_p50_ms)} vs ${ms(s.fixed30s?.lag_p50_ms)} → ${s.lag_ratio_vs_fixed30s}× lower`,
  );
  const long = s.long_deliveries;
  if (long.adaptive_calls_per_order !== undefined)
    out(
      `Long deliveries (15–20 min, time scale ${long.time_scale}): ${long.adaptive_calls_per_order} Erysta calls/order adaptive vs ${long.fixed30s_calls_per_order} fixed 30 s`,
    );
  out(
    `Schedule model (calls per 15/17.5/20-min order): adaptive ${Object.values(long.model.adaptive_calls).join("/")}, fixed 30 s ${Object.values(long.model.fixed30s_calls).join("/")}`,
  );
  if (s.real_budget)
    out(
      `Real budget (100/min, ${s.real_budget.workers} workers): ${s.real_budget.orders} orders settled in ${s.real_budget.settle_s} s (floor ${s.real_budget.calls_floor_min} min), ${s.real_budget.orders_per_min} orders/min, max ${s.real_budget.max_calls_per_min} calls in any 60 s`,
    );
  out("");
  for (const [name, t] of Object.entries(s.targets))
    out(`${t.met === null ? "·" : t.met ? "✔" : "✘"} ${name}: ${JSON.stringify(t.value)}`);
  out(`\nResults: ${file}`);
}

/**
 * Calls per long order if every poll ran on time, from the app's own schedule function: the shipped
 * adaptive settings and fixed 30 s, for sources of 15, 17.5 and 20 minutes.
 */
function modelLongDeliveries() {
  const schedule = (s: ReturnType<typeof pollSettings>) => (done: number, waitedMs: number) =>
    nextPollDelayMs(
      done,
      {
        firstDelayMs: s.first_delay_ms,
        backoffFactor: s.backoff_factor,
        maxIntervalMs: s.max_interval_ms,
        slowAfterMs: s.slow_after_ms,
        slowIntervalMs: s.slow_interval_ms,
      },
      waitedMs,
    );
  const calls = (s: ReturnType<typeof pollSettings>) =>
    Object.fromEntries([15, 17.5, 20].map((m) => [`${m}_min`, modelCallsPerOrder(m * 60_000, schedule(s))]));
  return { adaptive_calls: calls(pollSettings("adaptive")), fixed30s_calls: calls(pollSettings("fixed30s")) };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the stacks …`);
    void stopAllStacks().finally(() => process.exit(130));
  });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
