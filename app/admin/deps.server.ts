// The composition root of the admin use cases for the web process: Erysta clients from the shop's
// encrypted key (one per key and process, so the rate-budget bookkeeping is reused), the Admin gateway
// from the shop's offline session (exactly as the worker builds them), pg-boss in enqueue-only mode.
import type { PgBoss } from "pg-boss";
import { prisma, type Db } from "~/db.server";
import { getEnv, type Env } from "~/env.server";
import { createErystaClientForShopKey, type ErystaClient } from "~/erysta/index.server";
import { systemClock } from "~/fulfillment/deps";
import { webBoss } from "~/jobs/boss.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { openSecret } from "~/security/secrets.server";
import { createAdminGatewayForSession, ShopifyAuthError } from "~/shopify-admin/index.server";
import type { AdminDeps } from "./deps";

export function createAdminDeps(input: {
  env: Env;
  db: Db;
  logger: Logger;
  boss: () => Promise<PgBoss>;
}): AdminDeps {
  const { env, db, logger } = input;
  const clients = new Map<string, ErystaClient>();
  const clientFor = (apiKey: string) => createErystaClientForShopKey({ apiKey, prisma: db, logger, env });
  return {
    db,
    clock: systemClock,
    logger,
    boss: input.boss,
    erystaForKey: clientFor,
    erystaFor(shop) {
      if (!shop.erystaApiKeyCiphertext) return null;
      let client = clients.get(shop.erystaApiKeyCiphertext);
      if (!client) {
        client = clientFor(openSecret(shop.erystaApiKeyCiphertext, shop.shop));
        clients.set(shop.erystaApiKeyCiphertext, client);
      }
      return client;
    },
    async shopifyFor(shop) {
      const session = await db.session.findFirst({
        where: { shop, isOnline: false },
        orderBy: { expires: "desc" },
      });
      if (!session)
        throw new ShopifyAuthError(`${shop} has no offline session (app not installed?)`, {
          shop,
          reason: "invalid_token",
        });
      return createAdminGatewayForSession(session, {
        origin: env.SHOPIFY_ADMIN_API_ORIGIN,
        logger: logger.child({ shop }),
      });
    },
  };
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
