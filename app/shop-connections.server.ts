// How a process reaches the outside world on a shop's behalf, built the same way for the worker and the
// web admin: an Erysta client from the shop's encrypted API key (one per key and process, so its
// rate-budget bookkeeping is reused) and the Admin gateway of the shop's offline session.
import type { Shop } from "@prisma/client";
import type { Db } from "~/db.server";
import type { Env } from "~/env.server";
import { createErystaClientForShopKey, type ErystaClient } from "~/erysta/index.server";
import type { Logger } from "~/logger.server";
import { openSecret } from "~/security/secrets.server";
import {
  createAdminGatewayForSession,
  ShopifyAuthError,
  type AdminGateway,
} from "~/shopify-admin/index.server";

export interface ShopConnections {
  /** A client for an API key given in clear (e.g. one the merchant just pasted). */
  erystaForKey(apiKey: string): ErystaClient;
  /** The shop's stored key's client, or null when Erysta is not connected. */
  erystaFor(shop: Shop): ErystaClient | null;
  /** The Admin API gateway of the shop's offline session. */
  shopifyFor(shop: string): Promise<AdminGateway>;
}

export function createShopConnections({
  env,
  db,
  logger,
}: {
  env: Env;
  db: Db;
  logger: Logger;
}): ShopConnections {
  const clients = new Map<string, ErystaClient>();
  const erystaForKey = (apiKey: string) => createErystaClientForShopKey({ apiKey, prisma: db, logger, env });
  return {
    erystaForKey,
    erystaFor(shop) {
      if (!shop.erystaApiKeyCiphertext) return null;
      let client = clients.get(shop.erystaApiKeyCiphertext);
      if (!client) {
        client = erystaForKey(openSecret(shop.erystaApiKeyCiphertext, shop.shop));
        clients.set(shop.erystaApiKeyCiphertext, client);
      }
      return client;
    },
    async shopifyFor(shop) {
      const session = await db.session.findFirst({
        where: { shop, isOnline: false },
        orderBy: { expires: "desc" },
      });
      if (!session) {
        throw new ShopifyAuthError(`${shop} has no offline session (app not installed?)`, {
          shop,
          reason: "invalid_token",
        });
      }
      return createAdminGatewayForSession(session, {
        origin: env.SHOPIFY_ADMIN_API_ORIGIN,
        logger: logger.child({ shop }),
      });
    },
  };
}
