// What the admin use cases need from the outside world, passed in as arguments (like the fulfillment
// use cases): the database, the job queue, Erysta clients and the shop's Shopify Admin gateway.
import type { PgBoss } from "pg-boss";
import type { Db } from "~/db.server";
import type { Clock } from "~/fulfillment/deps";
import type { Logger } from "~/logger.server";
import type { ShopConnections } from "~/shop-connections.server";

export interface AdminDeps extends ShopConnections {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** The job queue (started lazily: pages that only read never start it). */
  boss(): Promise<PgBoss>;
}

/** Who did something in the admin, as recorded on DeliveryEvent.actor: "merchant:<staff user id>". */
export type Actor = `merchant:${string}`;
