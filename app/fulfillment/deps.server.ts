// The composition root of the fulfillment use cases for the real processes (worker, web): Erysta
// clients from each shop's encrypted key, the Admin gateway from each shop's offline session, SMTP.
import type { Shop } from "@prisma/client";
import type { PgBoss } from "pg-boss";
import type { Db } from "~/db.server";
import { createMailTransport } from "~/email/transport.server";
import type { Env } from "~/env.server";
import { createErystaClientForShopKey, type ErystaClient } from "~/erysta/index.server";
import type { Logger } from "~/logger.server";
import { openSecret } from "~/security/secrets.server";
import { createAdminGatewayForSession, ShopifyAuthError } from "~/shopify-admin/index.server";
import { systemClock, type Clock, type FulfillmentConfig, type FulfillmentDeps } from "./deps";

export function fulfillmentConfig(env: Env): FulfillmentConfig {
  return {
    poll: {
      firstDelayMs: env.POLL_FIRST_DELAY_MS,
      maxIntervalMs: env.POLL_MAX_INTERVAL_MS,
      backoffFactor: env.POLL_BACKOFF_FACTOR,
    },
    maxWaitMinutes: env.DELIVERY_MAX_WAIT_MINUTES,
    emailFrom: env.EMAIL_FROM,
    appUrl: env.SHOPIFY_APP_URL,
  };
}

export function buildFulfillmentDeps(input: {
  env: Env;
  db: Db;
  boss: PgBoss;
  logger: Logger;
  clock?: Clock;
}): FulfillmentDeps {
  const { env, db, logger } = input;
  // One client per API key and process, so its rate-budget bookkeeping is reused.
  const clients = new Map<string, ErystaClient>();
  return {
    db,
    boss: input.boss,
    clock: input.clock ?? systemClock,
    logger,
    config: fulfillmentConfig(env),
    mail: createMailTransport(env.SMTP_URL),
    erystaFor(shop: Shop) {
      if (!shop.erystaApiKeyCiphertext) return null;
      let client = clients.get(shop.erystaApiKeyCiphertext);
      if (!client) {
        const apiKey = openSecret(shop.erystaApiKeyCiphertext, shop.shop);
        client = createErystaClientForShopKey({
          apiKey,
          prisma: db,
          logger: logger.child({ shop: shop.shop }),
          env,
        });
        clients.set(shop.erystaApiKeyCiphertext, client);
      }
      return client;
    },
    async shopifyFor(shop: string) {
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
