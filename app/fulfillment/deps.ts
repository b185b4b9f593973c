// What the fulfillment use cases need from the outside world, passed in as arguments so tests run them
// against the simulators, real PostgreSQL and a controllable clock.
import type { Shop } from "@prisma/client";
import type { PgBoss } from "pg-boss";
import type { Db } from "~/db.server";
import type { MailTransport } from "~/email/transport.server";
import type { ErystaClient } from "~/erysta/index.server";
import type { Logger } from "~/logger.server";
import type { AdminGateway } from "~/shopify-admin/index.server";
import type { PollSchedule } from "./schedule";

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export interface FulfillmentConfig {
  poll: PollSchedule;
  maxWaitMinutes: number;
  /** "Name <address>" of the app's sender; the shop's sender name replaces the name. */
  emailFrom: string;
  appUrl: string;
}

export interface FulfillmentDeps {
  db: Db;
  boss: PgBoss;
  clock: Clock;
  logger: Logger;
  config: FulfillmentConfig;
  /** The shop's Erysta client, or null when the shop has not connected an API key. */
  erystaFor(shop: Shop): ErystaClient | null;
  /** The Admin API gateway of the shop's offline session. */
  shopifyFor(shop: string): Promise<AdminGateway>;
  mail: MailTransport;
}
