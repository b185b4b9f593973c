// The gateway's one-time concerns, against the simulator over real HTTP: endpoint and headers, errors by
// meaning (final or retryable), and cost-based throttling with an injected sleep and clock.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isRetryable, retryAfterMs } from "../../app/errors.server";
import {
  ADMIN_API_VERSION,
  createAdminGateway,
  createAdminGatewayForSession,
  getOrderForFulfillment,
  getShop,
  ShopifyAuthError,
  ShopifyGraphQLError,
  ShopifyThrottledError,
  ShopifyUnavailableError,
  ThrottleBudget,
} from "../../app/shopify-admin/index.server";
import type { RunningShopifySimulator } from "../support/shopify-sim";
import { gatewayFor, seedShop, SHOP, startSimulator, TOKEN } from "./helpers";

/** A clock shared by the simulator's cost bucket and the gateway; the fake sleep moves it forward. */
const clock = { now: 1_700_000_000_000 };
const sleeps: number[] = [];
const fakeSleep = async (ms: number) => {
  sleeps.push(ms);
  clock.now += ms;
};

let sim: RunningShopifySimulator;
let seed: Awaited<ReturnType<typeof seedShop>>;

beforeAll(async () => {
  sim = await startSimulator({ now: () => clock.now });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  seed = await seedShop(sim);
  sleeps.length = 0;
});

function fakeClockGateway(options: Parameters<typeof gatewayFor>[1] = {}) {
  return gatewayFor(sim, { sleep: fakeSleep, now: () => clock.now, ...options });
}

describe("endpoint and headers", () => {
  it("calls https://{shop}/admin/api/2026-07/graphql.json with the access token", async () => {
    const seen: { url: string; headers: Headers }[] = [];
    const fakeFetch: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), headers: new Headers(init?.headers) });
      return new Response(
        JSON.stringify({
          data: {
            shop: {
              id: "gid://shopify/Shop/1",
              name: "S",
              email: "e",
              myshopifyDomain: SHOP,
              currencyCode: "USD",
            },
          },
        }),
        {
          headers: { "Content-Type": "application/json" },
        },
      );
    };
    const gateway = createAdminGateway({
      shop: SHOP,
      accessToken: TOKEN,
      fetch: fakeFetch,
      budget: new ThrottleBudget(),
    });
    await getShop(gateway);
    expect(ADMIN_API_VERSION).toBe("2026-07");
    expect(seen[0]!.url).toBe(`https://${SHOP}/admin/api/2026-07/graphql.json`);
    expect(seen[0]!.headers.get("x-shopify-access-token")).toBe(TOKEN);
    expect(seen[0]!.headers.get("x-shopify-shop-domain")).toBeNull();
  });

  it("sends every call to SHOPIFY_ADMIN_API_ORIGIN when set, naming the shop in a header", async () => {
    const gateway = gatewayFor(sim);
    expect(gateway.endpoint).toBe(`${sim.origin}/admin/api/2026-07/graphql.json`);
    await getShop(gateway);
    expect((await sim.control.requests())[0]).toMatchObject({
      shop: SHOP,
      operationName: "ShopInfo",
      valid: true,
      httpStatus: 200,
    });
  });

  it("refuses a shop that is not a myshopify.com domain, and a session without token", () => {
    expect(() => createAdminGateway({ shop: "evil.example.com/x", accessToken: TOKEN })).toThrow(/myshopify/);
    expect(() => createAdminGatewayForSession({ shop: SHOP, accessToken: null })).toThrow(ShopifyAuthError);
  });
});

describe("invalid GraphQL", () => {
  const BROKEN = /* GraphQL */ `
    query BrokenOrder($id: ID!) {
      order(id: $id) {
        id
        bogusField
      }
    }
  `;

  it("is answered like Shopify, naming the unknown field", async () => {
    const response = await fetch(`${sim.origin}/admin/api/2026-07/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": TOKEN },
      body: JSON.stringify({ query: BROKEN, variables: { id: "gid://shopify/Order/1" } }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: "Field 'bogusField' doesn't exist on type 'Order'",
          locations: [{ line: 5, column: 9 }],
          path: ["query BrokenOrder", "order", "bogusField"],
          extensions: { code: "undefinedField", typeName: "Order", fieldName: "bogusField" },
        },
      ],
    });
    expect((await sim.control.requests()).at(-1)).toMatchObject({ operationName: null, valid: false });
  });

  it("makes the gateway throw a final ShopifyGraphQLError naming the problem", async () => {
    const error = await gatewayFor(sim)
      .request(BROKEN, { id: "gid://shopify/Order/1" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyGraphQLError);
    expect(isRetryable(error)).toBe(false);
    expect((error as Error).message).toBe(
      "Shopify rejected BrokenOrder: Field 'bogusField' doesn't exist on type 'Order' [undefinedField]",
    );
  });

  it("a valid field the simulator does not simulate is a loud error, not a silent null", async () => {
    const error = await gatewayFor(sim)
      .request("query ShopPlan { shop { name plan { partnerDevelopment } } }")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyGraphQLError);
    expect((error as Error).message).toContain("simulator does not implement Shop.plan");

    const unknownRoot = await gatewayFor(sim)
      .request("query Orders { orders(first: 1) { nodes { id } } }")
      .catch((e: unknown) => e);
    expect((unknownRoot as Error).message).toContain("simulator does not implement QueryRoot.orders");
  });

  it("a query above Shopify's single-query cost limit is refused (MAX_COST_EXCEEDED)", async () => {
    const error = await gatewayFor(sim)
      .request(
        "query TooBig { productVariants(first: 250) { nodes { id product { id featuredMedia { preview { image { url } } } } } } }",
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyGraphQLError);
    expect((error as Error).message).toMatch(
      /Query cost is 1252, which exceeds the single query max cost limit \(1000\).*MAX_COST_EXCEEDED/s,
    );
  });
});

describe("HTTP and auth failures", () => {
  it("an unknown access token is a final ShopifyAuthError (401 as Shopify words it)", async () => {
    const response = await fetch(`${sim.origin}/admin/api/2026-07/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": "shpat_nope" },
      body: JSON.stringify({ query: "{ shop { name } }" }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
    });

    const error = await getShop(gatewayFor(sim, { accessToken: "shpat_nope" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyAuthError);
    expect(error).toMatchObject({ status: 401, reason: "invalid_token", shop: SHOP, operation: "ShopInfo" });
    expect(isRetryable(error)).toBe(false);
  });

  it("a revoked token (app uninstalled) is a final ShopifyAuthError", async () => {
    await sim.control.revokeAccess(SHOP);
    await expect(getShop(gatewayFor(sim))).rejects.toBeInstanceOf(ShopifyAuthError);
  });

  it("a token sent for another shop's domain is refused", async () => {
    await sim.control.createShop({ domain: "other-shop.myshopify.com", accessToken: "shpat_other" });
    await expect(getShop(gatewayFor(sim, { shop: "other-shop.myshopify.com" }))).rejects.toBeInstanceOf(
      ShopifyAuthError,
    );
  });

  it("5xx and 429 are retryable ShopifyUnavailableErrors, with Retry-After when given", async () => {
    await sim.control.failNext({ status: 503, requests: 1 });
    const outage = await getShop(gatewayFor(sim)).catch((e: unknown) => e);
    expect(outage).toBeInstanceOf(ShopifyUnavailableError);
    expect(outage).toMatchObject({ status: 503 });
    expect(isRetryable(outage)).toBe(true);

    await sim.control.failNext({ status: 429, requests: 1, retryAfterSeconds: 2 });
    const limited = await getShop(gatewayFor(sim)).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ShopifyUnavailableError);
    expect(retryAfterMs(limited)).toBe(2000);

    await expect(getShop(gatewayFor(sim))).resolves.toMatchObject({ myshopifyDomain: SHOP });
  });

  it("a network failure is a retryable ShopifyUnavailableError", async () => {
    const error = await getShop(gatewayFor(sim, { origin: "http://127.0.0.1:1" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyUnavailableError);
    expect(isRetryable(error)).toBe(true);
  });
});

describe("cost-based throttling", () => {
  it("when Shopify throttles the next 2 requests, waits (requested - available) / restoreRate each time and succeeds", async () => {
    await sim.control.throttle({ throttleNext: 2, reportedAvailable: 0 });
    const { order } = await sim.control.createOrder({
      shop: SHOP,
      lines: [{ variantId: seed.digital.id, quantity: 1 }],
    });

    const result = await getOrderForFulfillment(fakeClockGateway(), order.id);
    expect(result.id).toBe(order.id);

    const log = await sim.control.requests();
    expect(log.map((r) => r.throttled)).toEqual([true, true, false]);
    const requested = log[0]!.requestedQueryCost!;
    expect(requested).toBe(177); // page sizes chosen for key shops: app/shopify-admin/get-order-for-fulfillment.server.ts
    const wait = Math.ceil((requested / 100) * 1000);
    expect(sleeps).toEqual([wait, wait]);
    expect(log[2]!.actualQueryCost).toBeLessThan(30);
  });

  it("with only the sleep injected (real clock), waits once per THROTTLED answer", async () => {
    await sim.control.throttle({ throttleNext: 1, reportedAvailable: 0 });
    await getShop(gatewayFor(sim, { sleep: fakeSleep }));
    expect(sleeps).toEqual([50]); // ShopInfo costs 1 point: the minimum wait
  });

  it("gives up after the bounded retries with a retryable ShopifyThrottledError", async () => {
    await sim.control.throttle({ throttleNext: 10, reportedAvailable: 0 });
    const error = await getShop(fakeClockGateway({ maxThrottleRetries: 2 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyThrottledError);
    expect(isRetryable(error)).toBe(true);
    expect(retryAfterMs(error)).toBe(50);
    expect(sleeps).toHaveLength(2);
    expect((await sim.control.requests()).filter((r) => r.throttled)).toHaveLength(3);
  });

  it("a query bigger than the bucket holds is throttled by the real bucket, then admitted after the wait", async () => {
    const { order } = await sim.control.createOrder({
      shop: SHOP,
      lines: [{ variantId: seed.digital.id, quantity: 1 }],
    });
    await sim.control.throttle({ shop: SHOP, currentlyAvailable: 100 });
    await getOrderForFulfillment(fakeClockGateway(), order.id);
    expect(sleeps).toEqual([Math.ceil(((177 - 100) / 100) * 1000)]);
    expect((await sim.control.requests()).map((r) => r.throttled)).toEqual([true, false]);
  });

  it("waits before sending when the last known budget is below the query's expected cost", async () => {
    const { order } = await sim.control.createOrder({
      shop: SHOP,
      lines: [{ variantId: seed.digital.id, quantity: 1 }],
    });
    const gateway = fakeClockGateway();
    await getOrderForFulfillment(gateway, order.id); // learns the query's cost (177)
    await sim.control.throttle({ shop: SHOP, currentlyAvailable: 10 });
    await getShop(gateway); // learns the bucket is nearly empty
    await sim.control.clearRequests();
    sleeps.length = 0;

    await getOrderForFulfillment(gateway, order.id);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(Math.ceil(((177 - 10) / 100) * 1000));
    expect((await sim.control.requests()).map((r) => r.throttled)).toEqual([false]);
  });
});
