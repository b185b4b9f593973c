// The simulator itself, spoken to with plain fetch: it must look like Erysta's documented API and keep
// its own books straight, or every other test proves nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PRODUCTS as P, startErystaSimulator, type ErystaSimulator } from "../../simulators/erysta";
import { START_TIME } from "./support";

let now = START_TIME;
let sim: ErystaSimulator;
const KEY = "sim-key";

beforeAll(async () => {
  sim = await startErystaSimulator({
    accounts: [
      { apiKey: KEY, balance: 100, creditLimit: 50 },
      { apiKey: "blocked-ip", ipAllowListed: false },
    ],
    now: () => now,
    controlToken: "ctl",
  });
});
afterAll(() => sim.close());

const api = (path: string, init: RequestInit & { key?: string } = {}) =>
  fetch(`${sim.url}${path}`, {
    ...init,
    headers: {
      ...(init.key === undefined ? { "x-api-key": KEY } : init.key ? { "x-api-key": init.key } : {}),
      "content-type": "application/json",
    },
  });
const place = (body: unknown) => api("/place-order", { method: "POST", body: JSON.stringify(body) });

describe("Erysta simulator", () => {
  it("answers in the documented success envelope with rate-limit headers", async () => {
    await sim.control.reset();
    const response = await api("/balance");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-ratelimit")).toBe("100");
    expect(response.headers.get("x-ratelimit-remaining")).toBe("99");
    expect(Number(response.headers.get("x-ratelimit-reset"))).toBe(START_TIME / 1000 + 60);
    expect(await response.json()).toEqual({
      status: 200,
      success: true,
      details: {
        data: { balance: 100, credit_limit: 50 },
        extensions: {
          cache: "no-store",
          trace_id: expect.stringMatching(/^req-[0-9a-f]{8}$/),
          timestamp: new Date(START_TIME).toISOString(),
        },
      },
    });
  });

  it("refuses unknown keys (401) and keys from a non-allow-listed IP (403) in the error envelope", async () => {
    const unknown = await api("/balance", { key: "wrong" });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({
      status: 401,
      success: false,
      error: { message: expect.any(String), timestamp: expect.any(String) },
    });
    const missing = await api("/balance", { key: "" });
    expect(missing.status).toBe(401);
    const blocked = await api("/balance", { key: "blocked-ip" });
    expect(blocked.status).toBe(403);
    expect((await blocked.json()).error.message).toMatch(/IP address .* not whitelisted/);
  });

  it("limits calls per key per fixed window with 429, Retry-After and a reset, and counts windows in its call log", async () => {
    await sim.control.reset();
    await sim.control.configure({ rateLimit: { limit: 4 } });
    now = START_TIME + 50_000;
    for (let i = 0; i < 4; i++) expect((await api("/balance")).status).toBe(200);
    const limited = await api("/balance");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("10");
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(await limited.json()).toMatchObject({
      status: 429,
      success: false,
      error: { message: "Too Many Requests" },
    });
    now = START_TIME + 60_000;
    expect((await api("/balance")).status).toBe(200);
    const report = await sim.control.calls({ apiKey: KEY });
    expect(report.perWindow.map((w) => w.count)).toEqual([5, 1]);
    expect(report.calls.map((c) => c.counted)).toEqual([true, true, true, true, false, true]);
    now = START_TIME;
  });

  it("places orders atomically: any refusal reserves and charges nothing", async () => {
    await sim.control.reset();
    const stock = async (id: string) => (await sim.control.state()).products.find((p) => p.id === id)!.stock;
    const before = await stock(P.textInstant);

    const outOfStock = await place({
      items: [
        { id: P.textInstant, quantity: 1 },
        { id: P.outOfStock, quantity: 1 },
      ],
      reference_id: "A",
    });
    expect(outOfStock.status).toBe(400);
    expect((await outOfStock.json()).error.message).toMatch(/out of stock/);

    // 3 × 59.90 = 179.70 > 100 + 50
    const tooExpensive = await place({
      items: [
        { id: P.textInstant, quantity: 1 },
        { id: P.slow20min, quantity: 3 },
      ],
      reference_id: "B",
    });
    expect(tooExpensive.status).toBe(400);
    expect((await tooExpensive.json()).error.message).toMatch(/Insufficient balance/);

    const duplicate = await place({
      items: [
        { id: P.textInstant, quantity: 1 },
        { id: P.textInstant, quantity: 1 },
      ],
    });
    expect(duplicate.status).toBe(400);
    expect((await duplicate.json()).error.message).toMatch(/Duplicate product/);

    expect((await place({ items: [] })).status).toBe(400);
    expect((await place({ items: [{ id: P.textInstant, quantity: 1.5 }] })).status).toBe(400);
    expect((await place({ items: [{ id: "ffffffffffffffffffffffff", quantity: 1 }] })).status).toBe(404);

    expect(await stock(P.textInstant)).toBe(before);
    expect(await sim.control.orders()).toEqual([]);
    expect(await sim.control.ledger()).toEqual([]);
    expect((await sim.control.account(KEY))!.balance).toBe(100);
  });

  it("uses the credit limit, records every accepted order in the ledger, and accepts a repeated reference_id as a new order", async () => {
    await sim.control.reset();
    // 2 × 59.90 = 119.80 ≤ 100 + 50: the balance goes negative.
    const first = await place({ items: [{ id: P.slow20min, quantity: 2 }], reference_id: "R-1" });
    expect(first.status).toBe(200);
    const { details } = await first.json();
    expect(details.data).toEqual({ id: expect.stringMatching(/^[A-Z0-9]{8}$/) });
    expect((await sim.control.account(KEY))!.balance).toBeCloseTo(-19.8, 2);

    const again = await place({ items: [{ id: P.textInstant, quantity: 1 }], reference_id: "R-1" });
    expect(again.status).toBe(200);
    const orders = await sim.control.orders({ referenceId: "R-1" });
    expect(orders).toHaveLength(2);
    expect((await sim.control.ledger({ referenceId: "R-1" })).map((e) => e.amount)).toEqual([-119.8, -1.5]);
  });

  it("computes statuses from time: keys missing while PENDING, empty while PROCESSING", async () => {
    await sim.control.reset();
    const placed = await (await place({ items: [{ id: P.textSeconds, quantity: 1 }] })).json();
    const orderId = placed.details.data.id as string;
    const keys = async () => (await (await api(`/orders/${orderId}/keys`)).json()).details.data;
    expect((await keys()).status).toBe("PENDING");
    expect((await keys()).products[0].keys).toBeUndefined();
    await sim.control.advanceTime(1_000);
    expect((await keys()).status).toBe("PROCESSING");
    expect((await keys()).products[0].keys).toEqual([]);
    await sim.control.advanceTime(2_000);
    const done = await keys();
    expect(done).toMatchObject({
      id: orderId,
      status: "COMPLETED",
      total_debit: 19.2,
      balance: { balance: 80.8, credit_limit: 50 },
    });
    expect(done.products[0]).toMatchObject({
      id: P.textSeconds,
      title: "Steam Wallet Code 20 EUR",
      quantity: 1,
      keys: [{ type: "text" }],
    });
  });

  it("does not show one account's orders to another", async () => {
    await sim.control.setAccount({ apiKey: "other" });
    const placed = await (await place({ items: [{ id: P.textInstant, quantity: 1 }] })).json();
    expect((await api(`/orders/${placed.details.data.id}/keys`, { key: "other" })).status).toBe(404);
  });

  it("answers 404 for unknown paths and 405 for wrong methods", async () => {
    expect((await api("/catalog")).status).toBe(404);
    expect((await api("/place-order")).status).toBe(405);
  });

  it("protects the control API with its token", async () => {
    expect((await fetch(`${sim.origin}/_control/state`)).status).toBe(401);
    expect(
      (await fetch(`${sim.origin}/_control/state`, { headers: { "x-control-token": "ctl" } })).status,
    ).toBe(200);
  });

  it("lets faults run out after `times` uses", async () => {
    await sim.control.addFault({ kind: "status", status: 500, endpoint: "balance", times: 2 });
    expect((await api("/balance")).status).toBe(500);
    expect((await api("/balance")).status).toBe(500);
    expect((await api("/balance")).status).toBe(200);
    expect((await sim.control.faults())[0]).toMatchObject({ hits: 2, remaining: 0 });
  });
});
