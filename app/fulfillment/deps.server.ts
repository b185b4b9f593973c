// The composition root of the fulfillment use cases for the real processes (worker, web): the shop
// connections (Erysta, Shopify Admin), SMTP, the poll schedule from the environment.
import type { PgBoss } from "pg-boss";
import type { Db } from "~/db.server";
import { createMailTransport } from "~/email/transport.server";
import type { Env } from "~/env.server";
import type { Logger } from "~/logger.server";
import { createShopConnections } from "~/shop-connections.server";
import { systemClock, type Clock, type FulfillmentConfig, type FulfillmentDeps } from "./deps";

export function fulfillmentConfig(env: Env): FulfillmentConfig {
  return {
    poll: {
      firstDelayMs: env.POLL_FIRST_DELAY_MS,
      maxIntervalMs: env.POLL_MAX_INTERVAL_MS,
      backoffFactor: env.POLL_BACKOFF_FACTOR,
      slowAfterMs: env.POLL_SLOW_AFTER_MS,
      slowIntervalMs: env.POLL_SLOW_INTERVAL_MS,
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
  const { erystaFor, shopifyFor } = createShopConnections({ env, db, logger });
  return {
    db,
    boss: input.boss,
    clock: input.clock ?? systemClock,
    logger,
    config: fulfillmentConfig(env),
    mail: createMailTransport(env.SMTP_URL),
    erystaFor,
    shopifyFor,
  };
}
