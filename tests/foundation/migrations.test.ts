import { afterAll, describe, expect, it } from "vitest";
import pg from "pg";
import { migrateDeploy, startEmbeddedPostgres } from "../../scripts/lib/database";

describe("migrations", () => {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  afterAll(() => client.end());

  it("apply to a fresh embedded database and create every table of the data model", async () => {
    const server = await startEmbeddedPostgres({
      dataDir: `.data/test-fresh-${process.pid}`,
      ephemeral: true,
    });
    try {
      const url = await server.createDatabase("fresh");
      await migrateDeploy(url);
      const fresh = new pg.Client({ connectionString: url });
      await fresh.connect();
      const { rows } = await fresh.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      await fresh.end();
      expect(rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining([
          "Session",
          "Shop",
          "ProductMapping",
          "Delivery",
          "DeliveryLine",
          "DeliveredKey",
          "DeliveryEvent",
          "EmailMessage",
          "WebhookReceipt",
          "_prisma_migrations",
        ]),
      );
    } finally {
      await server.stop();
    }
  });

  it("make idempotency a database guarantee: one delivery per shop+order, one receipt per webhook", async () => {
    await client.connect();
    await client.query(`INSERT INTO "Shop" (id, shop, "updatedAt") VALUES ('s1', 'a.myshopify.com', now())`);
    await client.query(
      `INSERT INTO "WebhookReceipt" (id, shop, "webhookId", topic) VALUES ('r1', 'a.myshopify.com', 'w-1', 'orders/paid')`,
    );
    await expect(
      client.query(
        `INSERT INTO "WebhookReceipt" (id, shop, "webhookId", topic) VALUES ('r2', 'a.myshopify.com', 'w-1', 'orders/paid')`,
      ),
    ).rejects.toThrow(/unique/);
    const insertDelivery = (id: string) =>
      client.query(
        `INSERT INTO "Delivery" (id, shop, "shopifyOrderId", "orderGid", "orderName", status, "referenceId", "updatedAt")
         VALUES ($1, 'a.myshopify.com', '1001', 'gid://shopify/Order/1001', '#1001', 'RECEIVED', '1001', now())`,
        [id],
      );
    await insertDelivery("d1");
    await expect(insertDelivery("d2")).rejects.toThrow(/unique/);
    await client.query(
      `INSERT INTO "ProductMapping" (id, shop, "variantId", "erystaProductId", "updatedAt") VALUES ('m1', 'a.myshopify.com', 'v1', 'p1', now())`,
    );
    await expect(
      client.query(
        `INSERT INTO "ProductMapping" (id, shop, "variantId", "erystaProductId", "updatedAt") VALUES ('m2', 'a.myshopify.com', 'v1', 'p2', now())`,
      ),
    ).rejects.toThrow(/unique/);
  });
});
