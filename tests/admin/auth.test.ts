// Every admin route authenticates the merchant and scopes what it reads and writes to that shop.
import { afterAll, describe, expect, it } from "vitest";
import { createDelivery, createShop } from "../support/admin-fixtures";
import { call } from "../support/admin-routes";
import { mintSessionToken } from "../support/admin-session";
import { startAdminStack } from "../support/admin-stack";
import { TEST_API_SECRET } from "../support/test-env";

const stack = await startAdminStack();
const { db } = stack;
const routes = {
  app: await import("~/routes/app"),
  dashboard: await import("~/routes/app._index"),
  orders: await import("~/routes/app.orders._index"),
  order: await import("~/routes/app.orders.$id"),
  mappings: await import("~/routes/app.mappings._index"),
  exportCsv: await import("~/routes/app.mappings.export"),
  email: await import("~/routes/app.email"),
  settings: await import("~/routes/app.settings"),
};

const A = "auth-a.myshopify.com";
const B = "auth-b.myshopify.com";
await createShop(db, A);
await createShop(db, B, { emailSubjectTemplate: "B's secret subject", alertEmail: "b@b.example" });
const orderOfB = await createDelivery(db, B, {
  status: "FAILED_TO_PLACE",
  email: "customer-of-b@example.com",
  keys: [],
  orderName: "#B-1",
});
const deliveredOfB = await createDelivery(db, B, {
  status: "DELIVERED",
  email: "buyer-of-b@example.com",
  keys: [{ type: "TEXT", value: "BBBBB-SECRET-KEY" }],
});
await db.productMapping.create({
  data: {
    shop: B,
    variantId: "gid://shopify/ProductVariant/999",
    erystaProductId: "69ae19b4397b2e44c02853f5",
    sku: "B-ONLY-SKU",
  },
});

afterAll(async () => {
  await (await globalThis.__webBoss)?.stop({ graceful: false, close: true });
  await stack.close();
});

const loaders: [string, (typeof routes)[keyof typeof routes]["loader"], Record<string, string>?][] = [
  ["/app", routes.app.loader],
  ["/app", routes.dashboard.loader],
  ["/app/orders", routes.orders.loader],
  [`/app/orders/${orderOfB.id}`, routes.order.loader, { id: orderOfB.id }],
  ["/app/mappings", routes.mappings.loader],
  ["/app/mappings/export", routes.exportCsv.loader],
  ["/app/email", routes.email.loader],
  ["/app/settings", routes.settings.loader],
];

describe("requests without a valid session are refused", () => {
  const badTokens = async () => ({
    "signed with another secret": await mintSessionToken({ shop: A, secret: "some-other-app-secret" }),
    "for another app (audience)": await mintSessionToken({ shop: A, apiKey: "another-app-key" }),
    expired: await mintSessionToken({ shop: A, expiresIn: -300, secret: TEST_API_SECRET }),
    garbage: "not.a.jwt",
  });

  for (const [path, loader, params] of loaders) {
    it(`${path} (${loader === routes.app.loader ? "shell" : "page"}) refuses anonymous and forged requests`, async () => {
      const anonymous = await call(loader, path, { shop: A, token: null, params });
      expect(anonymous.thrown).toBe(true);
      expect(anonymous.status).toBe(302); // a document request outside the admin goes to the login page
      for (const [what, token] of Object.entries(await badTokens())) {
        const res = await call(loader, path, { shop: A, token, params });
        expect({ what, thrown: res.thrown, status: res.status }).toEqual({ what, thrown: true, status: 401 });
      }
    });
  }

  it("actions refuse forged requests and change nothing", async () => {
    const forged = await mintSessionToken({ shop: B, secret: "not-the-secret" });
    const res = await call(routes.order.action, `/app/orders/${orderOfB.id}`, {
      shop: B,
      token: forged,
      params: { id: orderOfB.id },
      form: { intent: "retry" },
    });
    expect(res.status).toBe(401);
    expect((await db.delivery.findUniqueOrThrow({ where: { id: orderOfB.id } })).status).toBe(
      "FAILED_TO_PLACE",
    );
  });
});

describe("another shop's data", () => {
  it("an order id of another shop is not found", async () => {
    const res = await call(routes.order.loader, `/app/orders/${orderOfB.id}`, {
      shop: A,
      params: { id: orderOfB.id },
    });
    expect(res).toMatchObject({ thrown: true, status: 404 });
    expect(JSON.stringify(res.data)).not.toContain("customer-of-b");
  });

  it("actions on another shop's order find nothing and change nothing", async () => {
    const forms: Record<string, string>[] = [
      { intent: "retry" },
      { intent: "reveal" },
      { intent: "resolve", note: "" },
      { intent: "resend", to: "other", recipient: "thief@example.com", requestId: "req-cross-shop-1" },
    ];
    for (const form of forms) {
      const res = await call<{ ok: boolean; message: string }>(
        routes.order.action,
        `/app/orders/${deliveredOfB.id}`,
        {
          shop: A,
          params: { id: deliveredOfB.id },
          form,
        },
      );
      expect(res.status).toBe(404);
      expect(res.data.ok).toBe(false);
    }
    expect((await db.delivery.findUniqueOrThrow({ where: { id: deliveredOfB.id } })).status).toBe(
      "DELIVERED",
    );
    expect(await db.emailMessage.count({ where: { recipient: "thief@example.com" } })).toBe(0);
    expect(
      await db.deliveryEvent.count({ where: { deliveryId: deliveredOfB.id, type: { not: "received" } } }),
    ).toBe(0);
  });

  it("lists, bulk actions, exports and settings only ever show the session's shop", async () => {
    const list = await call<{ orders: { id: string }[]; total: number }>(
      routes.orders.loader,
      "/app/orders",
      { shop: A },
    );
    expect(list.data.total).toBe(0);
    const bulk = await call<{ ok: boolean }>(routes.orders.action, "/app/orders?index", {
      shop: A,
      form: { intent: "resend_selected", requestId: "req-bulk-cross-1", "ids[]": [deliveredOfB.id] },
    });
    expect(bulk.data.ok).toBe(false);
    expect(await db.emailMessage.count({ where: { shop: A } })).toBe(0);
    const funds = await call<{ ok: boolean }>(routes.orders.action, "/app/orders?index", {
      shop: A,
      form: { intent: "retry_insufficient_funds" },
    });
    expect(funds.data.ok).toBe(false);

    const csv = await call<string>(routes.exportCsv.loader, "/app/mappings/export", { shop: A });
    expect(csv.data).not.toContain("B-ONLY-SKU");
    const email = await call<{ subject: string }>(routes.email.loader, "/app/email", { shop: A });
    expect(email.data.subject).not.toContain("B's secret");
    const settings = await call<{ options: { alertEmail: string | null } }>(
      routes.settings.loader,
      "/app/settings",
      {
        shop: A,
      },
    );
    expect(settings.data.options.alertEmail).toBeNull();
  });
});
