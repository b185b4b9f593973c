// The webhook inbox: a verified webhook's payload stored in a WebhookReceipt together with the job that
// will process it, in one transaction, so that once we answer 200 the webhook cannot be lost.
//
// Plain SQL on Prisma's own pool instead of Prisma calls: this runs in the request Shopify times out
// after 5 seconds, dozens of times a second in a flash sale, and Prisma's client compiles every query
// on the event loop (~1 ms each on this stack). Four statements of plain SQL cost a fraction of that.
// The table is Prisma's (prisma/schema.prisma, WebhookReceipt); everything else reads it through Prisma.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { PgBoss } from "pg-boss";
import { enqueue } from "~/jobs/boss.server";
import { QUEUES } from "~/jobs/queues";

export interface InboxDeps {
  pool: pg.Pool;
  boss: PgBoss;
}

/**
 * Stores the webhook and queues its intake job, atomically. Returns false when this webhook id was
 * already stored for the shop (Shopify re-delivered it): nothing is written twice.
 */
export async function storeWebhookForIntake(
  deps: InboxDeps,
  webhook: { shop: string; webhookId: string; topic: string; rawBody: string },
): Promise<boolean> {
  const client = await deps.pool.connect();
  try {
    await client.query("BEGIN");
    const stored = await client.query(
      `INSERT INTO "WebhookReceipt" (id, shop, "webhookId", topic, payload)
       VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (shop, "webhookId") DO NOTHING`,
      [randomUUID(), webhook.shop, webhook.webhookId, webhook.topic, webhook.rawBody],
    );
    if (stored.rowCount) {
      await enqueue(
        deps.boss,
        QUEUES.intake,
        { shop: webhook.shop, webhookId: webhook.webhookId },
        { client },
      );
    }
    await client.query("COMMIT");
    return !!stored.rowCount;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
