// What the admin use cases need from the outside world, passed in as arguments (like the fulfillment
// use cases): the database, the job queue, Erysta clients and the shop's Shopify Admin gateway.
import type { Shop } from "@prisma/client";
import type { PgBoss } from "pg-boss";
import type { Db } from "~/db.server";
import type { Clock } from "~/fulfillment/deps";
import type { ErystaClient } from "~/erysta/index.server";
import type { Logger } from "~/logger.server";
import type { AdminGateway } from "~/shopify-admin/index.server";

export interface AdminDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** The job queue (started lazily: pages that only read never start it). */
  boss(): Promise<PgBoss>;
  /** A client for an API key the merchant just pasted (not stored yet). */
  erystaForKey(apiKey: string): ErystaClient;
  /** The shop's stored key's client, or null when Erysta is not connected. */
  erystaFor(shop: Shop): ErystaClient | null;
  /** The Admin API gateway of the shop's offline session. */
  shopifyFor(shop: string): Promise<AdminGateway>;
}

/** Who did something in the admin, as recorded on DeliveryEvent.actor: "merchant:<staff user id>". */
export type Actor = `merchant:${string}`;
