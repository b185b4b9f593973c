// Approving an order held as high risk places it: the placement job does not hold it a second time.
import { afterAll, describe, expect, it } from "vitest";
import { createDelivery } from "../support/admin-fixtures";
import { call } from "../support/admin-routes";
import { SHOP_ERYSTA_KEY, startAdminStack } from "../support/admin-stack";

const stack = await startAdminStack();
const { db } = stack;
const page = await import("~/routes/app.orders.$id");
const { getAdminDeps } = await import("~/admin/deps.server");
const { buildFulfillmentDeps } = await import("~/fulfillment/deps.server");
const { placeDelivery } = await import("~/fulfillment/place.server");
const { getEnv } = await import("~/env.server");
const { prisma } = await import("~/db.server");
const { createLogger } = await import("~/logger.server");

const SHOP = "approve-shop.myshopify.com";
const seeded = await stack.seedShop(SHOP, { alertEmail: null });

afterAll(async () => {
  await (await globalThis.__webBoss)?.stop({ graceful: false, close: true });
  await stack.close();
});

async function riskyDelivery() {
  const { order } = await stack.shopify.control.createOrder({
    shop: SHOP,
    lines: [{ variantId: seeded.variants.instantKey, quantity: 1 }],
    customer: { firstName: "Rita", email: "rita@example.com" },
    riskRecommendation: "CANCEL",
  });
  const delivery = await createDelivery(db, SHOP, { status: "RECEIVED" });
  return db.delivery.update({
    where: { id: delivery.id },
    data: { orderGid: order.id, shopifyOrderId: String(order.legacyId), referenceId: String(order.legacyId) },
  });
}

describe("approving a held order", () => {
  it("holds a high-risk order, and places it once the merchant approves it", async () => {
    const deps = buildFulfillmentDeps({
      env: getEnv(),
      db: prisma,
      boss: await getAdminDeps().boss(),
      logger: createLogger({ level: "silent" }),
    });
    const delivery = await riskyDelivery();
    expect(await placeDelivery(deps, { shop: SHOP, deliveryId: delivery.id })).toBe("on_hold");
    expect(await stack.erysta.control.orders({ referenceId: delivery.referenceId })).toHaveLength(0);

    const approved = await call<{ ok: boolean }>(page.action, `/app/orders/${delivery.id}`, {
      shop: SHOP,
      params: { id: delivery.id },
      form: { intent: "approve" },
    });
    expect(approved.data.ok).toBe(true);
    expect(await placeDelivery(deps, { shop: SHOP, deliveryId: delivery.id })).toBe("placed");
    const orders = await stack.erysta.control.orders({
      referenceId: delivery.referenceId,
      apiKey: SHOP_ERYSTA_KEY,
    });
    expect(orders).toHaveLength(1);
    deps.mail.close();
  });
});
