// The order list and the order page: filters, search, pagination, and every merchant action with its
// audit event and its job (checked in pg-boss), plus invalid input and stale states.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDelivery, createShop, qrDataUrl, sealFor, TEXT_PRODUCT } from "../support/admin-fixtures";
import { call } from "../support/admin-routes";
import { SHOP_ERYSTA_KEY, startAdminStack } from "../support/admin-stack";

const stack = await startAdminStack();
const { db } = stack;
const list = await import("~/routes/app.orders._index");
const page = await import("~/routes/app.orders.$id");
const { getAdminDeps } = await import("~/admin/deps.server");
const { QUEUES } = await import("~/jobs/queues");

const SHOP = "orders-shop.myshopify.com";
await createShop(db, SHOP, {
  erystaApiKeyCiphertext: sealFor(SHOP, SHOP_ERYSTA_KEY),
  erystaApiKeyLast4: SHOP_ERYSTA_KEY.slice(-4),
});

afterAll(async () => {
  await (await globalThis.__webBoss)?.stop({ graceful: false, close: true });
  await stack.close();
});

async function jobs(queue: string, deliveryId: string) {
  const boss = await getAdminDeps().boss();
  return boss.findJobs(queue, { data: { deliveryId } });
}

type ActionResult = {
  ok: boolean;
  message: string;
  field?: string;
  keys?: { type: string; value: string }[];
};
const act = (deliveryId: string, form: Record<string, string>, userId = "77") =>
  call<ActionResult>(page.action, `/app/orders/${deliveryId}`, {
    shop: SHOP,
    params: { id: deliveryId },
    form,
    userId,
  });

type ListData = {
  orders: { id: string; orderName: string; status: string; late: boolean }[];
  total: number;
  hasNext: boolean;
  hasPrevious: boolean;
  waitingForFunds: number;
};
const listOrders = (query = "") => call<ListData>(list.loader, `/app/orders${query}`, { shop: SHOP });

const insufficient = { reason: "insufficient_funds", traceId: null };

describe("order list", () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    ids.delivered = (
      await createDelivery(db, SHOP, { status: "DELIVERED", orderName: "#2001", email: "zoe@example.com" })
    ).id;
    ids.failed = (
      await createDelivery(db, SHOP, {
        status: "FAILED_TO_PLACE",
        orderName: "#2002",
        email: "max@example.com",
        events: [{ type: "place_rejected", data: insufficient }],
      })
    ).id;
    ids.late = (
      await createDelivery(db, SHOP, {
        status: "WAITING",
        orderName: "#2003",
        lateAlertedAt: new Date(),
        erystaOrderId: "LATE0001",
      })
    ).id;
    ids.waiting = (
      await createDelivery(db, SHOP, { status: "WAITING", orderName: "#2004", erystaOrderId: "WAIT0001" })
    ).id;
    ids.review = (await createDelivery(db, SHOP, { status: "NEEDS_REVIEW", orderName: "#2005" })).id;
    ids.hold = (await createDelivery(db, SHOP, { status: "ON_HOLD", orderName: "#2006" })).id;
    ids.partial = (await createDelivery(db, SHOP, { status: "PARTIALLY_DELIVERED", orderName: "#2007" })).id;
    await createDelivery(db, "someone-else.myshopify.com", {
      status: "FAILED_TO_PLACE",
      orderName: "#2002",
    }).catch(async () => {
      await createShop(db, "someone-else.myshopify.com");
      await createDelivery(db, "someone-else.myshopify.com", {
        status: "FAILED_TO_PLACE",
        orderName: "#2002",
      });
    });
  });

  it("filters by status tab, including late and needs attention", async () => {
    const names = async (status: string) =>
      (await listOrders(`?status=${status}`)).data.orders.map((o) => o.orderName).sort();
    expect(await names("FAILED_TO_PLACE")).toEqual(["#2002"]);
    expect(await names("late")).toEqual(["#2003"]);
    expect(await names("in_progress")).toEqual(["#2004"]);
    expect(await names("attention")).toEqual(["#2002", "#2003", "#2005", "#2006", "#2007"]);
    expect(await names("DELIVERED")).toEqual(["#2001"]);
    const all = await listOrders();
    expect(all.data.total).toBe(7);
    expect(all.data.waitingForFunds).toBe(1);
    expect(all.data.orders.find((o) => o.orderName === "#2003")?.late).toBe(true);
  });

  it("searches by order name (with or without #) and by customer email", async () => {
    expect((await listOrders("?q=2002")).data.orders.map((o) => o.orderName)).toEqual(["#2002"]);
    expect((await listOrders("?q=%232001")).data.orders.map((o) => o.orderName)).toEqual(["#2001"]);
    expect((await listOrders("?q=ZOE@EXAMPLE")).data.orders.map((o) => o.orderName)).toEqual(["#2001"]);
    expect((await listOrders("?q=nobody-matches")).data.total).toBe(0);
  });

  it("paginates 25 at a time, newest first", async () => {
    for (let i = 0; i < 24; i++)
      await createDelivery(db, SHOP, {
        status: "SKIPPED",
        orderName: `#3${String(i).padStart(3, "0")}`,
        createdAt: new Date(Date.UTC(2020, 0, 1, 0, i)),
      });
    const first = await listOrders();
    expect(first.data).toMatchObject({ total: 31, hasNext: true, hasPrevious: false });
    expect(first.data.orders).toHaveLength(25);
    const second = await listOrders("?page=2");
    expect(second.data).toMatchObject({ hasNext: false, hasPrevious: true });
    expect(second.data.orders.map((o) => o.orderName)).toEqual([
      "#3005",
      "#3004",
      "#3003",
      "#3002",
      "#3001",
      "#3000",
    ]);
  });

  it("invalid query parameters fall back to safe defaults", async () => {
    const res = await listOrders("?status=DROP&page=-3&q=" + "x".repeat(500));
    expect(res.status).toBe(200);
    expect(res.data.total).toBe(31);
  });
});

describe("order page", () => {
  it("shows lines, Erysta ids, the timeline and masked keys only", async () => {
    const d = await createDelivery(db, SHOP, {
      status: "DELIVERED",
      erystaOrderId: "SE757MKE",
      keys: [
        { type: "TEXT", value: "AAAAA-BBBBB-CCCC1" },
        { type: "IMAGE", value: await qrDataUrl() },
      ],
      events: [{ type: "placed", data: { erystaOrderId: "SE757MKE", traceId: "req-1234abcd" } }],
    });
    const res = await call<Record<string, unknown>>(page.loader, `/app/orders/${d.id}`, {
      shop: SHOP,
      params: { id: d.id },
    });
    expect(res.status).toBe(200);
    const view = res.data as unknown as Awaited<ReturnType<typeof page.loader>>;
    expect(view.erysta).toMatchObject({ orderId: "SE757MKE", traceIds: ["req-1234abcd"] });
    expect(view.lines.map((l) => [l.title, l.quantity])).toEqual([
      ["Starfall Odyssey — Steam key", 1],
      ["Arcade Gift Card €25 (QR)", 1],
    ]);
    expect(view.keys.map((k) => k.masked)).toEqual(["•••••-•••••-•CCC1", null]);
    expect(JSON.stringify(view)).not.toContain("AAAAA-BBBBB");
    expect(JSON.stringify(view)).not.toContain("data:image");
    expect(view.timeline.map((e) => e.type)).toEqual(["received", "placed"]);
    expect(view.can).toMatchObject({ reveal: true, resend: true, retry: false });
  });

  it("an unknown id is a 404", async () => {
    const res = await call(page.loader, "/app/orders/nope", { shop: SHOP, params: { id: "nope" } });
    expect(res).toMatchObject({ thrown: true, status: 404 });
  });

  it("reveal returns the keys (QR as an image data URL) and records who revealed them", async () => {
    const d = await createDelivery(db, SHOP, {
      status: "DELIVERED",
      keys: [
        { type: "TEXT", value: "AAAAA-BBBBB-CCCC2" },
        { type: "IMAGE", value: await qrDataUrl() },
      ],
    });
    const res = await act(d.id, { intent: "reveal" }, "4242");
    expect(res.status).toBe(200);
    expect(res.data.keys?.map((k) => k.type)).toEqual(["TEXT", "IMAGE"]);
    expect(res.data.keys?.[0]?.value).toBe("AAAAA-BBBBB-CCCC2");
    expect(res.data.keys?.[1]?.value).toMatch(/^data:image\/png;base64,/);
    const events = await db.deliveryEvent.findMany({ where: { deliveryId: d.id, type: "keys_revealed" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: "merchant:4242", shop: SHOP });
  });

  it("reveal on an order without keys is refused", async () => {
    const d = await createDelivery(db, SHOP, { status: "WAITING", erystaOrderId: "X1" });
    expect((await act(d.id, { intent: "reveal" })).status).toBe(409);
  });
});

describe("resend", () => {
  it("queues exactly one email per request id, to the customer or another address", async () => {
    const d = await createDelivery(db, SHOP, {
      status: "DELIVERED",
      email: "ada@example.com",
      keys: [{ type: "TEXT", value: "K-1" }],
    });
    const first = await act(d.id, { intent: "resend", to: "customer", requestId: "req-resend-0001" });
    expect(first.data).toMatchObject({ ok: true, message: "Keys sent to ada@example.com." });
    const again = await act(d.id, { intent: "resend", to: "customer", requestId: "req-resend-0001" });
    expect(again.data).toMatchObject({ ok: true });
    const other = await act(d.id, {
      intent: "resend",
      to: "other",
      recipient: "copy@example.com",
      requestId: "req-resend-0002",
    });
    expect(other.data.ok).toBe(true);

    const emails = await db.emailMessage.findMany({
      where: { deliveryId: d.id },
      orderBy: { createdAt: "asc" },
    });
    expect(emails.map((e) => [e.kind, e.recipient, e.idempotencyKey])).toEqual([
      ["KEYS", "ada@example.com", "resend:req-resend-0001"],
      ["KEYS", "copy@example.com", "resend:req-resend-0002"],
    ]);
    const sendJobs = (
      await Promise.all(
        emails.map(async (e) =>
          (await getAdminDeps().boss()).findJobs(QUEUES.sendEmail, { data: { emailId: e.id } }),
        ),
      )
    ).flat();
    expect(sendJobs).toHaveLength(2);
    const events = await db.deliveryEvent.findMany({
      where: { deliveryId: d.id, type: "keys_resend_requested" },
    });
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.actor === "merchant:77")).toBe(true);
  });

  it("invalid input is refused with the field, and nothing is queued", async () => {
    const d = await createDelivery(db, SHOP, { status: "DELIVERED", keys: [{ type: "TEXT", value: "K-2" }] });
    const bad = await act(d.id, {
      intent: "resend",
      to: "other",
      recipient: "not an email",
      requestId: "req-resend-0003",
    });
    expect(bad).toMatchObject({ status: 422, data: { field: "recipient" } });
    expect((await act(d.id, { intent: "resend", to: "customer" })).status).toBe(422); // no request id
    expect((await act(d.id, { intent: "resend", to: "everyone", requestId: "req-resend-0004" })).status).toBe(
      422,
    );
    const noKeys = await createDelivery(db, SHOP, { status: "FAILED_TO_PLACE" });
    expect(
      (await act(noKeys.id, { intent: "resend", to: "customer", requestId: "req-resend-0005" })).status,
    ).toBe(409);
    const noEmail = await createDelivery(db, SHOP, {
      status: "DELIVERED",
      email: null,
      keys: [{ type: "TEXT", value: "K-3" }],
    });
    expect(
      (await act(noEmail.id, { intent: "resend", to: "customer", requestId: "req-resend-0006" })).data.field,
    ).toBe("recipient");
    expect(
      await db.emailMessage.count({ where: { deliveryId: { in: [d.id, noKeys.id, noEmail.id] } } }),
    ).toBe(0);
  });
});

describe("placement actions", () => {
  it("retry moves a failed order back to RECEIVED, records who asked, and enqueues one placement", async () => {
    const d = await createDelivery(db, SHOP, {
      status: "FAILED_TO_PLACE",
      statusReason: "Out of stock",
      placeAttempts: 1,
      events: [{ type: "place_rejected", data: { reason: "out_of_stock" } }],
    });
    const res = await act(d.id, { intent: "retry" });
    expect(res.data.ok).toBe(true);
    const row = await db.delivery.findUniqueOrThrow({ where: { id: d.id } });
    expect(row).toMatchObject({ status: "RECEIVED", statusReason: null });
    const event = await db.deliveryEvent.findFirstOrThrow({
      where: { deliveryId: d.id, type: "retry_requested" },
    });
    expect(event).toMatchObject({
      actor: "merchant:77",
      fromStatus: "FAILED_TO_PLACE",
      toStatus: "RECEIVED",
    });
    expect(event.message).toContain("Out of stock");
    expect(await jobs(QUEUES.place, d.id)).toHaveLength(1);

    // A second click (stale page) finds the order moved on: refused, no second job.
    const again = await act(d.id, { intent: "retry" });
    expect(again.status).toBe(409);
    expect(await jobs(QUEUES.place, d.id)).toHaveLength(1);
  });

  it("retry is refused for an order that is delivered", async () => {
    const d = await createDelivery(db, SHOP, { status: "DELIVERED" });
    expect((await act(d.id, { intent: "retry" })).status).toBe(409);
    expect(await jobs(QUEUES.place, d.id)).toHaveLength(0);
  });

  it("bulk retry after a top-up takes only orders refused for insufficient funds", async () => {
    const funds = await createDelivery(db, SHOP, {
      status: "FAILED_TO_PLACE",
      events: [{ type: "place_rejected", data: insufficient }],
    });
    const stock = await createDelivery(db, SHOP, {
      status: "FAILED_TO_PLACE",
      events: [
        { type: "place_rejected", data: insufficient },
        { type: "place_rejected", data: { reason: "out_of_stock" } },
      ],
    });
    const res = await call<{ ok: boolean; retried: number }>(list.action, "/app/orders?index", {
      shop: SHOP,
      form: { intent: "retry_insufficient_funds" },
    });
    expect(res.data.ok).toBe(true);
    expect((await db.delivery.findUniqueOrThrow({ where: { id: funds.id } })).status).toBe("RECEIVED");
    expect((await db.delivery.findUniqueOrThrow({ where: { id: stock.id } })).status).toBe("FAILED_TO_PLACE");
    expect(await jobs(QUEUES.place, funds.id)).toHaveLength(1);
    expect(await jobs(QUEUES.place, stock.id)).toHaveLength(0);
    // This one and #2002 from the list above; not the one whose last refusal was stock, nor one without a refusal.
    expect(res.data.retried).toBe(2);
  });

  it("approve places an on-hold order; refused while Erysta is not connected", async () => {
    const d = await createDelivery(db, SHOP, {
      status: "ON_HOLD",
      statusReason: "High-risk order held for approval.",
    });
    const res = await act(d.id, { intent: "approve" });
    expect(res.data.ok).toBe(true);
    expect((await db.delivery.findUniqueOrThrow({ where: { id: d.id } })).status).toBe("RECEIVED");
    expect(await jobs(QUEUES.place, d.id)).toHaveLength(1);
    expect(
      await db.deliveryEvent.count({ where: { deliveryId: d.id, type: "approved", actor: "merchant:77" } }),
    ).toBe(1);

    const unconnected = "orders-unconnected.myshopify.com";
    await createShop(db, unconnected);
    const held = await createDelivery(db, unconnected, { status: "ON_HOLD" });
    const refused = await call<ActionResult>(page.action, `/app/orders/${held.id}`, {
      shop: unconnected,
      params: { id: held.id },
      form: { intent: "approve" },
    });
    expect(refused.status).toBe(409);
    expect(refused.data.message).toMatch(/Connect Erysta/);
    expect((await db.delivery.findUniqueOrThrow({ where: { id: held.id } })).status).toBe("ON_HOLD");
  });
});

describe("needs review", () => {
  async function placeAtErysta(reference: string) {
    const res = await fetch(`${stack.erysta.url}/place-order`, {
      method: "POST",
      headers: { "x-api-key": SHOP_ERYSTA_KEY, "content-type": "application/json" },
      body: JSON.stringify({ items: [{ id: TEXT_PRODUCT, quantity: 1 }], reference_id: reference }),
    });
    return ((await res.json()) as { details: { data: { id: string } } }).details.data.id;
  }

  it("links the Erysta order support confirmed (checked with Erysta) and enqueues a poll", async () => {
    const d = await createDelivery(db, SHOP, { status: "NEEDS_REVIEW", statusReason: "Timed out" });
    const erystaOrderId = await placeAtErysta(d.referenceId);
    const res = await act(d.id, { intent: "link", erystaOrderId });
    expect(res.data.ok).toBe(true);
    expect(await db.delivery.findUniqueOrThrow({ where: { id: d.id } })).toMatchObject({
      status: "WAITING",
      erystaOrderId,
      statusReason: null,
    });
    expect(await jobs(QUEUES.poll, d.id)).toHaveLength(1);
    expect(
      await db.deliveryEvent.count({
        where: { deliveryId: d.id, type: "erysta_order_linked", actor: "merchant:77" },
      }),
    ).toBe(1);
    // No order was placed by linking.
    expect(await stack.erysta.control.orders({ referenceId: d.referenceId })).toHaveLength(1);
  });

  it("an id Erysta does not know, or a malformed one, is refused on the field", async () => {
    const d = await createDelivery(db, SHOP, { status: "NEEDS_REVIEW" });
    const unknown = await act(d.id, { intent: "link", erystaOrderId: "NOPE0000" });
    expect(unknown).toMatchObject({ status: 409, data: { field: "erystaOrderId" } });
    for (const erystaOrderId of ["", "has spaces", "x".repeat(65), "../etc"]) {
      expect((await act(d.id, { intent: "link", erystaOrderId })).status).toBe(422);
    }
    expect((await db.delivery.findUniqueOrThrow({ where: { id: d.id } })).status).toBe("NEEDS_REVIEW");
    expect(await jobs(QUEUES.poll, d.id)).toHaveLength(0);
  });

  it("mark resolved closes the order with the merchant's note", async () => {
    const d = await createDelivery(db, SHOP, { status: "NEEDS_REVIEW" });
    const res = await act(d.id, { intent: "resolve", note: "Refunded in Shopify" });
    expect(res.data.ok).toBe(true);
    expect(await db.delivery.findUniqueOrThrow({ where: { id: d.id } })).toMatchObject({
      status: "SKIPPED",
      statusReason: "Resolved by the merchant. Note: Refunded in Shopify",
    });
    expect((await act(d.id, { intent: "resolve", note: "x".repeat(501) })).status).toBe(422);
  });

  it("check now enqueues a poll for a waiting order only", async () => {
    const waiting = await createDelivery(db, SHOP, { status: "WAITING", erystaOrderId: "WAIT0002" });
    expect((await act(waiting.id, { intent: "poll" })).data.ok).toBe(true);
    expect(await jobs(QUEUES.poll, waiting.id)).toHaveLength(1);
    const delivered = await createDelivery(db, SHOP, { status: "DELIVERED" });
    expect((await act(delivered.id, { intent: "poll" })).status).toBe(409);
  });

  it("an unknown intent is refused", async () => {
    const d = await createDelivery(db, SHOP, { status: "DELIVERED" });
    expect((await act(d.id, { intent: "delete" })).status).toBe(400);
  });
});

describe("bulk resend", () => {
  it("resends to each selected order's customer and reports the ones it skipped", async () => {
    const a = await createDelivery(db, SHOP, { status: "DELIVERED", keys: [{ type: "TEXT", value: "K-A" }] });
    const b = await createDelivery(db, SHOP, {
      status: "PARTIALLY_DELIVERED",
      keys: [{ type: "TEXT", value: "K-B" }],
    });
    const none = await createDelivery(db, SHOP, { status: "FAILED_TO_PLACE" });
    const res = await call<{ ok: boolean; sent: number; skipped: { orderName: string }[] }>(
      list.action,
      "/app/orders?index",
      {
        shop: SHOP,
        form: { intent: "resend_selected", requestId: "req-bulk-0001", "ids[]": [a.id, b.id, none.id] },
      },
    );
    expect(res.data).toMatchObject({ ok: true, sent: 2 });
    expect(res.data.skipped.map((s) => s.orderName)).toEqual([none.orderName]);
    expect(await db.emailMessage.count({ where: { deliveryId: { in: [a.id, b.id, none.id] } } })).toBe(2);
    const empty = await call(list.action, "/app/orders?index", {
      shop: SHOP,
      form: { intent: "resend_selected", requestId: "req-bulk-0002" },
    });
    expect(empty.status).toBe(422);
  });
});
