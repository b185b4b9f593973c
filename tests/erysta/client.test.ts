// The Erysta client against the simulator, over real HTTP, with the real database-backed rate budget.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "~/db.server";
import { isRetryable } from "~/errors.server";
import { createErystaClient } from "~/erysta/client.server";
import {
  ErystaAmbiguousError,
  ErystaAuthError,
  ErystaInvalidResponseError,
  ErystaRateLimitedError,
  ErystaRejectedError,
  ErystaUnavailableError,
} from "~/erysta/errors";
import { createErystaClientForShopKey } from "~/erysta/index.server";
import { createRateBudget, createUnlimitedRateBudget } from "~/erysta/rate-budget.server";
import { createLogger } from "~/logger.server";
import { DEMO_PRODUCTS as P } from "../../simulators/erysta";
import { caught, decodePng, startSimHarness, type SimHarness } from "./support";

const prisma = createPrismaClient(process.env.DATABASE_URL!, 4);
let h: SimHarness;

beforeAll(async () => {
  h = await startSimHarness(prisma);
});
afterAll(async () => {
  await h.close();
  await prisma.$disconnect();
});

const TEXT_KEY = /^[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}$/;

describe("reads", () => {
  it("getBalance returns balance, credit limit, spending power and the call's trace id", async () => {
    const { apiKey, client } = await h.account({ balance: 250.5, creditLimit: 100 });
    const result = await client.getBalance();
    expect(result.data).toEqual({ balance: 250.5, creditLimit: 100, spendingPower: 350.5 });
    const { calls } = await h.sim.control.calls({ apiKey });
    expect(result.traceId).toBe(calls.at(-1)!.traceId);
    expect(result.traceId).toMatch(/^req-/);
  });
});

describe("placing an order and reading its keys", () => {
  it("delivers text keys at once, charges the order once and reports debit and balance", async () => {
    const { apiKey, client } = await h.account({ balance: 100 });
    const placed = await client.placeOrder([{ id: P.textInstant, quantity: 2 }], "shop-1001");
    expect(placed.traceId).toMatch(/^req-/);
    const keys = await client.getOrderKeys(placed.data.orderId);
    expect(keys.data.status).toBe("COMPLETED");
    expect(keys.data.id).toBe(placed.data.orderId);
    expect(keys.data.products).toHaveLength(1);
    const [product] = keys.data.products;
    expect(product).toMatchObject({ id: P.textInstant, title: "Test Product - TXT", quantity: 2 });
    expect(product!.keys).toHaveLength(2);
    for (const key of product!.keys) {
      expect(key.value).toMatch(TEXT_KEY);
      expect(key.type).toBe("text");
    }
    expect(keys.data.totalDebit).toBe(3);
    expect(keys.data.balance).toEqual({ balance: 97, creditLimit: 0, spendingPower: 97 });
    expect(await h.sim.control.ledger({ apiKey })).toEqual([
      expect.objectContaining({
        kind: "debit",
        amount: -3,
        referenceId: "shop-1001",
        orderId: placed.data.orderId,
      }),
    ]);
  });

  it("merges lines of the same product before sending (the simulator refuses duplicates)", async () => {
    const { apiKey, client } = await h.account();
    const placed = await client.placeOrder(
      [
        { id: P.textInstant, quantity: 1 },
        { id: P.activationUrl, quantity: 1 },
        { id: P.textInstant, quantity: 2 },
      ],
      "shop-merge",
    );
    const [order] = await h.sim.control.orders({ apiKey });
    expect(order!.id).toBe(placed.data.orderId);
    expect(order!.lines.map((line) => [line.productId, line.quantity])).toEqual([
      [P.textInstant, 3],
      [P.activationUrl, 1],
    ]);
  });

  it("walks PENDING → PROCESSING → COMPLETED on a 20-minute product, keys appearing only at the end", async () => {
    const { client } = await h.account();
    const { data } = await client.placeOrder([{ id: P.slow20min, quantity: 1 }], "shop-slow");
    const pending = await client.getOrderKeys(data.orderId);
    expect(pending.data.status).toBe("PENDING");
    expect(pending.data.products[0]!.keys).toEqual([]);
    h.clock.advance(60_000);
    const processing = await client.getOrderKeys(data.orderId);
    expect(processing.data.status).toBe("PROCESSING");
    expect(processing.data.products[0]!.keys).toEqual([]);
    h.clock.advance(19 * 60_000);
    const done = await client.getOrderKeys(data.orderId);
    expect(done.data.status).toBe("COMPLETED");
    expect(done.data.products[0]!.keys).toHaveLength(1);
  });

  it("follows the time scale: at 60x a 20-minute delivery takes 20 s of simulator time", async () => {
    await h.sim.control.configure({ timeScale: 60 });
    try {
      const { client } = await h.account();
      const { data } = await client.placeOrder([{ id: P.slow20min, quantity: 1 }], "shop-scaled");
      h.clock.advance(19_000);
      expect((await client.getOrderKeys(data.orderId)).data.status).toBe("PROCESSING");
      h.clock.advance(1_000);
      expect((await client.getOrderKeys(data.orderId)).data.status).toBe("COMPLETED");
    } finally {
      await h.sim.control.configure({ timeScale: 1 });
    }
  });

  it("reports PARTIAL_COMPLETED with fewer keys than ordered, and refunds the failed units", async () => {
    const { apiKey, client } = await h.account({ balance: 100 });
    const { data } = await client.placeOrder(
      [
        { id: P.partial, quantity: 3 },
        { id: P.textInstant, quantity: 1 },
      ],
      "shop-partial",
    );
    h.clock.advance(3_000);
    const keys = await client.getOrderKeys(data.orderId);
    expect(keys.data.status).toBe("PARTIAL_COMPLETED");
    const partial = keys.data.products.find((p) => p.id === P.partial)!;
    expect(partial.quantity).toBe(3);
    expect(partial.keys).toHaveLength(1);
    expect(keys.data.products.find((p) => p.id === P.textInstant)!.keys).toHaveLength(1);
    // 3 × 14.70 + 1.50 charged, 2 × 14.70 refunded.
    expect(keys.data.totalDebit).toBeCloseTo(16.2, 2);
    const ledger = await h.sim.control.ledger({ apiKey });
    expect(ledger.map((e) => [e.kind, e.amount])).toEqual([
      ["debit", -45.6],
      ["refund", 29.4],
    ]);
  });

  it("reports FAILED with no keys and the debit refunded", async () => {
    const { client } = await h.account({ balance: 100 });
    const { data } = await client.placeOrder([{ id: P.failed, quantity: 1 }], "shop-failed");
    expect((await client.getBalance()).data.balance).toBeCloseTo(70.01, 2);
    h.clock.advance(3_000);
    const keys = await client.getOrderKeys(data.orderId);
    expect(keys.data.status).toBe("FAILED");
    expect(keys.data.products[0]!.keys).toEqual([]);
    expect(keys.data.totalDebit).toBe(0);
    expect(keys.data.balance!.balance).toBe(100);
  });

  it("reports COMPLETED and later REFUNDED for a refunded-later product", async () => {
    const { client } = await h.account({ balance: 100 });
    const { data } = await client.placeOrder([{ id: P.refundedLater, quantity: 1 }], "shop-refund");
    h.clock.advance(3_000);
    const completed = await client.getOrderKeys(data.orderId);
    expect(completed.data.status).toBe("COMPLETED");
    expect(completed.data.products[0]!.keys).toHaveLength(1);
    h.clock.advance(2 * 60_000);
    const refunded = await client.getOrderKeys(data.orderId);
    expect(refunded.data.status).toBe("REFUNDED");
    expect(refunded.data.totalDebit).toBe(0);
    expect(refunded.data.balance!.balance).toBe(100);
  });

  it("passes an unknown status through instead of failing", async () => {
    const { client } = await h.account();
    const { data } = await client.placeOrder([{ id: P.textInstant, quantity: 1 }], "shop-odd");
    await h.sim.control.setOrderStatus(data.orderId, "AWAITING_SUPPLIER_REVIEW");
    const keys = await client.getOrderKeys(data.orderId);
    expect(keys.data.status).toBe("AWAITING_SUPPLIER_REVIEW");
  });

  it("recognises image keys by their data:image value whatever their type string, and they are real PNGs", async () => {
    const { client } = await h.account();
    const { data } = await client.placeOrder(
      [
        { id: P.qrImage, quantity: 1 },
        { id: P.qrOddType, quantity: 1 },
        { id: P.activationUrl, quantity: 1 },
      ],
      "shop-images",
    );
    const { products } = (await client.getOrderKeys(data.orderId)).data;
    const byId = Object.fromEntries(products.map((p) => [p.id, p.keys[0]!]));
    expect(byId[P.qrImage]).toMatchObject({ type: "image", rawType: "image" });
    expect(byId[P.qrOddType]).toMatchObject({ type: "image", rawType: "qr_code" });
    expect(byId[P.activationUrl]).toMatchObject({ type: "text", rawType: "text" });
    expect(byId[P.activationUrl]!.value).toMatch(/^https:\/\//);
    for (const key of [byId[P.qrImage]!, byId[P.qrOddType]!]) {
      const match = /^data:image\/png;base64,(.+)$/.exec(key.value);
      expect(match).not.toBeNull();
      const png = decodePng(Buffer.from(match![1]!, "base64"));
      expect(png.width).toBeGreaterThan(50);
    }
  });

  it("refuses an unknown order id as final (order_not_found)", async () => {
    const { client } = await h.account();
    const error = await caught(() => client.getOrderKeys("NOPE1234"));
    expect(error).toBeInstanceOf(ErystaRejectedError);
    expect((error as ErystaRejectedError).reason).toBe("order_not_found");
  });
});

describe("refusals charge nothing", () => {
  it("out of stock: final, nothing charged, no stock taken from the other line", async () => {
    const { apiKey, client } = await h.account({ balance: 100 });
    const before = (await h.sim.control.state()).products.find((p) => p.id === P.textInstant)!.stock;
    const error = await caught(() =>
      client.placeOrder(
        [
          { id: P.textInstant, quantity: 1 },
          { id: P.outOfStock, quantity: 1 },
        ],
        "shop-oos",
      ),
    );
    expect(error).toBeInstanceOf(ErystaRejectedError);
    expect((error as ErystaRejectedError).reason).toBe("out_of_stock");
    expect(isRetryable(error)).toBe(false);
    expect((error as ErystaRejectedError).status).toBe(400);
    expect(await h.sim.control.ledger({ apiKey })).toEqual([]);
    expect((await h.sim.control.account(apiKey))!.balance).toBe(100);
    expect((await h.sim.control.state()).products.find((p) => p.id === P.textInstant)!.stock).toBe(before);
  });

  it("insufficient funds: balance + credit limit is what counts; nothing charged when short", async () => {
    const { apiKey, client } = await h.account({ balance: 100, creditLimit: 350 });
    const error = await caught(() => client.placeOrder([{ id: P.expensive, quantity: 1 }], "shop-poor"));
    expect(error).toBeInstanceOf(ErystaRejectedError);
    expect((error as ErystaRejectedError).reason).toBe("insufficient_funds");
    expect(isRetryable(error)).toBe(false);
    expect(await h.sim.control.ledger({ apiKey })).toEqual([]);
    expect((await client.getBalance()).data.balance).toBe(100);

    await h.sim.control.setAccount({ apiKey, creditLimit: 400 });
    await client.placeOrder([{ id: P.expensive, quantity: 1 }], "shop-credit");
    expect((await client.getBalance()).data).toEqual({ balance: -400, creditLimit: 400, spendingPower: 0 });
  });

  it("unknown product: final", async () => {
    const { client } = await h.account();
    const error = await caught(() =>
      client.placeOrder([{ id: "000000000000000000000000", quantity: 1 }], "shop-unknown"),
    );
    expect((error as ErystaRejectedError).reason).toBe("unknown_product");
  });

  it("invalid quantities are refused before anything is sent", async () => {
    const { apiKey, client } = await h.account();
    const error = await caught(() => client.placeOrder([{ id: P.textInstant, quantity: 0 }], "shop-zero"));
    expect((error as ErystaRejectedError).reason).toBe("invalid_request");
    expect((await h.sim.control.calls({ apiKey })).calls).toEqual([]);
  });
});

describe("authentication", () => {
  it("a bad key is final and tells the merchant to fix the key", async () => {
    const client = createErystaClient({
      baseUrl: h.sim.url,
      apiKey: "not-a-key",
      rateBudget: createUnlimitedRateBudget(),
    });
    const error = await caught(() => client.getBalance());
    expect(error).toBeInstanceOf(ErystaAuthError);
    expect((error as ErystaAuthError).reason).toBe("invalid_key");
    expect((error as ErystaAuthError).status).toBe(401);
    expect(isRetryable(error)).toBe(false);
    expect((error as Error).message).toMatch(/API key/);
  });

  it("a server IP missing from the allow-list is final and says so", async () => {
    const { client } = await h.account({ ipAllowListed: false });
    const error = await caught(() => client.placeOrder([{ id: P.textInstant, quantity: 1 }], "shop-ip"));
    expect(error).toBeInstanceOf(ErystaAuthError);
    expect((error as ErystaAuthError).reason).toBe("ip_not_allowed");
    expect((error as ErystaAuthError).status).toBe(403);
    expect((error as Error).message).toMatch(/allow-list/);
    expect(isRetryable(error)).toBe(false);
  });
});

describe("rate limiting", () => {
  it("a 429 is retryable after Retry-After, pauses every caller of the key, and the next call succeeds after the wait", async () => {
    await h.sim.control.configure({ rateLimit: { limit: 3, windowMs: 60_000 } });
    try {
      // One second before the simulator's minute ends; someone else (same key, other origin) used the quota.
      h.clock.advance(60_000 - (h.clock.now % 60_000) + 59_000);
      const { apiKey, client } = await h.account();
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${h.sim.url}/balance`, { headers: { "x-api-key": apiKey } });
        expect(response.status).toBe(200);
      }
      const error = await caught(() => client.getBalance());
      expect(error).toBeInstanceOf(ErystaRateLimitedError);
      expect((error as ErystaRateLimitedError).source).toBe("erysta");
      expect((error as ErystaRateLimitedError).retryAfterMs).toBe(1_000);
      expect(isRetryable(error)).toBe(true);

      h.clock.advance(1_000); // the simulator's next minute
      const ok = await client.getBalance();
      expect(ok.budgetWaitMs).toBeGreaterThanOrEqual(900);
      const statuses = (await h.sim.control.calls({ apiKey })).calls.map((c) => c.status);
      expect(statuses).toEqual([200, 200, 200, 429, 200]);
    } finally {
      await h.sim.control.configure({ rateLimit: { limit: 100, windowMs: 60_000 } });
    }
  });

  it("a low X-RateLimit-Remaining pauses calls until X-RateLimit-Reset, so the limit is never hit", async () => {
    await h.sim.control.configure({ rateLimit: { limit: 5, windowMs: 60_000 } });
    try {
      h.clock.advance(60_000 - (h.clock.now % 60_000) + 59_400);
      const { apiKey, client } = await h.account({}, { budget: { lowRemainingThreshold: 2 } });
      const waits: number[] = [];
      for (let i = 0; i < 3; i++) waits.push((await client.getBalance()).budgetWaitMs);
      h.clock.advance(600); // the simulator's next minute
      waits.push((await client.getBalance()).budgetWaitMs);
      expect(waits.slice(0, 3).every((w) => w < 500)).toBe(true);
      expect(waits[3]).toBeGreaterThanOrEqual(500); // remaining hit 2 on the third call: wait for the reset
      expect((await h.sim.control.calls({ apiKey })).calls.every((c) => c.status === 200)).toBe(true);
    } finally {
      await h.sim.control.configure({ rateLimit: { limit: 100, windowMs: 60_000 } });
    }
  });
});

describe("broken answers", () => {
  it("malformed JSON or an unexpected shape on a read is retryable", async () => {
    const { apiKey, client } = await h.account();
    const { data } = await client.placeOrder([{ id: P.textInstant, quantity: 1 }], "shop-malformed");
    await h.sim.control.addFault({ kind: "malformed", endpoint: "order-keys", apiKey });
    await h.sim.control.addFault({ kind: "malformed", malformed: "shape", endpoint: "balance", apiKey });
    const json = await caught(() => client.getOrderKeys(data.orderId));
    expect(json).toBeInstanceOf(ErystaInvalidResponseError);
    expect(isRetryable(json)).toBe(true);
    const shape = await caught(() => client.getBalance());
    expect(shape).toBeInstanceOf(ErystaInvalidResponseError);
    expect((shape as ErystaInvalidResponseError).traceId).toMatch(/^req-/);
    expect((await client.getOrderKeys(data.orderId)).data.status).toBe("COMPLETED");
  });

  it("a malformed answer to place-order is ambiguous (the order exists)", async () => {
    const { apiKey, client } = await h.account();
    await h.sim.control.addFault({ kind: "malformed", endpoint: "place-order", apiKey });
    const error = await caught(() =>
      client.placeOrder([{ id: P.textInstant, quantity: 1 }], "shop-mal-place"),
    );
    expect(error).toBeInstanceOf(ErystaAmbiguousError);
    expect((error as ErystaAmbiguousError).ambiguity).toBe("invalid_response");
    expect(await h.sim.control.orders({ referenceId: "shop-mal-place" })).toHaveLength(1);
  });
});

describe("unknown outcomes of place-order", () => {
  it("a connection dropped after Erysta processed the order is ambiguous; exactly one order was charged", async () => {
    const { apiKey, client } = await h.account({ balance: 100 });
    await h.sim.control.addFault({ kind: "drop-after-commit", endpoint: "place-order", apiKey });
    const error = await caught(() => client.placeOrder([{ id: P.textInstant, quantity: 1 }], "shop-dropped"));
    expect(error).toBeInstanceOf(ErystaAmbiguousError);
    expect(error).toMatchObject({
      ambiguity: "connection_lost",
      referenceId: "shop-dropped",
      retryable: false,
    });
    expect(isRetryable(error)).toBe(false);
    expect((error as Error).message).toContain("shop-dropped");
    expect(await h.sim.control.orders({ referenceId: "shop-dropped" })).toHaveLength(1);
    const ledger = await h.sim.control.ledger({ referenceId: "shop-dropped" });
    expect(ledger).toEqual([expect.objectContaining({ kind: "debit", amount: -1.5 })]);
  });

  it("a connection dropped before processing is still ambiguous (we cannot tell the difference), and nothing was placed", async () => {
    const { apiKey, client } = await h.account();
    await h.sim.control.addFault({ kind: "drop-before", endpoint: "place-order", apiKey });
    const error = await caught(() =>
      client.placeOrder([{ id: P.textInstant, quantity: 1 }], "shop-drop-before"),
    );
    expect(error).toBeInstanceOf(ErystaAmbiguousError);
    expect(await h.sim.control.orders({ referenceId: "shop-drop-before" })).toHaveLength(0);
  });

  it("a timeout is ambiguous for place-order but retryable for getOrderKeys", async () => {
    const { apiKey, client } = await h.account({}, { timeoutMs: 300 });
    await h.sim.control.addFault({ kind: "delay", delayMs: 3_000, endpoint: "place-order", apiKey });
    const placeError = await caught(() =>
      client.placeOrder([{ id: P.textInstant, quantity: 1 }], "shop-slow-answer"),
    );
    expect(placeError).toBeInstanceOf(ErystaAmbiguousError);
    expect((placeError as ErystaAmbiguousError).ambiguity).toBe("timeout");
    const [order] = await h.sim.control.orders({ referenceId: "shop-slow-answer" });
    expect(order).toBeDefined();

    await h.sim.control.addFault({ kind: "delay", delayMs: 3_000, endpoint: "order-keys", apiKey });
    const readError = await caught(() => client.getOrderKeys(order!.id));
    expect(readError).toBeInstanceOf(ErystaUnavailableError);
    expect(isRetryable(readError)).toBe(true);
    const patient = createErystaClient({
      baseUrl: h.sim.url,
      apiKey,
      rateBudget: createUnlimitedRateBudget(),
    });
    expect((await patient.getOrderKeys(order!.id)).data.status).toBe("COMPLETED");
  });

  it("a 5xx is ambiguous for place-order (even when Erysta did place it) and retryable for reads", async () => {
    const { apiKey, client } = await h.account();
    await h.sim.control.addFault({
      kind: "status",
      status: 502,
      afterCommit: true,
      endpoint: "place-order",
      apiKey,
    });
    const error = await caught(() => client.placeOrder([{ id: P.textInstant, quantity: 1 }], "shop-502"));
    expect(error).toMatchObject({ ambiguity: "server_error", status: 502, referenceId: "shop-502" });
    expect(await h.sim.control.orders({ referenceId: "shop-502" })).toHaveLength(1);

    await h.sim.control.addFault({ kind: "status", status: 503, endpoint: "balance", apiKey, times: 2 });
    for (let i = 0; i < 2; i++) {
      const readError = await caught(() => client.getBalance());
      expect(readError).toBeInstanceOf(ErystaUnavailableError);
      expect((readError as ErystaUnavailableError).status).toBe(503);
    }
    expect((await client.getBalance()).data.balance).toBeGreaterThan(0);
  });

  it("a fault on one product only hits orders containing it", async () => {
    const { apiKey, client } = await h.account();
    await h.sim.control.addFault({
      kind: "status",
      status: 500,
      productId: P.qrImage,
      apiKey,
      times: "always",
    });
    await client.placeOrder([{ id: P.textInstant, quantity: 1 }], "shop-fine");
    const error = await caught(() => client.placeOrder([{ id: P.qrImage, quantity: 1 }], "shop-qr-fault"));
    expect(error).toBeInstanceOf(ErystaAmbiguousError);
    expect(await h.sim.control.orders({ referenceId: "shop-qr-fault" })).toHaveLength(0);
    await h.sim.control.clearFaults();
  });

  it("a connection that was never made is safe: retryable even for place-order", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = createErystaClient({
      baseUrl: `http://127.0.0.1:${port}/v1/partners`,
      apiKey: "k",
      rateBudget: createUnlimitedRateBudget(),
    });
    const error = await caught(() => client.placeOrder([{ id: P.textInstant, quantity: 1 }], "shop-refused"));
    expect(error).toBeInstanceOf(ErystaUnavailableError);
    expect(isRetryable(error)).toBe(true);
    expect((error as Error).message).toContain("ECONNREFUSED");
  });

  it("the caller can cancel a budget wait before anything is sent", async () => {
    const apiKey = "cancel-key";
    await h.sim.control.setAccount({ apiKey });
    const budget = createRateBudget({ prisma, apiKey, limit: 1, windowMs: 60_000 });
    const client = createErystaClient({ baseUrl: h.sim.url, apiKey, rateBudget: budget });
    await client.getBalance();
    const controller = new AbortController();
    const pending = caught(() =>
      client.placeOrder([{ id: P.textInstant, quantity: 1 }], "shop-cancel", { signal: controller.signal }),
    );
    controller.abort(new Error("shutting down"));
    expect(((await pending) as Error).message).toBe("shutting down");
    expect(await h.sim.control.orders({ referenceId: "shop-cancel" })).toHaveLength(0);
  });
});

describe("trace ids on errors", () => {
  it("an error envelope's trace id (or an x-trace-id header) is carried by the error", async () => {
    // Erysta's error envelope documents no trace id; if one ever comes, it must not be lost.
    const server = http.createServer((req, res) => {
      const body = {
        status: 400,
        success: false,
        error: {
          message: "Product 1 is out of stock",
          timestamp: new Date().toISOString(),
          trace_id: "req-err-1",
        },
      };
      if (req.url!.endsWith("/keys")) {
        // A refusal wrapped in a 200: the envelope's own status and `success: false` decide.
        res.writeHead(200, { "content-type": "application/json" });
        return void res.end(JSON.stringify({ ...body, status: 404, error: { message: "Order not found" } }));
      }
      res.writeHead(req.url!.endsWith("/place-order") ? 400 : 503, {
        "content-type": "application/json",
        "x-trace-id": "hdr-2",
      });
      res.end(req.url!.endsWith("/place-order") ? JSON.stringify(body) : "upstream down");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = createErystaClient({
        baseUrl: `http://127.0.0.1:${port}/v1/partners`,
        apiKey: "k",
        rateBudget: createUnlimitedRateBudget(),
      });
      const rejected = await caught(() => client.placeOrder([{ id: "a", quantity: 1 }], "r"));
      expect(rejected).toMatchObject({
        reason: "out_of_stock",
        traceId: "req-err-1",
        erystaMessage: "Product 1 is out of stock",
      });
      const unavailable = await caught(() => client.getBalance());
      expect(unavailable).toMatchObject({ status: 503, traceId: "hdr-2", erystaMessage: "upstream down" });
      const notFound = await caught(() => client.getOrderKeys("X"));
      expect(notFound).toMatchObject({ reason: "order_not_found", status: 404 });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("wiring and hygiene", () => {
  it("createErystaClientForShopKey builds a client from the environment's settings", async () => {
    const apiKey = "env-built-key";
    await h.sim.control.setAccount({ apiKey, balance: 42 });
    const client = createErystaClientForShopKey({
      apiKey,
      prisma,
      env: {
        ERYSTA_API_URL: h.sim.url,
        ERYSTA_RATE_LIMIT_PER_MINUTE: 100,
        ERYSTA_CONNECT_TIMEOUT_MS: 2_000,
        ERYSTA_TIMEOUT_MS: 5_000,
      },
    });
    expect((await client.getBalance()).data.balance).toBe(42);
  });

  it("never logs the API key or key values", async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: "trace",
      destination: { write: (line: string) => void lines.push(line) },
    });
    const { apiKey } = await h.account();
    const client = createErystaClient({
      baseUrl: h.sim.url,
      apiKey,
      rateBudget: createUnlimitedRateBudget(),
      logger,
    });
    const { data } = await client.placeOrder([{ id: P.textInstant, quantity: 1 }], "shop-logs");
    const keys = await client.getOrderKeys(data.orderId);
    await caught(() => client.placeOrder([{ id: P.outOfStock, quantity: 1 }], "shop-logs-2"));
    await caught(() =>
      createErystaClient({
        baseUrl: h.sim.url,
        apiKey: "wrong-secret",
        rateBudget: createUnlimitedRateBudget(),
        logger,
      }).getBalance(),
    );
    const text = lines.join("\n");
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(text).not.toContain(apiKey);
    expect(text).not.toContain("wrong-secret");
    expect(text).not.toContain(keys.data.products[0]!.keys[0]!.value);
  });
});
