// POST /api/customer/order-keys, served by the real app over HTTP, called the way the UI extension
// calls it: cross-origin, with a session token minted like Shopify's (HS256, app secret).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signKeyImageUrl } from "~/customer/key-image.server";
import type { OrderKeysResponse } from "~/customer/order-keys-contract";
import { prisma } from "~/db.server";
import { getEnv } from "~/env.server";
import { intakePaidOrder } from "~/fulfillment/intake.server";
import { webBoss } from "~/jobs/boss.server";
import { fetchOrderKeys } from "../../extensions/erysta-order-keys/src/api";
import { startAppServer, type AppServer } from "../support/app-server";
import { TEST_API_SECRET } from "../support/test-env";
import { postWebhook } from "../support/webhooks";
import {
  BROWSER_UA,
  EXTENSION_ORIGIN,
  SHOP_A,
  SHOP_B,
  mintSessionToken,
  qrPngDataUrl,
  seedDelivery,
  truncateAll,
} from "./support";

const CUSTOMER_77 = "gid://shopify/Customer/77";
const CHECKOUT_TOKEN = "5f1c7a9e2b3d4c6e8f0a1b2c3d4e5f60";

describe("customer order keys API", () => {
  let app: AppServer;
  beforeAll(async () => {
    app = await startAppServer();
  });
  afterAll(() => app.close());
  beforeEach(truncateAll);

  async function ask(
    body: unknown,
    {
      token,
      surface = "customer-account",
      method = "POST",
      headers = {},
    }: { token?: string | null; surface?: string; method?: string; headers?: Record<string, string> } = {},
  ) {
    const bearer = token === undefined ? await mintSessionToken({ sub: CUSTOMER_77 }) : token;
    return fetch(`${app.origin}/api/customer/order-keys?surface=${surface}`, {
      method,
      headers: {
        Origin: EXTENSION_ORIGIN,
        "User-Agent": BROWSER_UA,
        "Content-Type": "application/json",
        ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
        ...headers,
      },
      body: method === "GET" || method === "OPTIONS" ? undefined : JSON.stringify(body),
    });
  }

  function expectCors(response: Response) {
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
  }

  const revealEvents = () =>
    prisma.deliveryEvent.findMany({
      where: { type: "keys_revealed_to_customer" },
      orderBy: { createdAt: "asc" },
    });

  async function seedDeliveredOrder(shop = SHOP_A) {
    return seedDelivery({
      shop,
      orderId: "1001",
      customerId: "77",
      checkoutToken: CHECKOUT_TOKEN,
      lines: [
        {
          title: "Space Game",
          quantity: 2,
          keys: [
            { type: "TEXT", value: `AAAA-BBBB-${shop === SHOP_A ? "A" : "B"}` },
            { type: "TEXT", value: "CCCC-DDDD\nPIN 1234" },
          ],
        },
        {
          title: "Gift Card 25",
          quantity: 1,
          keys: [{ type: "IMAGE", value: await qrPngDataUrl("GIFT-25") }],
        },
      ],
    });
  }

  it("shows the logged-in buyer their keys on the Order status page and records the reveal", async () => {
    const delivery = await seedDeliveredOrder();
    const response = await ask({ orderId: "gid://shopify/Order/1001" });
    expect(response.status).toBe(200);
    expectCors(response);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const answer = (await response.json()) as OrderKeysResponse;
    expect(answer).toMatchObject({ status: "delivered", access: "granted", orderName: "#1001" });
    expect(answer.products.map((p) => [p.title, p.ordered, p.missing, p.keys.map((k) => k.type)])).toEqual([
      ["Space Game", 2, 0, ["text", "text"]],
      ["Gift Card 25", 1, 0, ["image"]],
    ]);
    expect(answer.products[0]!.keys).toMatchObject([
      { value: "AAAA-BBBB-A" },
      { value: "CCCC-DDDD\nPIN 1234" },
    ]);

    const [event, ...more] = await revealEvents();
    expect(more).toHaveLength(0);
    expect(event).toMatchObject({
      deliveryId: delivery.id,
      shop: SHOP_A,
      actor: "customer",
      data: { surface: "customer-account", proof: "customer", keys: 3 },
    });
    expect(event!.message).toContain("Order status page");
    expect(JSON.stringify(event)).not.toContain("AAAA-BBBB");
  });

  it("shows a guest their keys on the Thank you page when the order's checkout token comes along", async () => {
    await seedDeliveredOrder();
    const token = await mintSessionToken({}); // guest: no sub
    const response = await ask(
      { orderId: "gid://shopify/OrderIdentity/1001", checkoutToken: CHECKOUT_TOKEN },
      { token, surface: "checkout" },
    );
    expect(response.status).toBe(200);
    const answer = (await response.json()) as OrderKeysResponse;
    expect(answer.access).toBe("granted");
    expect(answer.products[0]!.keys[0]).toMatchObject({ type: "text", value: "AAAA-BBBB-A" });
    expect((await revealEvents()).map((e) => e.data)).toEqual([
      { surface: "checkout", proof: "checkout_token", keys: 3 },
    ]);
  });

  it("never unlocks keys with an order id alone: another buyer of the shop gets the status only", async () => {
    await seedDeliveredOrder();
    const otherBuyer = await mintSessionToken({ sub: "gid://shopify/Customer/99" });
    for (const body of [
      { orderId: "gid://shopify/Order/1001" },
      { orderId: "gid://shopify/Order/1001", checkoutToken: "0".repeat(32) },
      { orderId: "1001", checkoutToken: "" },
    ]) {
      const response = await ask(body, { token: otherBuyer });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: "delivered", access: "denied", products: [] });
    }
    // A guest token without the checkout token is no better.
    const guest = await ask({ orderId: "1001" }, { token: await mintSessionToken({}), surface: "checkout" });
    expect(await guest.json()).toEqual({ status: "delivered", access: "denied", products: [] });
    expect(await revealEvents()).toHaveLength(0);
  });

  it("does not open another order with the buyer's own proof (wrong order)", async () => {
    await seedDeliveredOrder();
    await seedDelivery({
      orderId: "1002",
      customerId: "88",
      checkoutToken: "another-checkout-token-0000000000",
      lines: [{ title: "Racing Game", quantity: 1, keys: [{ type: "TEXT", value: "RRRR-1002" }] }],
    });
    const response = await ask({ orderId: "gid://shopify/Order/1002", checkoutToken: CHECKOUT_TOKEN });
    const answer = await response.json();
    expect(answer).toEqual({ status: "delivered", access: "denied", products: [] });
    expect(JSON.stringify(answer)).not.toContain("RRRR");
  });

  it("scopes everything by the token's shop: a token of another shop never reads this shop's order", async () => {
    await seedDeliveredOrder(SHOP_A);
    // Shop B has no order 1001: the same order id and proofs find nothing there.
    const tokenB = await mintSessionToken({ shop: SHOP_B, sub: CUSTOMER_77 });
    const none = await ask({ orderId: "1001", checkoutToken: CHECKOUT_TOKEN }, { token: tokenB });
    expect(await none.json()).toEqual({ status: "not_found", access: "denied", products: [] });

    // With its own order 1001, shop B's token gets shop B's keys, never shop A's.
    await seedDeliveredOrder(SHOP_B);
    const own = (await (await ask({ orderId: "1001" }, { token: tokenB })).json()) as OrderKeysResponse;
    expect(own.products[0]!.keys[0]).toMatchObject({ value: "AAAA-BBBB-B" });
    expect((await revealEvents()).map((e) => e.shop)).toEqual([SHOP_B]);
  });

  it("refuses expired, forged, foreign-app and missing tokens with 401, readable cross-origin", async () => {
    await seedDeliveredOrder();
    const tokens = {
      expired: await mintSessionToken({ sub: CUSTOMER_77, expiresIn: -120 }),
      forged: await mintSessionToken({ sub: CUSTOMER_77, secret: "not-the-app-secret-0123456789" }),
      otherApp: await mintSessionToken({ sub: CUSTOMER_77, aud: "another-apps-client-id" }),
      noShop: await mintSessionToken({ sub: CUSTOMER_77, shop: "evil.example.com" }),
      missing: null,
    };
    for (const [name, token] of Object.entries(tokens)) {
      const response = await ask({ orderId: "1001" }, { token });
      expect(response.status, name).toBe(401);
      expectCors(response);
      expect(await response.text(), name).not.toContain("AAAA");
    }
    expect(await revealEvents()).toHaveLength(0);
  });

  it("answers the CORS preflight, and adds CORS headers to client errors", async () => {
    const preflight = await fetch(`${app.origin}/api/customer/order-keys?surface=checkout`, {
      method: "OPTIONS",
      headers: {
        Origin: EXTENSION_ORIGIN,
        "User-Agent": BROWSER_UA,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expectCors(preflight);

    const badOrder = await ask({ orderId: "gid://shopify/Product/1001" });
    expect(badOrder.status).toBe(400);
    expectCors(badOrder);
    const badBody = await ask("not json at all");
    expect(badBody.status).toBe(400);
    expectCors(badBody);
    const get = await ask(undefined, { method: "GET" });
    expect(get.status).toBe(405);
    expectCors(get);
  });

  it("tells a waiting buyer how long the order has waited, with no keys and no reveal", async () => {
    await seedDelivery({
      orderId: "1003",
      status: "WAITING",
      createdAt: new Date(Date.now() - 90_000),
      lines: [{ title: "Space Game", quantity: 1, keys: [] }],
    });
    const answer = (await (await ask({ orderId: "1003" })).json()) as OrderKeysResponse;
    expect(answer).toMatchObject({ status: "pending", access: "granted" });
    expect(answer.waitingSeconds).toBeGreaterThanOrEqual(90);
    expect(answer.waitingSeconds).toBeLessThan(150);
    expect(answer.products).toEqual([{ title: "Space Game", ordered: 1, missing: 1, keys: [] }]);
    expect(await revealEvents()).toHaveLength(0);
  });

  it("shows what arrived of a partial delivery, with what is missing", async () => {
    await seedDelivery({
      orderId: "1004",
      status: "PARTIALLY_DELIVERED",
      lines: [{ title: "Space Game", quantity: 3, keys: [{ type: "TEXT", value: "ONLY-ONE" }] }],
    });
    const answer = (await (await ask({ orderId: "1004" })).json()) as OrderKeysResponse;
    expect(answer.status).toBe("partial");
    expect(answer.products).toEqual([
      { title: "Space Game", ordered: 3, missing: 2, keys: [expect.objectContaining({ value: "ONLY-ONE" })] },
    ]);
  });

  describe("image keys", () => {
    const imageUrlFrom = (answer: OrderKeysResponse) => {
      const key = answer.products[1]!.keys[0]!;
      if (key.type !== "image") throw new Error("expected an image key");
      // The URL carries the app's public origin; the test server listens elsewhere.
      const url = new URL(key.url);
      return new URL(`${url.pathname}${url.search}`, app.origin);
    };

    it("are served from the signed URL only, as the image that was stored", async () => {
      await seedDeliveredOrder();
      const answer = (await (await ask({ orderId: "1001" })).json()) as OrderKeysResponse;
      const url = imageUrlFrom(answer);
      const image = await fetch(url);
      expect(image.status).toBe(200);
      expect(image.headers.get("content-type")).toBe("image/png");
      expect(image.headers.get("cache-control")).toContain("no-store");
      const expected = Buffer.from((await qrPngDataUrl("GIFT-25")).split(",")[1]!, "base64");
      expect(Buffer.from(await image.arrayBuffer()).equals(expected)).toBe(true);

      const tampered = new URL(url);
      tampered.searchParams.set("exp", String(Number(url.searchParams.get("exp")) + 3_600_000));
      expect((await fetch(tampered)).status).toBe(403);
      const otherShop = new URL(url);
      otherShop.searchParams.set("shop", SHOP_B);
      expect((await fetch(otherShop)).status).toBe(403);
    });

    it("expire", async () => {
      const delivery = await seedDeliveredOrder();
      const key = await prisma.deliveredKey.findFirstOrThrow({
        where: { deliveryId: delivery.id, type: "IMAGE" },
      });
      const sign = (expiresAt: number) =>
        new URL(
          signKeyImageUrl({
            appUrl: app.origin,
            secret: TEST_API_SECRET,
            shop: SHOP_A,
            keyId: key.id,
            expiresAt,
          }),
        );
      expect((await fetch(sign(Date.now() - 1_000))).status).toBe(403);
      expect((await fetch(sign(Date.now() + 60_000))).status).toBe(200);
      // A valid signature for a key of another shop finds nothing.
      const foreign = new URL(
        signKeyImageUrl({
          appUrl: app.origin,
          secret: TEST_API_SECRET,
          shop: SHOP_B,
          keyId: key.id,
          expiresAt: Date.now() + 60_000,
        }),
      );
      expect((await fetch(foreign)).status).toBe(404);
    });
  });

  it("speaks the extension's own client: fetchOrderKeys reads the answer and maps failures", async () => {
    await seedDeliveredOrder();
    const browserFetch: typeof fetch = (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), "User-Agent": BROWSER_UA },
      });
    const call = async (sessionToken: string) =>
      fetchOrderKeys({
        appUrl: app.origin,
        surface: "checkout",
        sessionToken,
        request: { orderId: "gid://shopify/OrderIdentity/1001", checkoutToken: CHECKOUT_TOKEN },
        fetch: browserFetch,
      });
    const granted = await call(await mintSessionToken({}));
    expect(granted.ok && granted.answer.access).toBe("granted");
    expect(await call(await mintSessionToken({ expiresIn: -120 }))).toEqual({
      ok: false,
      reason: "unauthorized",
      status: 401,
    });
  });

  it("keeps the checkout token of a paid order at intake, so the Thank you page can prove its guest", async () => {
    await prisma.shop.create({ data: { shop: SHOP_A } });
    await prisma.productMapping.create({
      data: {
        shop: SHOP_A,
        variantId: "gid://shopify/ProductVariant/5",
        erystaProductId: "69ae19b4397b2e44c02853f5",
      },
    });
    const webhookId = "wh-checkout-token";
    const webhook = await postWebhook(app.origin, {
      topic: "orders/paid",
      shop: SHOP_A,
      webhookId,
      payload: {
        id: 4242,
        admin_graphql_api_id: "gid://shopify/Order/4242",
        name: "#4242",
        email: "guest@example.com",
        checkout_token: CHECKOUT_TOKEN,
        customer: null,
        line_items: [{ id: 1, variant_id: 5, sku: null, title: "Space Game", quantity: 1 }],
      },
    });
    expect(webhook.status).toBe(200);
    // What the worker's intake job does with the stored webhook.
    const boss = await webBoss(getEnv().DATABASE_URL);
    await intakePaidOrder(
      { db: prisma, boss, clock: { now: () => new Date() } },
      { shop: SHOP_A, webhookId },
    );
    const delivery = await prisma.delivery.findUniqueOrThrow({
      where: { shop_shopifyOrderId: { shop: SHOP_A, shopifyOrderId: "4242" } },
    });
    expect(delivery.checkoutTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(delivery.checkoutTokenHash).not.toContain(CHECKOUT_TOKEN);

    const guest = await mintSessionToken({});
    const proven = (await (
      await ask(
        { orderId: "gid://shopify/OrderIdentity/4242", checkoutToken: CHECKOUT_TOKEN },
        { token: guest },
      )
    ).json()) as OrderKeysResponse;
    expect(proven.access).toBe("granted");
    expect(proven.products).toEqual([{ title: "Space Game", ordered: 1, missing: 1, keys: [] }]);
    const unproven = (await (await ask({ orderId: "4242" }, { token: guest })).json()) as OrderKeysResponse;
    expect(unproven.access).toBe("denied");
  });
});
