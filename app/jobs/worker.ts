// `npm run worker`: the background process. Runs every job handler until SIGTERM/SIGINT, then stops
// fetching, lets in-flight jobs finish and exits 0. Several workers can run at once (pg-boss uses
// SKIP LOCKED; the Erysta rate budget lives in PostgreSQL).
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

main().catch((err) => {
  console.error(err instanceof EnvError ? err.message : err);
  process.exit(1);
});
