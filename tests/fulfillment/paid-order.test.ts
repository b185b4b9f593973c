// A paid Shopify order, end to end, for real: signed webhook → app → PostgreSQL → worker → Erysta
// simulator → keys → SMTP capture and Shopify simulator. Each Erysta status path, and the outages.
import {
  clock,
  deliveryOf,
  deps,
  erysta,
  placeShopifyOrder,
  prisma,
  seedShop,
  shopify,
  smtp,
  startWorker,
  stopHarness,
} from "../support/fulfillment-harness";
import { intakePaidOrder } from "~/fulfillment/intake.server";
import { placeDelivery } from "~/fulfillment/place.server";
import { pollDelivery } from "~/fulfillment/poll.server";
import { refundUndelivered } from "~/fulfillment/refund.server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ERYSTA_KEY } from "../../scripts/lib/demo-shop";
import { DEMO_PRODUCTS } from "../../simulators/erysta";
import { waitFor } from "../support/wait";
import type { DeliveryStatus } from "@prisma/client";

const SHOP = "paid-orders.myshopify.com";
let seeded: Awaited<ReturnType<typeof seedShop>>;

async function until(
  orderId: number | string,
  status: DeliveryStatus | DeliveryStatus[],
  timeoutMs = 30_000,
) {
  const wanted = Array.isArray(status) ? status : [status];
  return waitFor(
    async () => {
      const d = await deliveryOf(SHOP, orderId);
      return d && wanted.includes(d.status) ? d : undefined;
    },
    { timeoutMs, what: `order ${orderId} to reach ${wanted.join("/")}` },
  );
}

const messagesTo = (address: string) => smtp.messages.filter((m) => m.envelope.to.includes(address));
const shopifyOrder = (orderId: number) => shopify.control.getOrder(SHOP, orderId);

beforeAll(async () => {
  seeded = await seedShop(SHOP, { notifyCustomerWhenLate: true });
  await startWorker();
});
afterAll(stopHarness);

describe("a paid order with Erysta products", () => {
  it("ends with the keys in the customer's inbox, the metafield written, only the digital lines fulfilled and the order tagged", async () => {
    const { order } = await placeShopifyOrder(
      seeded,
      [
        { handle: "instantKey", quantity: 1 },
        { handle: "qrGiftCard", quantity: 1 },
        { handle: "tshirt", quantity: 1 },
      ],
      { email: "ada@example.com" },
    );
    const delivery = await until(order.legacyId, "DELIVERED");
    expect(delivery.lines).toHaveLength(2); // the T-shirt is not Erysta's
    expect(delivery.keys.map((k) => k.type).sort()).toEqual(["IMAGE", "TEXT"]);
    expect(delivery.keys.every((k) => !k.valueCiphertext.includes("data:image"))).toBe(true);

    const [erystaOrder] = await erysta.control.orders({ referenceId: String(order.legacyId) });
    // What Erysta itself serves for that order: the keys the customer must get.
    const served = (await (
      await fetch(`${erysta.url}/orders/${erystaOrder!.id}/keys`, {
        headers: { "x-api-key": DEMO_ERYSTA_KEY },
      })
    ).json()) as { details: { data: { products: { id: string; keys: { value: string }[] }[] } } };
    const keysOf = (id: string) => served.details.data.products.find((p) => p.id === id)!.keys;
    const textKey = keysOf(DEMO_PRODUCTS.textInstant)[0]!.value;
    const imageKey = keysOf(DEMO_PRODUCTS.qrImage)[0]!.value;

    const [email] = await waitFor(
      () => (messagesTo("ada@example.com").length ? messagesTo("ada@example.com") : undefined),
      { what: "the keys email" },
    );
    expect(email!.subject).toContain(order.name);
    expect(email!.text).toContain(textKey);
    expect(email!.html).toContain(textKey);
    const png = email!.attachments.find((a) => a.contentType === "image/png");
    expect(png?.contentDisposition).toBe("inline");
    expect(email!.html).toContain(`cid:${png!.cid}`);
    expect(email!.html).not.toContain("data:image");
    expect(png!.content.equals(Buffer.from(imageKey.split(",")[1]!, "base64"))).toBe(true);

    const synced = await waitFor(
      async () => {
        const o = await shopifyOrder(order.legacyId);
        return o.tags.includes("erysta-delivered") && o.fulfillments.length ? o : undefined;
      },
      { what: "the Shopify order to be tagged and fulfilled" },
    );
    const metafield = synced.metafields.find((m) => m.key === "erysta_delivery");
    expect(JSON.parse(metafield!.value)).toMatchObject({
      status: expect.any(String),
      erysta_order_id: erystaOrder!.id,
    });
    expect(metafield!.value).toContain(textKey);
    expect(metafield!.value).not.toContain(imageKey.slice(30, 80)); // images are referenced, not embedded
    const tshirt = synced.lineItems.find((l) => l.requiresShipping)!;
    const fulfilledLineIds = synced.fulfillments.flatMap((f) => f.lineItems.map((l) => l.lineItemId));
    expect(fulfilledLineIds).not.toContain(tshirt.id);
    expect(fulfilledLineIds).toHaveLength(2);
    const tshirtFo = synced.fulfillmentOrders
      .flatMap((fo) => fo.lineItems)
      .find((l) => l.lineItemId === tshirt.id);
    expect(tshirtFo?.remainingQuantity).toBe(1);
  });

  it("the same webhook delivered three times concurrently places one Erysta order", async () => {
    const { order } = await placeShopifyOrder(seeded, [{ handle: "instantKey", quantity: 2 }], {
      send: false,
      email: "dup@example.com",
    });
    const first = await shopify.control.sendWebhook({
      shop: SHOP,
      topic: "orders/paid",
      orderId: order.legacyId,
    });
    await shopify.control.redeliverWebhook({ webhookId: first.webhookId, times: 3, concurrent: true });
    await until(order.legacyId, "DELIVERED");
    expect(await erysta.control.orders({ referenceId: String(order.legacyId) })).toHaveLength(1);
    expect(
      await prisma.delivery.count({ where: { shop: SHOP, shopifyOrderId: String(order.legacyId) } }),
    ).toBe(1);
    const receipts = await prisma.webhookReceipt.findMany({
      where: { shop: SHOP, webhookId: first.webhookId },
    });
    expect(receipts).toHaveLength(1);
    // The stored payload (customer data) is gone once the delivery holds what we need.
    expect(receipts[0]!.processedAt).toBeInstanceOf(Date);
    expect(receipts[0]!.payload).toBeNull();
    await waitFor(() => (messagesTo("dup@example.com").length === 1 ? true : undefined), {
      what: "one keys email",
    });
  });

  it("a second webhook for the same order (another webhook id) creates nothing new", async () => {
    const { order } = await placeShopifyOrder(seeded, [{ handle: "instantKey", quantity: 1 }], {
      email: "twice@example.com",
    });
    await shopify.control.sendWebhook({ shop: SHOP, topic: "orders/paid", orderId: order.legacyId });
    await until(order.legacyId, "DELIVERED");
    expect(await erysta.control.orders({ referenceId: String(order.legacyId) })).toHaveLength(1);
  });

  it("an order without mapped lines is recorded as SKIPPED and nothing is bought", async () => {
    const { order } = await placeShopifyOrder(seeded, [{ handle: "tshirt", quantity: 2 }]);
    const delivery = await until(order.legacyId, "SKIPPED");
    expect(delivery.events[0]?.message).toMatch(/no line is mapped/i);
    expect(await erysta.control.orders({ referenceId: String(order.legacyId) })).toHaveLength(0);
  });

  it("a webhook with a bad HMAC is refused with 401 and writes nothing", async () => {
    const { order } = await placeShopifyOrder(seeded, [{ handle: "instantKey", quantity: 1 }], {
      send: false,
    });
    const sent = await shopify.control.sendWebhook({
      shop: SHOP,
      topic: "orders/paid",
      orderId: order.legacyId,
      invalidSignature: true,
    });
    expect(sent.deliveries[0]?.status).toBe(401);
    expect(await deliveryOf(SHOP, order.legacyId)).toBeNull();
    expect(await prisma.webhookReceipt.count({ where: { webhookId: sent.webhookId } })).toBe(0);
  });

  it("a payload without an order id is refused with 400 and stores nothing (Shopify keeps it for retry)", async () => {
    const sent = await shopify.control.sendWebhook({
      shop: SHOP,
      topic: "orders/paid",
      payload: { name: "#9902", line_items: [] },
    });
    expect(sent.deliveries[0]?.status).toBe(400);
    expect(await prisma.webhookReceipt.count({ where: { webhookId: sent.webhookId } })).toBe(0);
  });

  it("a malformed payload keeps the order for review with the reason instead of losing it", async () => {
    const sent = await shopify.control.sendWebhook({
      shop: SHOP,
      topic: "orders/paid",
      payload: { id: 990001, name: "#9901", line_items: "not a list" },
    });
    expect(sent.deliveries[0]?.status).toBe(200);
    const delivery = await until(990001, "NEEDS_REVIEW");
    expect(delivery.statusReason).toMatch(/line_items/);
  });

  it("an order whose intake keeps failing is kept for review on the last attempt, not left in the inbox", async () => {
    // Readable, but the database refuses it (a quantity beyond a 32-bit integer): every attempt fails.
    const sent = await shopify.control.sendWebhook({
      shop: SHOP,
      topic: "orders/paid",
      payload: {
        id: 990003,
        name: "#9903",
        line_items: [
          { id: 1, variant_id: seeded.variants.instantKey, title: "Too many", quantity: 3_000_000_000 },
        ],
      },
    });
    expect(sent.deliveries[0]?.status).toBe(200);
    const intake = { shop: SHOP, webhookId: sent.webhookId };
    await expect(intakePaidOrder(deps, { ...intake, lastAttempt: false })).rejects.toThrow();
    expect(await deliveryOf(SHOP, 990003)).toBeNull();

    const outcome = await intakePaidOrder(deps, { ...intake, lastAttempt: true });
    expect(outcome.kind).toBe("unreadable");
    const delivery = await until(990003, "NEEDS_REVIEW");
    expect(delivery.statusReason).toMatch(/could not be taken in/);
    expect(delivery.events.map((e) => e.type)).toEqual(["intake_failed"]);
    const receipt = await prisma.webhookReceipt.findFirstOrThrow({ where: { webhookId: sent.webhookId } });
    expect(receipt.processedAt).not.toBeNull();
  });
});

describe("each Erysta outcome", () => {
  it("out of stock: FAILED_TO_PLACE with the reason, nothing charged, merchant alerted, order tagged", async () => {
    const { order } = await placeShopifyOrder(seeded, [{ handle: "soldOutKey", quantity: 1 }]);
    const delivery = await until(order.legacyId, "FAILED_TO_PLACE");
    expect(delivery.statusReason).toMatch(/out of stock/i);
    expect(await erysta.control.ledger({ referenceId: String(order.legacyId) })).toEqual([]);
    const alert = await waitFor(
      () =>
        smtp.messages.find(
          (m) => m.subject.includes(order.name) && m.envelope.to.includes("owner@erysta-demo.example"),
        ),
      {
        what: "the merchant alert",
      },
    );
    expect(alert.text).toMatch(/stock/i);
    await waitFor(
      async () => ((await shopifyOrder(order.legacyId)).tags.includes("erysta-failed") ? true : undefined),
      { what: "erysta-failed tag" },
    );
  });

  it("insufficient funds: FAILED_TO_PLACE and no charge", async () => {
    const before = await erysta.control.account(DEMO_ERYSTA_KEY);
    await erysta.control.setAccount({ apiKey: DEMO_ERYSTA_KEY, balance: 1, creditLimit: 0 });
    try {
      const { order } = await placeShopifyOrder(seeded, [{ handle: "instantKey", quantity: 1 }]);
      const delivery = await until(order.legacyId, "FAILED_TO_PLACE");
      expect(delivery.statusReason).toMatch(/funds|balance/i);
      expect(await erysta.control.ledger({ referenceId: String(order.legacyId) })).toEqual([]);
    } finally {
      await erysta.control.setAccount({
        apiKey: DEMO_ERYSTA_KEY,
        balance: before!.balance,
        creditLimit: before!.creditLimit,
      });
    }
  });

  it("PARTIAL_COMPLETED: delivers what arrived, records what is missing per line, alerts", async () => {
    const { order } = await placeShopifyOrder(seeded, [{ handle: "partialBundle", quantity: 4 }], {
      email: "partial@example.com",
    });
    const delivery = await until(order.legacyId, "PARTIALLY_DELIVERED");
    expect(delivery.lines[0]).toMatchObject({ quantity: 4, deliveredQuantity: 2 });
    expect(delivery.keys).toHaveLength(2);
    expect(delivery.events.map((e) => e.type)).toContain("partial");
    const [email] = await waitFor(
      () => (messagesTo("partial@example.com").length ? messagesTo("partial@example.com") : undefined),
      { what: "keys email" },
    );
    expect(email!.text).toMatch(/2/);
    const synced = await waitFor(
      async () => {
        const o = await shopifyOrder(order.legacyId);
        return o.tags.includes("erysta-partial") ? o : undefined;
      },
      { what: "erysta-partial tag" },
    );
    expect(synced.fulfillments.flatMap((f) => f.lineItems).reduce((n, l) => n + l.quantity, 0)).toBe(2);
  });

  it("FAILED at Erysta: FAILED with an alert", async () => {
    const { order } = await placeShopifyOrder(seeded, [{ handle: "failingKey", quantity: 1 }]);
    const delivery = await until(order.legacyId, "FAILED");
    expect(delivery.events.map((e) => e.type)).toContain("erysta_failed");
  });

  it("REFUNDED at Erysta, and an undocumented status is recorded and alerted without crashing", async () => {
    const { order } = await placeShopifyOrder(seeded, [{ handle: "slow20Key", quantity: 1 }]);
    const waiting = await until(order.legacyId, "WAITING");
    await erysta.control.setOrderStatus(waiting.erystaOrderId!, "ON_HOLD_AT_SOURCE");
    const flagged = await waitFor(
      async () => {
        const d = await deliveryOf(SHOP, order.legacyId);
        return d?.events.some((e) => e.type === "erysta_unknown_status") ? d : undefined;
      },
      { what: "the unknown status event" },
    );
    expect(flagged.status).toBe("WAITING");
    await erysta.control.setOrderStatus(waiting.erystaOrderId!, "REFUNDED");
    const refunded = await until(order.legacyId, "REFUNDED");
    expect(refunded.statusReason).toMatch(/cancelled|returned/i);
  });

  it("late after the SLA: event, merchant alert and 'on the way' email; still nothing after the maximum: NEEDS_REVIEW", async () => {
    const { order } = await placeShopifyOrder(seeded, [{ handle: "slow20Key", quantity: 1 }], {
      email: "late@example.com",
    });
    await until(order.legacyId, "WAITING");
    clock.advance(21 * 60_000);
    try {
      const late = await waitFor(
        async () => {
          const d = await deliveryOf(SHOP, order.legacyId);
          return d?.lateAlertedAt ? d : undefined;
        },
        { what: "the late flag" },
      );
      expect(late.events.map((e) => e.type)).toContain("late");
      const onTheWay = await waitFor(() => messagesTo("late@example.com")[0], {
        what: "the on-the-way email",
      });
      expect(onTheWay.subject).toMatch(/on (the|their) way/i);
      clock.advance(24 * 60 * 60_000);
      const review = await until(order.legacyId, "NEEDS_REVIEW");
      expect(review.statusReason).toMatch(/No keys from Erysta/);
      expect(await erysta.control.orders({ referenceId: String(order.legacyId) })).toHaveLength(1);
    } finally {
      clock.offsetMs = 0;
    }
  });
});

describe("outages delay delivery but lose nothing", () => {
  it("SMTP down then up: exactly one email once it is back", async () => {
    await smtp.setDown(true);
    let orderId: number;
    try {
      const { order } = await placeShopifyOrder(seeded, [{ handle: "instantKey", quantity: 1 }], {
        email: "outage@example.com",
      });
      orderId = order.legacyId;
      const failedOnce = await waitFor(
        async () => {
          const d = await deliveryOf(SHOP, orderId);
          const row = d?.emails.find((e) => e.kind === "KEYS");
          return row && row.attempts >= 1 && row.lastError ? d : undefined;
        },
        { what: "a failed SMTP attempt" },
      );
      expect(failedOnce.status).toBe("DELIVERING"); // keys are stored; only the email waits
    } finally {
      await smtp.setDown(false);
    }
    const delivered = await until(orderId!, "DELIVERED", 60_000);
    const row = delivered.emails.find((e) => e.kind === "KEYS")!;
    expect(row.status).toBe("SENT");
    expect(row.providerMessageId).toBeTruthy();
    expect(messagesTo("outage@example.com")).toHaveLength(1);
  });

  it("Shopify throttling: the order is synced after backing off", async () => {
    await shopify.control.throttle({ throttleNext: 2, reportedAvailable: 700 });
    const { order } = await placeShopifyOrder(seeded, [{ handle: "instantKey", quantity: 1 }]);
    await until(order.legacyId, "DELIVERED");
    const synced = await waitFor(
      async () => {
        const o = await shopifyOrder(order.legacyId);
        return o.tags.includes("erysta-delivered") && o.fulfillments.length ? o : undefined;
      },
      { what: "the synced order", timeoutMs: 40_000 },
    );
    expect(synced.metafields).toHaveLength(1);
    const log = await shopify.control.requests();
    expect(log.filter((r) => (r as { throttled?: boolean }).throttled).length).toBeGreaterThanOrEqual(2);
  });
});

describe("shop settings at intake", () => {
  it("a shop not connected to Erysta: ON_HOLD with that reason, nothing bought", async () => {
    const other = await seedShop("not-connected.myshopify.com");
    await prisma.shop.update({
      where: { shop: other.shop },
      data: { erystaApiKeyCiphertext: null, erystaApiKeyLast4: null },
    });
    const { order } = await placeShopifyOrder(other, [{ handle: "instantKey", quantity: 1 }]);
    const delivery = await waitFor(
      () => deliveryOf(other.shop, order.legacyId).then((d) => (d?.status === "ON_HOLD" ? d : undefined)),
      { what: "ON_HOLD" },
    );
    expect(delivery.statusReason).toMatch(/not connected/i);
    expect(await erysta.control.orders({ referenceId: String(order.legacyId) })).toHaveLength(0);
  });
});

describe("optional shop settings", () => {
  it("holds an order Shopify rates high risk for the merchant's approval", async () => {
    const { order } = await placeShopifyOrder(seeded, [{ handle: "instantKey", quantity: 1 }], {
      risk: "CANCEL",
    });
    const held = await until(order.legacyId, "ON_HOLD");
    expect(held.statusReason).toMatch(/high-risk/i);
    expect(await erysta.control.orders({ referenceId: String(order.legacyId) })).toHaveLength(0);
  });

  it("refunds the undelivered items once, from Shopify's suggested refund, when the shop enables it", async () => {
    const refunding = await seedShop("refunds.myshopify.com", { refundUndelivered: true });
    const { order } = await placeShopifyOrder(refunding, [{ handle: "partialBundle", quantity: 2 }]);
    const refunded = await waitFor(
      async () => {
        const d = await deliveryOf(refunding.shop, order.legacyId);
        return d?.refundedAt ? d : undefined;
      },
      { what: "the refund" },
    );
    expect(refunded.events.map((e) => e.type)).toContain("refunded_undelivered");
    const shopifySide = await shopify.control.getOrder(refunding.shop, order.legacyId);
    expect(shopifySide.refunds).toHaveLength(1);
    expect(shopifySide.refunds[0]!.lineItems).toEqual([expect.objectContaining({ quantity: 1 })]);
    expect(shopifySide.refunds[0]!.idempotencyKey).toBe(`erysta-refund-${refunded.id}`);

    // A re-run (retried job) refunds nothing more, even if our own record of it were lost.
    await prisma.delivery.update({ where: { id: refunded.id }, data: { refundedAt: null } });
    await refundUndelivered(deps, { shop: refunding.shop, deliveryId: refunded.id });
    expect((await shopify.control.getOrder(refunding.shop, order.legacyId)).refunds).toHaveLength(1);
  });
});

describe("shop isolation", () => {
  it("a job or request naming another shop's delivery finds nothing and changes nothing", async () => {
    const { order } = await placeShopifyOrder(seeded, [{ handle: "soldOutKey", quantity: 1 }]);
    await until(order.legacyId, "FAILED_TO_PLACE");
    // Let the delivery's own follow-up jobs (Shopify sync) settle before taking the snapshot.
    const mine = await waitFor(
      async () => {
        const d = await deliveryOf(SHOP, order.legacyId);
        return d?.shopifySyncedAt ? d : undefined;
      },
      { what: "the Shopify sync" },
    );
    expect(await placeDelivery(deps, { shop: "intruder.myshopify.com", deliveryId: mine.id })).toBe(
      "nothing_to_do",
    );
    expect(await pollDelivery(deps, { shop: "intruder.myshopify.com", deliveryId: mine.id })).toBe(
      "nothing_to_do",
    );
    const after = await deliveryOf(SHOP, order.legacyId);
    expect(after?.status).toBe("FAILED_TO_PLACE");
    expect(after?.placeAttempts).toBe(mine.placeAttempts);
    expect(after?.events).toHaveLength(mine.events.length);
    expect(await erysta.control.orders({ referenceId: String(order.legacyId) })).toHaveLength(0);
  });
});
