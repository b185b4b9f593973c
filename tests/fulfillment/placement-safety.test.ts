// Money is at stake: an Erysta order whose outcome we do not know is never placed again automatically.
import {
  clock,
  deliveryOf,
  deps,
  erysta,
  placeShopifyOrder,
  prisma,
  seedShop,
  stopHarness,
  takeIn,
} from "../support/fulfillment-harness";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { placeDelivery, PlacementInProgressError } from "~/fulfillment/place.server";
import { spawnTsx } from "../support/processes";
import { waitFor } from "../support/wait";

const SHOP = "placement-safety.myshopify.com";
let seeded: Awaited<ReturnType<typeof seedShop>>;

beforeAll(async () => {
  seeded = await seedShop(SHOP);
});
afterAll(stopHarness);

describe("placement safety", () => {
  it("a worker killed after Erysta accepted the order but before we stored its id → NEEDS_REVIEW, still one charge", async () => {
    // Erysta commits the order, then answers only after a minute: the worker dies in between.
    await erysta.control.addFault({ kind: "delay", endpoint: "place-order", delayMs: 60_000, times: 1 });
    const worker = spawnTsx("app/jobs/worker.ts", { LOG_LEVEL: "info" });
    try {
      const { order } = await placeShopifyOrder(seeded, [{ handle: "instantKey", quantity: 1 }]);
      const reference = String(order.legacyId);
      await waitFor(
        async () =>
          (await erysta.control.ledger({ referenceId: reference })).length === 1 ? true : undefined,
        {
          what: "Erysta to charge the order",
          timeoutMs: 30_000,
        },
      );
      const placing = await deliveryOf(SHOP, reference);
      expect(placing?.status).toBe("PLACING");
      expect(placing?.erystaOrderId).toBeNull();
      worker.child.kill("SIGKILL");
      await worker.exited;

      // Another run soon after must not touch it: the first attempt could still be in flight.
      await expect(placeDelivery(deps, { shop: SHOP, deliveryId: placing!.id })).rejects.toThrow(
        PlacementInProgressError,
      );

      // Once the attempt is older than any live job can be, the run concludes the worker died.
      clock.advance(6 * 60_000);
      expect(await placeDelivery(deps, { shop: SHOP, deliveryId: placing!.id })).toBe("needs_review");
      const review = await deliveryOf(SHOP, reference);
      expect(review?.status).toBe("NEEDS_REVIEW");
      expect(review?.statusReason).toContain(reference);
      expect(review?.events.map((e) => e.type)).toContain("needs_review");
      expect(
        await prisma.emailMessage.count({
          where: { shop: SHOP, deliveryId: placing!.id, kind: "MERCHANT_ALERT" },
        }),
      ).toBe(1);

      // And nothing places it again: re-running the job is a no-op.
      expect(await placeDelivery(deps, { shop: SHOP, deliveryId: placing!.id })).toBe("nothing_to_do");
      expect(await erysta.control.ledger({ referenceId: reference })).toHaveLength(1);
    } finally {
      clock.offsetMs = 0;
      worker.child.kill("SIGKILL");
      await erysta.control.clearFaults();
    }
  });

  it("a dropped connection after Erysta committed (ambiguous) → NEEDS_REVIEW with reference and one charge", async () => {
    await erysta.control.addFault({ kind: "drop-after-commit", endpoint: "place-order", times: 1 });
    const { order } = await placeShopifyOrder(seeded, [{ handle: "instantKey", quantity: 1 }]);
    const reference = String(order.legacyId);
    const received = await waitFor(() => takeIn(SHOP, reference), { what: "the delivery" });
    expect(await placeDelivery(deps, { shop: SHOP, deliveryId: received.id })).toBe("needs_review");
    const review = await deliveryOf(SHOP, reference);
    expect(review?.statusReason).toMatch(/may or may not/);
    expect(await erysta.control.ledger({ referenceId: reference })).toHaveLength(1);
    expect(await placeDelivery(deps, { shop: SHOP, deliveryId: received.id })).toBe("nothing_to_do");
    expect(await erysta.control.orders({ referenceId: reference })).toHaveLength(1);
  });

  it("a connection dropped before any answer cannot prove nothing was ordered → NEEDS_REVIEW, never a blind retry", async () => {
    await erysta.control.addFault({ kind: "drop-before", endpoint: "place-order", times: 1 });
    const { order } = await placeShopifyOrder(seeded, [{ handle: "instantKey", quantity: 1 }]);
    const reference = String(order.legacyId);
    const received = await waitFor(() => takeIn(SHOP, reference), { what: "the delivery" });
    expect(await placeDelivery(deps, { shop: SHOP, deliveryId: received.id })).toBe("needs_review");
    expect(await placeDelivery(deps, { shop: SHOP, deliveryId: received.id })).toBe("nothing_to_do");
    expect(await erysta.control.orders({ referenceId: reference })).toHaveLength(0);
  });

  it("a 429 from Erysta (nothing processed): back to RECEIVED, then placed once on the retry", async () => {
    await erysta.control.addFault({ kind: "status", status: 429, endpoint: "place-order", times: 1 });
    const { order } = await placeShopifyOrder(seeded, [{ handle: "instantKey", quantity: 1 }]);
    const reference = String(order.legacyId);
    const received = await waitFor(() => takeIn(SHOP, reference), { what: "the delivery" });
    await expect(placeDelivery(deps, { shop: SHOP, deliveryId: received.id })).rejects.toThrow(/rate limit/i);
    const postponed = await deliveryOf(SHOP, reference);
    expect(postponed?.status).toBe("RECEIVED");
    expect(postponed?.events.map((e) => e.type)).toContain("place_postponed");
    expect(await erysta.control.orders({ referenceId: reference })).toHaveLength(0);
    // Every process now honours Erysta's Retry-After through the shared budget; let it elapse.
    expect(await prisma.erystaRateState.count()).toBe(1);
    await prisma.erystaRateState.updateMany({ data: { blockedUntil: new Date(Date.now() - 1) } });
    expect(await placeDelivery(deps, { shop: SHOP, deliveryId: received.id })).toBe("placed");
    expect(await erysta.control.ledger({ referenceId: reference })).toHaveLength(1);
  });
});

describe("graceful shutdown", () => {
  it("SIGTERM while a placement is in flight lets it finish and record the Erysta order, then exits 0", async () => {
    await erysta.control.addFault({ kind: "delay", endpoint: "place-order", delayMs: 2_000, times: 1 });
    const worker = spawnTsx("app/jobs/worker.ts", { LOG_LEVEL: "info" });
    try {
      const { order } = await placeShopifyOrder(seeded, [{ handle: "instantKey", quantity: 1 }]);
      const reference = String(order.legacyId);
      await waitFor(
        async () => ((await deliveryOf(SHOP, reference))?.status === "PLACING" ? true : undefined),
        {
          what: "the placement to start",
          timeoutMs: 30_000,
        },
      );
      // Workers run at a lower CPU priority than the web server (WORKER_NICE, default 10).
      expect(os.getPriority(worker.child.pid)).toBe(10);
      worker.child.kill("SIGTERM");
      expect(await worker.exited).toBe(0);
      const placed = await deliveryOf(SHOP, reference);
      expect(placed?.status).toBe("WAITING");
      expect(placed?.erystaOrderId).toBeTruthy();
      expect(await erysta.control.ledger({ referenceId: reference })).toHaveLength(1);
    } finally {
      worker.child.kill("SIGKILL");
      await erysta.control.clearFaults();
    }
  });
});
