// `npm run worker`: the background process. Runs every job handler until SIGTERM/SIGINT, then stops
// fetching, lets in-flight jobs finish and exits 0. Several workers can run at once (pg-boss uses
// SKIP LOCKED; the Erysta rate budget lives in PostgreSQL).
import os from "node:os";
import { prisma } from "~/db.server";
import { EnvError, getEnv } from "~/env.server";
import { buildFulfillmentDeps } from "~/fulfillment/deps.server";
import { createLogger } from "~/logger.server";
import { createBoss, startBoss } from "./boss.server";
import { buildJobHandlers } from "./handlers.server";
import { runHandlers, stopGracefully } from "./runner.server";

async function main() {
  const env = getEnv();
  const logger = createLogger({ level: env.LOG_LEVEL }).child({ process: "worker", pid: process.pid });
  yieldCpuToWebRequests(env.WORKER_NICE, logger);
  const boss = await startBoss(createBoss(env.DATABASE_URL, "worker"));
  const deps = buildFulfillmentDeps({ env, db: prisma, boss, logger });
  await runHandlers(boss, buildJobHandlers(deps), { concurrency: env.WORKER_CONCURRENCY, logger });
  logger.info({ concurrency: env.WORKER_CONCURRENCY }, "worker ready");

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "worker stopping: finishing in-flight jobs");
    try {
      await stopGracefully(boss);
      logger.info("worker stopped");
      process.exit(0);
    } catch (err) {
      logger.error({ err }, "worker did not stop cleanly");
      process.exit(1);
    }
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

/**
 * Where workers share a machine with the web server, jobs can wait a few milliseconds; Shopify's
 * webhooks cannot (5 s timeout, and a flash sale sends dozens per second). A positive niceness lets the
 * scheduler give the web server the CPU first. Raising one's own niceness needs no privilege.
 */
function yieldCpuToWebRequests(nice: number, logger: ReturnType<typeof createLogger>) {
  if (nice === 0) return;
  try {
    os.setPriority(nice);
  } catch (err) {
    logger.warn({ err, nice }, "could not lower the worker's CPU priority; running at the default");
  }
}

main().catch((err) => {
  console.error(err instanceof EnvError ? err.message : err);
  process.exit(1);
});
