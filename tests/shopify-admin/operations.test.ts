// Each Admin API operation of the app against the simulator, over real HTTP: queries return what the
// shop holds, mutations change it, and Shopify's userErrors come back as ShopifyUserError.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isRetryable } from "../../app/errors.server";
import {
  addOrderTags,
  createFulfillment,
  createRefund,
  deliveryMetafield,
  getOrderForFulfillment,
  getOrderRisk,
  getShop,
  listVariants,
  planFulfillment,
  refundInputFromSuggestion,
  removeOrderTags,
  setOrderMetafield,
  ShopifyNotFoundError,
  ShopifyUserError,
  suggestRefund,
} from "../../app/shopify-admin/index.server";
import type { RunningShopifySimulator } from "../support/shopify-sim";
import { gatewayFor, seedShop, SHOP, startSimulator } from "./helpers";

let sim: RunningShopifySimulator;
let seed: Awaited<ReturnType<typeof seedShop>>;

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  seed = await seedShop(sim);
});

async function mixedOrder(
  extra: Partial<Parameters<RunningShopifySimulator["control"]["createOrder"]>[0]> = {},
) {
  const { order } = await sim.control.createOrder({
    shop: SHOP,
    lines: [
      { variantId: seed.digital.id, quantity: 2 },
      { variantId: seed.physical.id, quantity: 1 },
    ],
    email: "buyer@example.com",
    customerLocale: "de",
    riskRecommendation: "INVESTIGATE",
    ...extra,
  });
  return order;
}

describe("getShop", () => {
  it("returns the shop's name, email, domain and currency", async () => {
    await expect(getShop(gatewayFor(sim))).resolves.toEqual({
      id: seed.shop.id,
      name: "Erysta Test",
      email: "owner@erysta-test.example",
      myshopifyDomain: SHOP,
      currencyCode: "EUR",
    });
  });
});

describe("getOrderRisk", () => {
  it("returns Shopify's risk recommendation for the order, with a small requested cost", async () => {
    const order = await mixedOrder();
    await sim.control.clearRequests();
    await expect(getOrderRisk(gatewayFor(sim), order.id)).resolves.toBe("INVESTIGATE");
    const [request] = await sim.control.requests();
    expect(request!.requestedQueryCost).toBeLessThan(10);
  });

  it("says which order it could not find", async () => {
    await expect(getOrderRisk(gatewayFor(sim), "gid://shopify/Order/999999")).rejects.toBeInstanceOf(
      ShopifyNotFoundError,
    );
  });
});

describe("getOrderForFulfillment", () => {
  it("returns the order's contact, locale, lines and fulfillment orders", async () => {
    const order = await mixedOrder();
    const result = await getOrderForFulfillment(gatewayFor(sim), order.id);
    const [digitalLine, physicalLine] = order.lineItems;
    expect(result).toEqual({
      id: order.id,
      name: "#1001",
      email: "buyer@example.com",
      tags: [],
      displayFulfillmentStatus: "UNFULFILLED",
      customerLocale: "de",
      statusPageUrl: order.statusPageUrl,
      lineItems: [
        {
          id: digitalLine!.id,
          quantity: 2,
          sku: "GAME-STEAM",
          title: "Space Game",
          requiresShipping: false,
          variantId: seed.digital.id,
        },
        {
          id: physicalLine!.id,
          quantity: 1,
          sku: "POSTER-A2",
          title: "Poster",
          requiresShipping: true,
          variantId: seed.physical.id,
        },
      ],
      fulfillmentOrders: [
        {
          id: order.fulfillmentOrders[0]!.id,
          status: "OPEN",
          supportedActions: expect.arrayContaining(["CREATE_FULFILLMENT"]),
          lineItems: [
            {
              id: order.fulfillmentOrders[0]!.lineItems[0]!.id,
              lineItemId: digitalLine!.id,
              remainingQuantity: 2,
              totalQuantity: 2,
            },
            {
              id: order.fulfillmentOrders[0]!.lineItems[1]!.id,
              lineItemId: physicalLine!.id,
              remainingQuantity: 1,
              totalQuantity: 1,
            },
          ],
        },
      ],
    });
  });

  it("follows every page of long orders (120 lines, 7 fulfillment orders)", async () => {
    const long = await sim.control.createOrder({
      shop: SHOP,
      lines: Array.from({ length: 120 }, () => ({ variantId: seed.digital.id, quantity: 1 })),
    });
    const result = await getOrderForFulfillment(gatewayFor(sim), long.order.id);
    expect(result.lineItems.map((l) => l.id)).toEqual(long.order.lineItems.map((l) => l.id));
    expect(result.fulfillmentOrders).toHaveLength(1);
    expect(result.fulfillmentOrders[0]!.lineItems.map((l) => l.lineItemId)).toEqual(
      long.order.lineItems.map((l) => l.id),
    );

    const perLine = await sim.control.createOrder({
      shop: SHOP,
      fulfillmentOrderGrouping: "per-line",
      lines: Array.from({ length: 7 }, () => ({ variantId: seed.digital.id, quantity: 1 })),
    });
    const split = await getOrderForFulfillment(gatewayFor(sim), perLine.order.id);
    expect(split.fulfillmentOrders.map((fo) => fo.id)).toEqual(
      perLine.order.fulfillmentOrders.map((fo) => fo.id),
    );

    const operations = (await sim.control.requests()).map((r) => r.operationName);
    // Pages of 20 lines and 3 fulfillment orders: 120 lines are 1 + 5 pages (both lists), 7 fulfillment
    // orders are 1 + 2 pages.
    expect(operations).toEqual([
      "OrderForFulfillment",
      ...Array<string>(5).fill("OrderForFulfillmentLineItemsPage"),
      ...Array<string>(5).fill("OrderForFulfillmentFulfillmentOrderLinesPage"),
      "OrderForFulfillment",
      ...Array<string>(2).fill("OrderForFulfillmentFulfillmentOrdersPage"),
    ]);
  });

  it("throws a final ShopifyNotFoundError for an order that does not exist", async () => {
    const error = await getOrderForFulfillment(gatewayFor(sim), "gid://shopify/Order/1").catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ShopifyNotFoundError);
    expect(isRetryable(error)).toBe(false);
  });
});

describe("setOrderMetafield", () => {
  it("writes a JSON metafield in the app namespace, and overwrites it the next time", async () => {
    const order = await mixedOrder();
    const gateway = gatewayFor(sim);
    const first = await setOrderMetafield(gateway, order.id, {
      key: deliveryMetafield.key,
      value: { status: "WAITING" },
    });
    expect(first).toMatchObject({
      namespace: "app--7000001",
      key: "erysta_delivery",
      type: "json",
      value: '{"status":"WAITING"}',
    });

    await setOrderMetafield(gateway, order.id, {
      key: deliveryMetafield.key,
      value: { status: "DELIVERED", keys: 2 },
    });
    const stored = await sim.control.getOrder(SHOP, order.id);
    expect(stored.metafields).toEqual([
      {
        id: first.id,
        namespace: "app--7000001",
        key: "erysta_delivery",
        type: "json",
        value: '{"status":"DELIVERED","keys":2}',
      },
    ]);
  });

  it("surfaces userErrors (invalid JSON) as a final ShopifyUserError naming the field", async () => {
    const order = await mixedOrder();
    const error = await setOrderMetafield(gatewayFor(sim), order.id, {
      key: "erysta_delivery",
      value: "{not json",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyUserError);
    expect((error as ShopifyUserError).message).toContain("metafields.0.value: Value is invalid JSON.");
    expect(isRetryable(error)).toBe(false);
  });
});

describe("addOrderTags / removeOrderTags", () => {
  it("adds tags once and removes them", async () => {
    const order = await mixedOrder({ tags: ["vip"] });
    const gateway = gatewayFor(sim);
    await addOrderTags(gateway, order.id, ["erysta-delivered", "erysta-keys-2"]);
    await addOrderTags(gateway, order.id, ["erysta-delivered"]);
    expect((await sim.control.getOrder(SHOP, order.id)).tags).toEqual([
      "vip",
      "erysta-delivered",
      "erysta-keys-2",
    ]);

    await removeOrderTags(gateway, order.id, ["erysta-keys-2", "not-there"]);
    expect((await sim.control.getOrder(SHOP, order.id)).tags).toEqual(["vip", "erysta-delivered"]);
  });

  it("throws ShopifyUserError for an order that does not exist", async () => {
    await expect(addOrderTags(gatewayFor(sim), "gid://shopify/Order/42", ["x"])).rejects.toBeInstanceOf(
      ShopifyUserError,
    );
  });
});

describe("createFulfillment", () => {
  it("fulfilling only the digital lines of a mixed order leaves the physical line untouched", async () => {
    const order = await mixedOrder();
    const gateway = gatewayFor(sim);
    const before = await getOrderForFulfillment(gateway, order.id);
    const digitalLineIds = before.lineItems.filter((l) => !l.requiresShipping).map((l) => l.id);
    const plan = planFulfillment(before, digitalLineIds);
    expect(plan).toEqual([
      {
        fulfillmentOrderId: before.fulfillmentOrders[0]!.id,
        fulfillmentOrderLineItems: [{ id: before.fulfillmentOrders[0]!.lineItems[0]!.id, quantity: 2 }],
      },
    ]);

    const result = await createFulfillment(gateway, {
      lineItemsByFulfillmentOrder: plan,
      notifyCustomer: false,
    });
    expect(result).toMatchObject({
      alreadyFulfilled: false,
      fulfillment: { status: "SUCCESS", lineItems: [{ lineItemId: digitalLineIds[0], quantity: 2 }] },
    });

    const after = await getOrderForFulfillment(gateway, order.id);
    const physical = after.lineItems.find((l) => l.requiresShipping)!;
    const fo = after.fulfillmentOrders[0]!;
    expect(fo.status).toBe("IN_PROGRESS");
    expect(fo.lineItems.find((l) => l.lineItemId === physical.id)).toMatchObject({
      remainingQuantity: 1,
      totalQuantity: 1,
    });
    expect(fo.lineItems.find((l) => l.lineItemId === digitalLineIds[0])).toMatchObject({
      remainingQuantity: 0,
      totalQuantity: 2,
    });
    expect(after.displayFulfillmentStatus).toBe("PARTIALLY_FULFILLED");
    expect(planFulfillment(after, digitalLineIds)).toEqual([]);

    const stored = await sim.control.getOrder(SHOP, order.id);
    expect(stored.fulfillments).toHaveLength(1);
    expect(stored.fulfillments[0]).toMatchObject({
      notifyCustomer: false,
      lineItems: [{ lineItemId: digitalLineIds[0], quantity: 2 }],
    });
  });

  it("refuses more than remains with a ShopifyUserError", async () => {
    const order = await mixedOrder();
    const gateway = gatewayFor(sim);
    const fo = order.fulfillmentOrders[0]!;
    const error = await createFulfillment(gateway, {
      lineItemsByFulfillmentOrder: [
        { fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [{ id: fo.lineItems[0]!.id, quantity: 3 }] },
      ],
      notifyCustomer: false,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyUserError);
    expect((error as Error).message).toContain("Invalid fulfillment order line item quantity requested.");
  });

  it("closes the fulfillment order when everything is fulfilled, and tolerates fulfilling it again", async () => {
    const { order } = await sim.control.createOrder({
      shop: SHOP,
      lines: [{ variantId: seed.digital.id, quantity: 1 }],
    });
    const gateway = gatewayFor(sim);
    const input = {
      lineItemsByFulfillmentOrder: [
        {
          fulfillmentOrderId: order.fulfillmentOrders[0]!.id,
          fulfillmentOrderLineItems: [{ id: order.fulfillmentOrders[0]!.lineItems[0]!.id, quantity: 1 }],
        },
      ],
      notifyCustomer: true,
    };
    expect((await createFulfillment(gateway, input)).alreadyFulfilled).toBe(false);
    const after = await getOrderForFulfillment(gateway, order.id);
    expect(after.fulfillmentOrders[0]).toMatchObject({ status: "CLOSED", supportedActions: [] });
    expect(after.displayFulfillmentStatus).toBe("FULFILLED");

    const again = await createFulfillment(gateway, input);
    expect(again).toEqual({
      alreadyFulfilled: true,
      userErrors: [
        { field: ["fulfillment"], message: expect.stringMatching(/has an unfulfillable status= closed\.$/) },
      ],
    });
    expect((await sim.control.getOrder(SHOP, order.id)).fulfillments).toHaveLength(1);
  });
});

describe("suggestRefund / createRefund", () => {
  it("suggests the refund of the digital line and refunds it once per idempotency key", async () => {
    const order = await mixedOrder();
    const gateway = gatewayFor(sim);
    const digitalLine = order.lineItems[0]!;
    const suggestion = await suggestRefund(gateway, order.id, [{ lineItemId: digitalLine.id, quantity: 1 }]);
    expect(suggestion).toMatchObject({
      orderId: order.id,
      amount: {
        shopMoney: { amount: "19.99", currencyCode: "EUR" },
        presentmentMoney: { amount: "19.99", currencyCode: "EUR" },
      },
      refundLineItems: [{ lineItemId: digitalLine.id, quantity: 1, restockType: "NO_RESTOCK" }],
      transactions: [
        {
          gateway: "bogus",
          kind: "SUGGESTED_REFUND",
          parentTransactionId: expect.stringMatching(/^gid:\/\/shopify\/OrderTransaction\//),
        },
      ],
    });

    const input = refundInputFromSuggestion(suggestion, { note: "Erysta could not deliver 1 key" });
    const first = await createRefund(gateway, input, "delivery-42-refund-1");
    const second = await createRefund(gateway, input, "delivery-42-refund-1");
    expect(second.id).toBe(first.id);
    expect(first.totalRefunded.shopMoney).toEqual({ amount: "19.99", currencyCode: "EUR" });
    expect(first.refundLineItems).toEqual([{ lineItemId: digitalLine.id, quantity: 1 }]);

    const stored = await sim.control.getOrder(SHOP, order.id);
    expect(stored.refunds).toHaveLength(1);
    expect(stored.refunds[0]).toMatchObject({
      total: "19.99",
      idempotencyKey: "delivery-42-refund-1",
      note: "Erysta could not deliver 1 key",
    });
    expect(stored.financialStatus).toBe("PARTIALLY_REFUNDED");
    expect(stored.lineItems[0]!.refundedQuantity).toBe(1);

    const refundRequests = (await sim.control.requests()).filter((r) => r.operationName === "CreateRefund");
    expect(refundRequests.map((r) => r.idempotencyKey)).toEqual([
      "delivery-42-refund-1",
      "delivery-42-refund-1",
    ]);
  });

  it("refuses the same key with different input, and refunding more than was bought", async () => {
    const order = await mixedOrder();
    const gateway = gatewayFor(sim);
    const suggestion = await suggestRefund(gateway, order.id, [
      { lineItemId: order.lineItems[0]!.id, quantity: 1 },
    ]);
    await createRefund(gateway, refundInputFromSuggestion(suggestion), "key-1");

    const changed = { ...refundInputFromSuggestion(suggestion), note: "different" };
    await expect(createRefund(gateway, changed, "key-1")).rejects.toThrow(
      /same idempotency key cannot be used with different operation parameters/,
    );

    const tooMany = {
      orderId: order.id,
      refundLineItems: [
        { lineItemId: order.lineItems[0]!.id, quantity: 5, restockType: "NO_RESTOCK" as const },
      ],
    };
    const error = await createRefund(gateway, tooMany, "key-2").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyUserError);
    expect((error as Error).message).toContain("refundLineItems.0.quantity");
    expect((await sim.control.getOrder(SHOP, order.id)).refunds).toHaveLength(1);
  });
});

describe("listVariants", () => {
  it("pages through variants with product title, sku, price, shipping and image", async () => {
    const gateway = gatewayFor(sim);
    const page1 = await listVariants(gateway, { first: 2 });
    expect(page1.variants).toEqual([
      {
        id: seed.digital.id,
        productId: seed.digital.productId,
        productTitle: "Space Game",
        title: "Steam key",
        displayName: "Space Game - Steam key",
        sku: "GAME-STEAM",
        price: "19.99",
        requiresShipping: false,
        imageUrl: "https://cdn.example.com/space-game.png",
      },
      expect.objectContaining({ id: seed.deluxe.id, sku: "GAME-DELUXE", price: "29.99" }),
    ]);
    expect(page1.pageInfo.hasNextPage).toBe(true);

    const page2 = await listVariants(gateway, { first: 2, after: page1.pageInfo.endCursor });
    expect(page2.variants).toEqual([
      expect.objectContaining({
        id: seed.physical.id,
        productTitle: "Poster",
        title: "Default Title",
        requiresShipping: true,
        imageUrl: null,
      }),
    ]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });

  it("filters with Shopify's search syntax", async () => {
    const gateway = gatewayFor(sim);
    expect((await listVariants(gateway, { query: "sku:GAME-DELUXE" })).variants.map((v) => v.id)).toEqual([
      seed.deluxe.id,
    ]);
    expect((await listVariants(gateway, { query: "space" })).variants).toHaveLength(2);
  });
});
