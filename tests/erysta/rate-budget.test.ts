// The rate budget shared through PostgreSQL by every process using one Erysta API key.
import type { PrismaClient } from "@prisma/client";
import { afterAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "~/db.server";
import { createErystaClient } from "~/erysta/client.server";
import { ErystaRateLimitedError } from "~/erysta/errors";
import { createRateBudget, hashApiKey } from "~/erysta/rate-budget.server";
import { maxCallsInSlidingWindow, startErystaSimulator } from "../../simulators/erysta";
import { caught } from "./support";

const clients: PrismaClient[] = [];
const newPrisma = () => {
  const prisma = createPrismaClient(process.env.DATABASE_URL!, 3);
  clients.push(prisma);
  return prisma;
};
const prisma = newPrisma();
afterAll(async () => {
  await Promise.all(clients.map((client) => client.$disconnect()));
});

async function callTimes(apiKey: string): Promise<number[]> {
  const rows = await prisma.erystaRateCall.findMany({
    where: { keyHash: hashApiKey(apiKey) },
    orderBy: { calledAt: "asc" },
  });
  return rows.map((row) => row.calledAt.getTime());
}

describe("shared Erysta rate budget", () => {
  it("holds across processes: 3 workers with their own database pools never exceed 5 calls in any 2 s", async () => {
    const apiKey = "budget-shared-key";
    const sim = await startErystaSimulator({ apiKey, rateLimit: { limit: 1_000 } });
    try {
      // Three "processes": separate Prisma clients (pools), separate budget and client instances, one key.
      const workers = [0, 1, 2].map(() =>
        createErystaClient({
          baseUrl: sim.url,
          apiKey,
          rateBudget: createRateBudget({
            prisma: newPrisma(),
            apiKey,
            limit: 5,
            windowMs: 2_000,
            maxWaitMs: 60_000,
          }),
        }),
      );
      const started = performance.now();
      // Each worker runs 3 calls at a time, 5 calls in all: 9 in flight at first, 15 calls in total.
      await Promise.all(
        workers.flatMap((client) => {
          let left = 5;
          return [0, 1, 2].map(async () => {
            while (left-- > 0) await client.getBalance();
          });
        }),
      );
      const elapsed = performance.now() - started;

      // By the database clock, where slots are taken: never more than 5 in any 2 s window.
      const taken = await callTimes(apiKey);
      expect(taken).toHaveLength(15);
      expect(maxCallsInSlidingWindow(taken, 2_000)).toBe(5);
      // 15 calls at 5 per 2 s need at least two full windows.
      expect(elapsed).toBeGreaterThanOrEqual(3_900);

      // By the simulator, where they arrived: all answered, none refused, and no burst either. Arrival
      // times add each request's own latency (one event loop here, shared with the simulator and a busy
      // machine), so this looks at 1 s windows: without the budget all 15 would land within a few ms.
      const report = await sim.control.calls({ apiKey, windowMs: 1_000 });
      expect(report.calls).toHaveLength(15);
      expect(report.calls.every((call) => call.status === 200)).toBe(true);
      expect(report.maxInSlidingWindow).toBeLessThanOrEqual(5);
    } finally {
      await sim.close();
    }
  });

  it("stores only a hash of the key", async () => {
    const apiKey = "budget-secret-key-123";
    await createRateBudget({ prisma, apiKey }).acquire();
    const rows = await prisma.$queryRaw<Array<{ keyHash: string }>>`SELECT "keyHash" FROM "ErystaRateCall"`;
    expect(rows.some((row) => row.keyHash === hashApiKey(apiKey))).toBe(true);
    expect(rows.some((row) => row.keyHash.includes(apiKey))).toBe(false);
    expect(hashApiKey(apiKey)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a Retry-After pauses every budget of the key (shared blockedUntil), and only lengthens a pause", async () => {
    const apiKey = "budget-retry-after";
    const first = createRateBudget({ prisma, apiKey });
    const other = createRateBudget({ prisma: newPrisma(), apiKey });
    await first.observe({ retryAfterMs: 400 });
    await first.observe({ retryAfterMs: 50 }); // a later, shorter answer must not shorten the pause
    const { waitedMs } = await other.acquire();
    expect(waitedMs).toBeGreaterThanOrEqual(350);
    const state = await prisma.erystaRateState.findUnique({ where: { keyHash: hashApiKey(apiKey) } });
    expect(state).not.toBeNull();
  });

  it("low X-RateLimit-Remaining blocks until the reset; plenty remaining does not", async () => {
    const apiKey = "budget-low-remaining";
    const budget = createRateBudget({ prisma, apiKey, lowRemainingThreshold: 2 });
    await budget.observe({ remaining: 50, resetInMs: 30_000 });
    expect((await budget.acquire()).waitedMs).toBeLessThan(5_000); // not the 30 s until that reset
    await budget.observe({ remaining: 2, resetInMs: 300 });
    expect((await budget.acquire()).waitedMs).toBeGreaterThanOrEqual(250);
  });

  it("a wait can be aborted, and a wait longer than maxWaitMs is refused as rate limited", async () => {
    const apiKey = "budget-abort";
    const budget = createRateBudget({ prisma, apiKey, limit: 1, windowMs: 60_000, maxWaitMs: 90_000 });
    await budget.acquire();
    const abortError = await caught(() => budget.acquire({ signal: AbortSignal.timeout(100) }));
    expect((abortError as Error).name).toBe("TimeoutError");

    const impatient = createRateBudget({ prisma, apiKey, limit: 1, windowMs: 60_000, maxWaitMs: 1_000 });
    const limited = await caught(() => impatient.acquire());
    expect(limited).toBeInstanceOf(ErystaRateLimitedError);
    expect((limited as ErystaRateLimitedError).source).toBe("budget");
    expect((limited as ErystaRateLimitedError).retryAfterMs).toBeGreaterThan(55_000);
    expect(await callTimes(apiKey)).toHaveLength(1);
  });

  it("a slot that took too long to get (lock queue, starved CPU) is not used: another one is taken", async () => {
    const apiKey = "budget-stale-slot";
    const keyHash = hashApiKey(apiKey);
    const budget = createRateBudget({ prisma, apiKey, sendWithinMs: 200 });
    // Another process holds the key's lock for 400 ms: the slot behind it is stamped, but late.
    const holder = newPrisma();
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holding = holder.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${keyHash}))`;
      locked();
      await tx.$executeRaw`SELECT pg_sleep(0.4)`;
    });
    await isLocked;
    await budget.acquire();
    await holding;
    // The stale stamp stays (it is safe to over-count) and the caller got a fresh one.
    expect(await callTimes(apiKey)).toHaveLength(2);
    await budget.acquire();
    expect(await callTimes(apiKey)).toHaveLength(3);
  });

  it("prunes call rows that are long out of the window", async () => {
    const apiKey = "budget-prune";
    const keyHash = hashApiKey(apiKey);
    await prisma.$executeRaw`INSERT INTO "ErystaRateCall" ("keyHash", "calledAt") VALUES (${keyHash}, clock_timestamp() - interval '1 hour')`;
    await createRateBudget({ prisma, apiKey, pruneEvery: 1 }).acquire();
    expect(await callTimes(apiKey)).toHaveLength(1);
  });
});
