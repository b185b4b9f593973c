// The simulator's webhooks, received by a small HTTP server standing in for the app: signed as Shopify
// signs them (checked here with an independent HMAC), shaped like Shopify's REST payloads, and
// re-deliverable with the same webhook id to imitate Shopify's retries.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningShopifySimulator } from "../support/shopify-sim";
import { TEST_API_SECRET } from "../support/test-env";
import { seedShop, SHOP, startSimulator } from "./helpers";

interface Received {
  path: string;
  headers: Record<string, string>;
  raw: Buffer;
}

let received: Received[] = [];
let app: Server;
let appUrl: string;
let sim: RunningShopifySimulator;
let seed: Awaited<ReturnType<typeof seedShop>>;

function hmacIsValid(raw: Buffer, header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const expected = createHmac("sha256", secret).update(raw).digest();
  const given = Buffer.from(header, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

beforeAll(async () => {
  app = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({
      path: req.url ?? "",
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
      raw: Buffer.concat(chunks),
    });
    await new Promise((r) => setTimeout(r, 20)); // overlapping deliveries really overlap
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  sim = await startSimulator({ appUrl });
});
afterAll(async () => {
  await sim.close();
  await new Promise((r) => app.close(r));
});
beforeEach(async () => {
  seed = await seedShop(sim);
  received = [];
});

describe("orders/paid", () => {
  it("is signed with the app's API secret and carries Shopify's headers", async () => {
    const { order, webhook } = await sim.control.createOrder({
      shop: SHOP,
      lines: [
        { variantId: seed.digital.id, quantity: 2 },
        { variantId: seed.physical.id, quantity: 1 },
      ],
      email: "buyer@example.com",
      customer: { firstName: "Ada", lastName: "Lovelace", email: "buyer@example.com" },
      customerLocale: "fr-CA",
      sendPaidWebhook: true,
    });
    expect(webhook?.deliveries).toEqual([expect.objectContaining({ status: 200, ok: true })]);
    expect(received).toHaveLength(1);
    const delivery = received[0]!;
    expect(delivery.path).toBe("/webhooks/orders/paid");
    expect(hmacIsValid(delivery.raw, delivery.headers["x-shopify-hmac-sha256"], TEST_API_SECRET)).toBe(true);
    expect(hmacIsValid(delivery.raw, delivery.headers["x-shopify-hmac-sha256"], "another-secret")).toBe(
      false,
    );
    expect(delivery.headers).toMatchObject({
      "content-type": "application/json",
      "x-shopify-topic": "orders/paid",
      "x-shopify-shop-domain": SHOP,
      "x-shopify-api-version": "2026-07",
      "x-shopify-webhook-id": webhook!.webhookId,
      "x-shopify-event-id": webhook!.eventId,
      "x-shopify-triggered-at": expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    const payload = JSON.parse(delivery.raw.toString("utf8"));
    expect(payload).toMatchObject({
      id: order.legacyId,
      admin_graphql_api_id: order.id,
      name: "#1001",
      order_number: 1001,
      email: "buyer@example.com",
      contact_email: "buyer@example.com",
      currency: "EUR",
      financial_status: "paid",
      fulfillment_status: null,
      customer_locale: "fr-CA",
      order_status_url: order.statusPageUrl,
      total_price: "49.48",
      customer: {
        id: expect.any(Number),
        email: "buyer@example.com",
        first_name: "Ada",
        last_name: "Lovelace",
      },
      line_items: [
        {
          id: order.lineItems[0]!.legacyId,
          admin_graphql_api_id: order.lineItems[0]!.id,
          variant_id: seed.digital.legacyId,
          product_id: Number(seed.digital.productId.split("/").pop()),
          sku: "GAME-STEAM",
          title: "Space Game",
          quantity: 2,
          requires_shipping: false,
          price: "19.99",
        },
        { sku: "POSTER-A2", quantity: 1, requires_shipping: true, price: "9.50" },
      ],
    });
    expect(typeof payload.id).toBe("number");
  });

  it("can be re-delivered concurrently with the same webhook id and the same bytes", async () => {
    const { webhook } = await sim.control.createOrder({
      shop: SHOP,
      lines: [{ variantId: seed.digital.id, quantity: 1 }],
      sendPaidWebhook: true,
    });
    const { deliveries } = await sim.control.redeliverWebhook({ webhookId: webhook!.webhookId, times: 3 });
    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
    expect(received).toHaveLength(4);
    expect(new Set(received.map((r) => r.headers["x-shopify-webhook-id"]))).toEqual(
      new Set([webhook!.webhookId]),
    );
    expect(new Set(received.map((r) => r.raw.toString("base64"))).size).toBe(1);
    expect(
      received.every((r) => hmacIsValid(r.raw, r.headers["x-shopify-hmac-sha256"], TEST_API_SECRET)),
    ).toBe(true);
    expect((await sim.control.listWebhooks())[0]!.deliveries).toHaveLength(4);
  });

  it("can be sent with an invalid signature for negative tests, to any URL", async () => {
    const { order } = await sim.control.createOrder({
      shop: SHOP,
      lines: [{ variantId: seed.digital.id, quantity: 1 }],
    });
    await sim.control.sendWebhook({
      shop: SHOP,
      topic: "orders/paid",
      orderId: order.id,
      url: `${appUrl}/elsewhere`,
      invalidSignature: true,
    });
    expect(received[0]!.path).toBe("/elsewhere");
    expect(
      hmacIsValid(received[0]!.raw, received[0]!.headers["x-shopify-hmac-sha256"], TEST_API_SECRET),
    ).toBe(false);
  });
});

describe("app/uninstalled and the compliance topics", () => {
  it("send realistic payloads, signed, to /webhooks/<topic>", async () => {
    const { order } = await sim.control.createOrder({
      shop: SHOP,
      lines: [{ variantId: seed.digital.id, quantity: 1 }],
      customer: { email: "gdpr@example.com", phone: "+15550001111" },
      email: "gdpr@example.com",
    });
    for (const topic of ["app/uninstalled", "customers/data_request", "customers/redact", "shop/redact"]) {
      await sim.control.sendWebhook({ shop: SHOP, topic });
    }
    expect(received.map((r) => r.path)).toEqual([
      "/webhooks/app/uninstalled",
      "/webhooks/customers/data_request",
      "/webhooks/customers/redact",
      "/webhooks/shop/redact",
    ]);
    expect(
      received.every((r) => hmacIsValid(r.raw, r.headers["x-shopify-hmac-sha256"], TEST_API_SECRET)),
    ).toBe(true);
    const [uninstalled, dataRequest, redact, shopRedact] = received.map((r) =>
      JSON.parse(r.raw.toString("utf8")),
    );
    expect(uninstalled).toMatchObject({
      id: seed.shop.legacyId,
      myshopify_domain: SHOP,
      domain: SHOP,
      email: "owner@erysta-test.example",
      currency: "EUR",
    });
    expect(dataRequest).toEqual({
      shop_id: seed.shop.legacyId,
      shop_domain: SHOP,
      orders_requested: [order.legacyId],
      customer: { id: expect.any(Number), email: "gdpr@example.com", phone: "+15550001111" },
      data_request: { id: expect.any(Number) },
    });
    expect(redact).toEqual({
      shop_id: seed.shop.legacyId,
      shop_domain: SHOP,
      customer: { id: dataRequest.customer.id, email: "gdpr@example.com", phone: "+15550001111" },
      orders_to_redact: [order.legacyId],
    });
    expect(shopRedact).toEqual({ shop_id: seed.shop.legacyId, shop_domain: SHOP });
  });

  it("reports a delivery the app did not accept", async () => {
    const sent = await sim.control.sendWebhook({
      shop: SHOP,
      topic: "shop/redact",
      url: "http://127.0.0.1:1/webhooks/shop/redact",
    });
    expect(sent.deliveries[0]).toMatchObject({ ok: false, status: 0, error: expect.any(String) });
  });
});

describe("control API", () => {
  it("reports the schema load and rejects unknown shops", async () => {
    const health = await sim.control.health();
    expect(health).toMatchObject({ ok: true, apiVersion: "2026-07" });
    expect(health.schemaLoadMs).toBeGreaterThan(0);
    await expect(sim.control.createOrder({ shop: "nope.myshopify.com", lines: [] })).rejects.toThrow(
      /Unknown shop/,
    );
  });
});
