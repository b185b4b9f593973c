import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { createBoss, enqueue, startBoss } from "~/jobs/boss.server";
import { QUEUES } from "~/jobs/queues";
import { sealSecret } from "~/security/secrets.server";
import { startAppServer, type AppServer } from "../support/app-server";
import { postWebhook } from "../support/webhooks";

const SHOP_A = "shop-a.myshopify.com";
const SHOP_B = "shop-b.myshopify.com";

async function seedShop(shop: string, orderId: string, email: string) {
  await prisma.shop.create({ data: { shop } });
  await prisma.session.create({
    data: { id: `offline_${shop}`, shop, state: "x", accessToken: "tok", isOnline: false },
  });
  await prisma.productMapping.create({
    data: { shop, variantId: "gid://shopify/ProductVariant/1", erystaProductId: "69ae19b4397b2e44c02853f5" },
  });
  const delivery = await prisma.delivery.create({
    data: {
      shop,
      shopifyOrderId: orderId,
      orderGid: `gid://shopify/Order/${orderId}`,
      orderName: "#1001",
      customerEmail: email,
      customerFirstName: "Ada",
      customerId: "77",
      status: "DELIVERED",
      referenceId: orderId,
      lines: {
        create: {
          shop,
          shopifyLineItemId: "1",
          title: "Game key",
          quantity: 1,
          erystaProductId: "69ae19b4397b2e44c02853f5",
          deliveredQuantity: 1,
        },
      },
      events: { create: { shop, type: "delivered", message: "Delivered" } },
    },
  });
  await prisma.deliveredKey.create({
    data: {
      shop,
      deliveryId: delivery.id,
      erystaProductId: "69ae19b4397b2e44c02853f5",
      position: 0,
      type: "TEXT",
      valueCiphertext: sealSecret("AAAAA-BBBBB", shop),
    },
  });
  await prisma.emailMessage.create({
    data: {
      shop,
      deliveryId: delivery.id,
      kind: "KEYS",
      recipient: email,
      status: "SENT",
      idempotencyKey: `keys:${delivery.id}`,
    },
  });
  await prisma.webhookReceipt.create({ data: { shop, webhookId: `w-${shop}`, topic: "orders/paid" } });
  return delivery;
}

async function countRows(shop: string) {
  const where = { where: { shop } };
  return {
    shops: await prisma.shop.count(where),
    sessions: await prisma.session.count(where),
    mappings: await prisma.productMapping.count(where),
    deliveries: await prisma.delivery.count(where),
    lines: await prisma.deliveryLine.count(where),
    keys: await prisma.deliveredKey.count(where),
    events: await prisma.deliveryEvent.count(where),
    emails: await prisma.emailMessage.count(where),
    receipts: await prisma.webhookReceipt.count(where),
  };
}

describe("compliance and uninstall webhooks", () => {
  let app: AppServer;
  beforeAll(async () => {
    app = await startAppServer();
  });
  afterAll(() => app.close());
  beforeEach(async () => {
    await prisma.$executeRawUnsafe(
      `TRUNCATE "Shop", "Session", "ProductMapping", "Delivery", "EmailMessage", "WebhookReceipt", "CustomerDataRequest" CASCADE`,
    );
  });

  const topics = [
    [
      "customers/data_request",
      {
        shop_id: 1,
        shop_domain: SHOP_A,
        orders_requested: [1001],
        customer: { id: 77, email: "ada@example.com" },
        data_request: { id: 9 },
      },
    ],
    [
      "customers/redact",
      {
        shop_id: 1,
        shop_domain: SHOP_A,
        customer: { id: 77, email: "ada@example.com" },
        orders_to_redact: [1001],
      },
    ],
    ["shop/redact", { shop_id: 1, shop_domain: SHOP_A }],
    ["app/uninstalled", { id: 1, domain: SHOP_A }],
  ] as const;

  for (const [topic, payload] of topics) {
    it(`${topic}: an invalid HMAC is refused with 401 and writes nothing`, async () => {
      await seedShop(SHOP_A, "1001", "ada@example.com");
      const before = await countRows(SHOP_A);
      const res = await postWebhook(app.origin, { topic, shop: SHOP_A, payload, hmac: "bm90LXRoZS1obWFj" });
      expect(res.status).toBe(401);
      expect(await countRows(SHOP_A)).toEqual(before);
      expect(await prisma.customerDataRequest.count()).toBe(0);
    });
  }

  it("customers/data_request records what we hold for that customer", async () => {
    await seedShop(SHOP_A, "1001", "ada@example.com");
    const res = await postWebhook(app.origin, {
      topic: "customers/data_request",
      shop: SHOP_A,
      payload: topics[0][1],
    });
    expect(res.status).toBe(200);
    const request = await prisma.customerDataRequest.findFirstOrThrow({ where: { shop: SHOP_A } });
    expect(request.customerEmail).toBe("ada@example.com");
    expect(request.summary).toMatchObject({
      deliveries: [{ shopifyOrderId: "1001", keysHeld: 1, emailsSent: 1 }],
    });
  });

  it("customers/redact deletes that customer's keys and emails and blanks their personal data", async () => {
    await seedShop(SHOP_A, "1001", "ada@example.com");
    await seedShop(SHOP_B, "1001", "ada@example.com"); // same customer email and order id in another shop
    const res = await postWebhook(app.origin, {
      topic: "customers/redact",
      shop: SHOP_A,
      payload: topics[1][1],
    });
    expect(res.status).toBe(200);
    const delivery = await prisma.delivery.findFirstOrThrow({ where: { shop: SHOP_A } });
    expect(delivery).toMatchObject({ customerEmail: null, customerFirstName: null, customerId: null });
    expect(await countRows(SHOP_A)).toMatchObject({ keys: 0, emails: 0, deliveries: 1 });
    expect(await countRows(SHOP_B)).toMatchObject({ keys: 1, emails: 1 });
    expect((await prisma.delivery.findFirstOrThrow({ where: { shop: SHOP_B } })).customerEmail).toBe(
      "ada@example.com",
    );
  });

  it("shop/redact removes every row of that shop and leaves another shop untouched", async () => {
    await seedShop(SHOP_A, "1001", "ada@example.com");
    await seedShop(SHOP_B, "2002", "bob@example.com");
    const otherBefore = await countRows(SHOP_B);
    const res = await postWebhook(app.origin, { topic: "shop/redact", shop: SHOP_A, payload: topics[2][1] });
    expect(res.status).toBe(200);
    expect(Object.values(await countRows(SHOP_A)).every((n) => n === 0)).toBe(true);
    expect(await countRows(SHOP_B)).toEqual(otherBefore);
    expect(Object.values(otherBefore).every((n) => n > 0)).toBe(true);
  });

  it("app/uninstalled removes the shop's sessions, stops its queued jobs and marks it uninstalled, keeping its history", async () => {
    const a = await seedShop(SHOP_A, "1001", "ada@example.com");
    const b = await seedShop(SHOP_B, "2002", "bob@example.com");
    const boss = await startBoss(createBoss(process.env.DATABASE_URL!, "web"));
    const later = new Date(Date.now() + 3_600_000);
    const jobA = await enqueue(boss, QUEUES.poll, { shop: SHOP_A, deliveryId: a.id }, { startAfter: later });
    const jobB = await enqueue(boss, QUEUES.poll, { shop: SHOP_B, deliveryId: b.id }, { startAfter: later });
    const res = await postWebhook(app.origin, {
      topic: "app/uninstalled",
      shop: SHOP_A,
      payload: topics[3][1],
    });
    expect(res.status).toBe(200);
    expect(await prisma.session.count({ where: { shop: SHOP_A } })).toBe(0);
    expect(await prisma.session.count({ where: { shop: SHOP_B } })).toBe(1);
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop: SHOP_A } })).uninstalledAt).toBeInstanceOf(
      Date,
    );
    expect(await prisma.delivery.count({ where: { shop: SHOP_A } })).toBe(1);
    expect((await boss.getJobById(QUEUES.poll, jobA!))?.state).toBe("cancelled");
    expect((await boss.getJobById(QUEUES.poll, jobB!))?.state).toBe("created");
    await boss.stop({ graceful: false, close: true });
  });

  it("an unreadable payload is answered 400 with the reason", async () => {
    const res = await postWebhook(app.origin, {
      topic: "customers/redact",
      shop: SHOP_A,
      payload: { customer: "nope" },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/shop_domain/);
  });
});
