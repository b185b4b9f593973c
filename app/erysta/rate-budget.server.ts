// The Erysta rate budget (documented: 100 calls per minute), shared by every process that uses the same
// API key: web servers, workers, scripts. PostgreSQL is the only thing they all share, so it holds the
// budget:
//   - "ErystaRateCall": one row per call we allowed, stamped with the DATABASE's clock (clock_timestamp()),
//     so skewed process clocks cannot stretch the window.
//   - "ErystaRateState": `blockedUntil` for the key, set when Erysta says stop (429 Retry-After) or is
//     about to (X-RateLimit-Remaining low, until X-RateLimit-Reset).
// A slot is taken by one database function, erysta_take_rate_slot, holding pg_advisory_xact_lock(
// hashtext(keyHash)) for its few statements, so concurrent takers are serialised: by construction no
// window of `windowMs` ever holds more than `limit` stamps.
// Nobody sleeps while holding the lock; a taker that must wait learns for how long (until the oldest
// call in the window drops out, or until blockedUntil), sleeps outside the transaction and tries again.
// The stamp is taken before the request leaves: a slot that took longer than `sendWithinMs` to get
// (lock queue, a starved CPU) is thrown away and another one taken, so the gap between stamp and send
// stays within the window's guard (app/erysta/index.server.ts uses 61 s for a 60 s limit).
//
// keyHash is the sha256 of the API key: the key itself is never stored or logged.
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { PrismaClient } from "@prisma/client";
import type { Logger } from "~/logger.server";
import { ErystaRateLimitedError, type ErystaOperation } from "./errors";

export interface RateFeedback {
  /** From a 429's Retry-After. */
  retryAfterMs?: number;
  /** X-RateLimit-Remaining. */
  remaining?: number;
  /** X-RateLimit-Reset converted to "milliseconds from now" on Erysta's own clock. */
  resetInMs?: number;
}

export interface RateBudget {
  /** Waits (abortably) for a slot and takes it. `waitedMs` is for logs and the benchmark. */
  acquire(options?: { signal?: AbortSignal; operation?: ErystaOperation }): Promise<{ waitedMs: number }>;
  /** Feeds back what Erysta said about its limit. Never throws. */
  observe(feedback: RateFeedback): Promise<void>;
}

export interface RateBudgetOptions {
  prisma: PrismaClient;
  apiKey: string;
  /** Calls allowed per window; default 100 (env ERYSTA_RATE_LIMIT_PER_MINUTE). */
  limit?: number;
  /** Rolling window length; 60 s in production, shorter in tests. */
  windowMs?: number;
  /** X-RateLimit-Remaining at or below this blocks everyone until X-RateLimit-Reset. Default 2. */
  lowRemainingThreshold?: number;
  /** A caller that would wait longer than this gets ErystaRateLimitedError("budget") instead. Default 2 windows. */
  maxWaitMs?: number;
  /** A slot not in hand within this long after asking is stale (see the header). Default 500 ms. */
  sendWithinMs?: number;
  /** Delete call rows older than the window about once every this many acquisitions. Default 50. */
  pruneEvery?: number;
  logger?: Logger;
}

export function hashApiKey(apiKey: string): string {
  return createHash("sha256").update(apiKey, "utf8").digest("hex");
}

/** Erysta may send Reset far ahead (or garbage); never block longer than this on its say-so. */
const MAX_BLOCK_MS = 10 * 60_000;
/** Spread the wake-ups of callers that waited for the same slot. */
const WAKE_JITTER_MS = 15;

export function createRateBudget(options: RateBudgetOptions): RateBudget {
  const { prisma, logger } = options;
  const keyHash = hashApiKey(options.apiKey);
  const limit = options.limit ?? 100;
  const windowMs = options.windowMs ?? 60_000;
  const lowRemaining = options.lowRemainingThreshold ?? 2;
  const maxWaitMs = options.maxWaitMs ?? 2 * windowMs;
  const pruneEvery = options.pruneEvery ?? 50;
  const sendWithinMs = options.sendWithinMs ?? 500;
  if (!Number.isInteger(limit) || limit < 1) throw new Error("rate budget limit must be a positive integer");
  if (!Number.isInteger(windowMs) || windowMs < 1)
    throw new Error("rate budget windowMs must be a positive integer");
  let acquisitions = 0;

  /** One attempt: takes a slot and returns 0, or returns how long to wait before trying again. */
  async function tryTake(): Promise<number> {
    // One statement: the lock is held only while PostgreSQL runs it (prisma/migrations/*_rate_slot_function).
    const [row] = await prisma.$queryRaw<Array<{ wait_ms: number }>>`
      SELECT erysta_take_rate_slot(${keyHash}, ${limit}::int, ${windowMs}::int) AS wait_ms`;
    if (!row) throw new Error("rate budget query returned no row");
    return Math.ceil(row.wait_ms);
  }

  async function prune(): Promise<void> {
    const keepMs = Math.max(windowMs, 60_000) * 2;
    await prisma.$executeRaw`
      DELETE FROM "ErystaRateCall"
      WHERE "keyHash" = ${keyHash} AND "calledAt" < clock_timestamp() - ${keepMs}::int * interval '1 millisecond'`;
  }

  return {
    async acquire({ signal, operation } = {}) {
      const started = performance.now();
      for (;;) {
        signal?.throwIfAborted();
        const asked = performance.now();
        const waitMs = await tryTake();
        const tookMs = performance.now() - asked;
        const waitedMs = performance.now() - started;
        if (waitMs === 0 && tookMs > sendWithinMs) {
          logger?.warn(
            { tookMs: Math.round(tookMs), operation },
            "erysta rate budget: slot too old to use, taking another",
          );
          continue;
        }
        if (waitMs === 0) {
          if (++acquisitions % pruneEvery === 0) {
            // Awaited (a cheap indexed delete) so the table stays bounded even in short-lived scripts.
            await prune().catch((error: unknown) =>
              logger?.warn({ err: error }, "erysta rate budget: pruning failed"),
            );
          }
          if (waitedMs >= 1_000)
            logger?.info(
              { waitedMs: Math.round(waitedMs), operation },
              "erysta rate budget: waited for a slot",
            );
          return { waitedMs };
        }
        if (waitedMs + waitMs > maxWaitMs) {
          throw new ErystaRateLimitedError("budget", {
            operation: operation ?? "getOrderKeys",
            retryAfterMs: waitMs,
          });
        }
        const jitter = Math.floor(Math.random() * WAKE_JITTER_MS);
        try {
          await sleep(waitMs + jitter, undefined, { signal });
        } catch (error) {
          // timers/promises rejects with a generic AbortError; surface the caller's own reason.
          if (signal?.aborted) throw signal.reason;
          throw error;
        }
      }
    },

    async observe(feedback) {
      let blockMs: number | undefined;
      if (feedback.retryAfterMs !== undefined && feedback.retryAfterMs > 0) {
        blockMs = feedback.retryAfterMs;
      } else if (
        feedback.remaining !== undefined &&
        feedback.remaining <= lowRemaining &&
        feedback.resetInMs !== undefined &&
        feedback.resetInMs > 0
      ) {
        blockMs = feedback.resetInMs;
      }
      if (blockMs === undefined) return;
      blockMs = Math.min(Math.ceil(blockMs), MAX_BLOCK_MS);
      try {
        // Only ever extend a block: a late, shorter answer must not shorten another process's pause.
        await prisma.$executeRaw`
          INSERT INTO "ErystaRateState" ("keyHash", "blockedUntil", "updatedAt")
          VALUES (${keyHash}, clock_timestamp() + ${blockMs}::int * interval '1 millisecond', now())
          ON CONFLICT ("keyHash") DO UPDATE
          SET "blockedUntil" = GREATEST("ErystaRateState"."blockedUntil", EXCLUDED."blockedUntil"), "updatedAt" = now()`;
        logger?.info(
          { blockMs, remaining: feedback.remaining },
          "erysta rate budget: pausing calls for this key",
        );
      } catch (error) {
        logger?.warn({ err: error }, "erysta rate budget: could not record a pause");
      }
    },
  };
}

/** For scripts and unit tests that talk to a simulator without a database. Never in the app. */
export function createUnlimitedRateBudget(): RateBudget {
  return {
    async acquire({ signal } = {}) {
      signal?.throwIfAborted();
      return { waitedMs: 0 };
    },
    async observe() {},
  };
}
