// Settings: connecting Erysta (checked live against the simulator), delivery options, scoping.
import { afterAll, describe, expect, it } from "vitest";
import { createShop } from "../support/admin-fixtures";
import { call } from "../support/admin-routes";
import { BLOCKED_ERYSTA_KEY, GOOD_ERYSTA_KEY, startAdminStack } from "../support/admin-stack";

const stack = await startAdminStack();
const { db } = stack;
const route = await import("~/routes/app.settings");
const { openSecret } = await import("~/security/secrets.server");

const SHOP = "settings-shop.myshopify.com";
const OTHER = "settings-other.myshopify.com";
await createShop(db, SHOP);
await createShop(db, OTHER, { lateAfterMinutes: 45, alertEmail: "other@other.example" });

afterAll(async () => {
  await (await globalThis.__webBoss)?.stop({ graceful: false, close: true });
  await stack.close();
});

type Result = {
  ok: boolean;
  message: string;
  field?: string;
  errors?: Record<string, string>;
  failure?: { problem: string; steps: string[]; ip?: string };
};
const act = (form: Record<string, string>, shop = SHOP) =>
  call<Result>(route.action, "/app/settings", { shop, form });

describe("connecting Erysta", () => {
  it("the loader shows a new shop as not connected, with the default options", async () => {
    const { data } = await call<Awaited<ReturnType<typeof route.loader>>>(route.loader, "/app/settings", {
      shop: SHOP,
    });
    expect(data.erysta).toEqual({ connected: false, last4: null, connectedAt: null });
    expect(data.options).toMatchObject({ autoFulfill: true, holdHighRisk: true, lateAfterMinutes: 20 });
  });

  it("refuses input that cannot be an API key without calling Erysta", async () => {
    const before = (await stack.erysta.control.calls()).calls.length;
    for (const apiKey of ["", "short", "has a space inside it"]) {
      const res = await act({ intent: "connect", apiKey });
      expect(res.status).toBe(422);
      expect(res.data).toMatchObject({ ok: false, field: "apiKey" });
    }
    expect((await stack.erysta.control.calls()).calls.length).toBe(before);
  });

  it("a key Erysta rejects is explained and not stored", async () => {
    const res = await act({ intent: "connect", apiKey: "erysta-unknown-key-000" });
    expect(res.status).toBe(422);
    expect(res.data.failure?.problem).toBe("invalid_key");
    expect((await db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).erystaApiKeyCiphertext).toBeNull();
  });

  it("an IP allow-list refusal says which address to add, and stores nothing", async () => {
    const res = await act({ intent: "connect", apiKey: BLOCKED_ERYSTA_KEY });
    expect(res.status).toBe(422);
    expect(res.data.failure).toMatchObject({ problem: "ip_not_allowed", ip: "127.0.0.1" });
    expect(res.data.failure?.steps.join(" ")).toMatch(/allow-list and add 127\.0\.0\.1/);
    expect((await db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).erystaApiKeyCiphertext).toBeNull();
  });

  it("a good key is validated with the balance call and stored sealed for the shop, last 4 visible", async () => {
    const res = await act({ intent: "connect", apiKey: `  ${GOOD_ERYSTA_KEY} ` });
    expect(res.status).toBe(200);
    expect(res.data.message).toContain("€1,000.00");
    const row = await db.shop.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(row.erystaApiKeyLast4).toBe(GOOD_ERYSTA_KEY.slice(-4));
    expect(row.erystaApiKeyCiphertext).not.toContain(GOOD_ERYSTA_KEY);
    expect(openSecret(row.erystaApiKeyCiphertext!, SHOP)).toBe(GOOD_ERYSTA_KEY);
    // Bound to the shop: the same ciphertext does not open for another shop.
    expect(() => openSecret(row.erystaApiKeyCiphertext!, OTHER)).toThrow();
    const balanceCalls = (await stack.erysta.control.calls({ apiKey: GOOD_ERYSTA_KEY })).calls;
    expect(balanceCalls.map((c) => c.endpoint)).toEqual(["balance"]);

    const { data } = await call<Awaited<ReturnType<typeof route.loader>>>(route.loader, "/app/settings", {
      shop: SHOP,
    });
    expect(data.erysta).toMatchObject({ connected: true, last4: GOOD_ERYSTA_KEY.slice(-4) });
    expect(JSON.stringify(data)).not.toContain(GOOD_ERYSTA_KEY);
  });

  it("disconnect removes the key of this shop only", async () => {
    await db.shop.update({
      where: { shop: OTHER },
      data: { erystaApiKeyCiphertext: "x:y:z:w", erystaApiKeyLast4: "ABCD" },
    });
    const res = await act({ intent: "disconnect" });
    expect(res.data.ok).toBe(true);
    expect(await db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).toMatchObject({
      erystaApiKeyCiphertext: null,
      erystaApiKeyLast4: null,
    });
    expect((await db.shop.findUniqueOrThrow({ where: { shop: OTHER } })).erystaApiKeyLast4).toBe("ABCD");
  });
});

describe("delivery options", () => {
  const valid = {
    intent: "save_settings",
    autoFulfill: "false",
    holdHighRisk: "true",
    mapBySku: "true",
    lateAfterMinutes: "30",
    notifyCustomerWhenLate: "true",
    refundUndelivered: "false",
    alertEmail: "alerts@shop.example",
    senderName: "Pixel Keys",
    replyTo: "",
  };

  it("saves valid options for the session's shop only", async () => {
    const res = await act(valid);
    expect(res.status).toBe(200);
    expect(await db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).toMatchObject({
      autoFulfill: false,
      holdHighRisk: true,
      mapBySku: true,
      lateAfterMinutes: 30,
      notifyCustomerWhenLate: true,
      refundUndelivered: false,
      alertEmail: "alerts@shop.example",
      senderName: "Pixel Keys",
      replyTo: null,
    });
    expect(await db.shop.findUniqueOrThrow({ where: { shop: OTHER } })).toMatchObject({
      lateAfterMinutes: 45,
      alertEmail: "other@other.example",
    });
  });

  it("rejects invalid options field by field and changes nothing", async () => {
    const res = await act({
      ...valid,
      lateAfterMinutes: "0",
      alertEmail: "not-an-email",
      senderName: "Evil\r\nBcc: x@y.z",
      replyTo: "also wrong",
    });
    expect(res.status).toBe(422);
    expect(Object.keys(res.data.errors ?? {}).sort()).toEqual([
      "alertEmail",
      "lateAfterMinutes",
      "replyTo",
      "senderName",
    ]);
    expect((await db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).lateAfterMinutes).toBe(30);
    expect((await act({ ...valid, lateAfterMinutes: "abc" })).status).toBe(422);
    expect((await act({ ...valid, lateAfterMinutes: "1441" })).status).toBe(422);
  });

  it("an unknown intent is refused", async () => {
    expect((await act({ intent: "drop_tables" })).status).toBe(400);
  });
});
