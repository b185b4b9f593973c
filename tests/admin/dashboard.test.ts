// The dashboard: live Erysta balance (degrading when Erysta cannot answer), today's numbers, and the
// attention counts that link to the filtered order list.
import { afterAll, describe, expect, it } from "vitest";
import { createDelivery, createShop, sealFor } from "../support/admin-fixtures";
import { call } from "../support/admin-routes";
import { SHOP_ERYSTA_KEY, startAdminStack } from "../support/admin-stack";

const stack = await startAdminStack();
const { db } = stack;
const route = await import("~/routes/app._index");
type Dashboard = Awaited<ReturnType<typeof route.loader>>;

const SHOP = "dash-shop.myshopify.com";
await createShop(db, SHOP, {
  erystaApiKeyCiphertext: sealFor(SHOP, SHOP_ERYSTA_KEY),
  erystaApiKeyLast4: SHOP_ERYSTA_KEY.slice(-4),
});

afterAll(async () => {
  await stack.close();
});

const load = (shop = SHOP) => call<Dashboard>(route.loader, "/app", { shop });

describe("dashboard", () => {
  it("a new shop gets onboarding: not connected, nothing mapped, no balance call", async () => {
    const fresh = "dash-fresh.myshopify.com";
    await createShop(db, fresh);
    const { data } = await load(fresh);
    expect(data).toMatchObject({ connected: false, mappings: 0, balance: { state: "not_connected" } });
  });

  it("shows balance, credit limit and spending power from Erysta", async () => {
    await stack.erysta.control.setAccount({ apiKey: SHOP_ERYSTA_KEY, balance: 120.5, creditLimit: 50 });
    const { data } = await load();
    expect(data.balance).toEqual({
      state: "ok",
      balance: { balance: 120.5, creditLimit: 50, spendingPower: 170.5 },
    });
  });

  it("counts today's orders, what is in progress and what needs attention", async () => {
    const yesterday = new Date(Date.now() - 36 * 3600_000);
    await createDelivery(db, SHOP, {
      status: "DELIVERED",
      events: [{ type: "delivered", toStatus: "DELIVERED" }],
    });
    await createDelivery(db, SHOP, { status: "DELIVERED", createdAt: yesterday });
    await createDelivery(db, SHOP, { status: "WAITING", erystaOrderId: "W1" });
    await createDelivery(db, SHOP, { status: "PLACING" });
    await createDelivery(db, SHOP, { status: "WAITING", erystaOrderId: "W2", lateAlertedAt: new Date() });
    await createDelivery(db, SHOP, {
      status: "FAILED_TO_PLACE",
      events: [{ type: "place_rejected", data: { reason: "insufficient_funds" } }],
    });
    await createDelivery(db, SHOP, {
      status: "FAILED_TO_PLACE",
      events: [{ type: "place_rejected", data: { reason: "out_of_stock" } }],
    });
    await createDelivery(db, SHOP, { status: "NEEDS_REVIEW" });
    await createDelivery(db, SHOP, { status: "PARTIALLY_DELIVERED" });
    await createDelivery(db, SHOP, { status: "ON_HOLD" });
    await createDelivery(db, SHOP, { status: "ON_HOLD" });
    // Another shop's orders never count.
    await createShop(db, "dash-other.myshopify.com");
    await createDelivery(db, "dash-other.myshopify.com", { status: "NEEDS_REVIEW" });

    const { data } = await load();
    expect(data.today).toEqual({ received: 10, delivered: 1 });
    expect(data.inProgress).toBe(2);
    expect(Object.fromEntries(data.attention.map((a) => [a.filter, a.count]))).toEqual({
      FAILED_TO_PLACE: 2,
      NEEDS_REVIEW: 1,
      late: 1,
      PARTIALLY_DELIVERED: 1,
      ON_HOLD: 2,
    });
    expect(data.attentionTotal).toBe(7);
    expect(data.waitingForFunds).toBe(1);
  });

  it("still renders when Erysta cannot answer, with the reason", async () => {
    await stack.erysta.control.addFault({ endpoint: "balance", kind: "status", status: 503, times: 10 });
    const res = await load();
    expect(res.status).toBe(200);
    expect(res.data.balance).toMatchObject({ state: "error", failure: { problem: "unreachable" } });
    await stack.erysta.control.clearFaults();

    // A key Erysta no longer accepts (revoked) is reported as such.
    await db.shop.update({
      where: { shop: SHOP },
      data: { erystaApiKeyCiphertext: sealFor(SHOP, "erysta-revoked-key-00") },
    });
    const revoked = await load();
    expect(revoked.data.balance).toMatchObject({ state: "error", failure: { problem: "invalid_key" } });
    expect(revoked.data.today.received).toBe(10);
  });
});
