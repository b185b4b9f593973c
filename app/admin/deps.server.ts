// The composition root of the admin use cases for the web process: the same shop connections as the
// worker (Erysta clients, the Admin gateway of the offline session), pg-boss in enqueue-only mode.
import type { PgBoss } from "pg-boss";
import { prisma, type Db } from "~/db.server";
import { getEnv, type Env } from "~/env.server";
import { systemClock } from "~/fulfillment/deps";
import { webBoss } from "~/jobs/boss.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { createShopConnections } from "~/shop-connections.server";
import type { AdminDeps } from "./deps";

export function createAdminDeps(input: {
  env: Env;
  db: Db;
  logger: Logger;
  boss: () => Promise<PgBoss>;
}): AdminDeps {
  const { env, db, logger } = input;
  return { db, clock: systemClock, logger, boss: input.boss, ...createShopConnections({ env, db, logger }) };
}

// Module-level (not globalThis): error classes must come from the same module graph as the use cases.
let cached: AdminDeps | undefined;

/** The web process' admin dependencies, built once from the environment. */
export function getAdminDeps(): AdminDeps {
  if (!cached) {
    const env = getEnv();
    cached = createAdminDeps({
      env,
      db: prisma,
      logger: rootLogger.child({ component: "admin" }),
      boss: () => webBoss(env.DATABASE_URL),
    });
  }
  return cached;
}
