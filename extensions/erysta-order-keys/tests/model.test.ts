// The extension's decisions: what each answer shows, and when it asks again.
import { describe, expect, it } from "vitest";
import type { OrderKeysResponse } from "../../../app/customer/order-keys-contract";
import { readAnswer } from "../src/api";
import {
  MAX_FAILURES,
  NOT_FOUND_GIVE_UP_MS,
  STOP_REFRESHING_AFTER_MS,
  nextRefreshMs,
  viewOf,
  type PollState,
} from "../src/model";

const product = {
  title: "Space Game",
  ordered: 1,
  missing: 0,
  keys: [{ id: "k1", type: "text" as const, value: "AAAA" }],
};
const answer = (partial: Partial<OrderKeysResponse>): OrderKeysResponse => ({
  status: "pending",
  access: "granted",
  products: [],
  ...partial,
});
const state = (a: Partial<OrderKeysResponse> | undefined, failures = 0): PollState => ({
  answer: a ? answer(a) : undefined,
  failures,
});
const view = (s: PollState, canLogIn = false) => viewOf(s, { canLogIn });

describe("what the block shows", () => {
  it("stays empty before the first answer, and for orders without keys to deliver", () => {
    expect(view(state(undefined)).visible).toBe(false);
    expect(view(state(undefined, 5)).visible).toBe(false);
    expect(view(state({ status: "not_found", access: "denied" })).visible).toBe(false);
    expect(view(state({ status: "not_digital", access: "denied" })).visible).toBe(false);
  });

  it("says the keys are on the way with the usual wait, and that they are late after 20 minutes", () => {
    expect(view(state({ status: "pending", waitingSeconds: 30 }))).toMatchObject({
      visible: true,
      message: "pending",
      tone: "info",
      waiting: true,
    });
    expect(view(state({ status: "pending", waitingSeconds: 21 * 60 })).message).toBe("late");
  });

  it("shows the keys once delivered, and what is missing of a partial delivery", () => {
    expect(view(state({ status: "delivered", products: [product] }))).toMatchObject({
      message: "delivered",
      tone: "success",
      waiting: false,
      products: [product],
    });
    const missing = { title: "Racing Game", ordered: 2, missing: 2, keys: [] };
    const partial = view(state({ status: "partial", products: [product, missing] }));
    expect(partial).toMatchObject({ message: "partial", tone: "warning" });
    expect(partial.products).toEqual([product, missing]);
  });

  it("gives failed and refunded orders an honest message", () => {
    expect(view(state({ status: "failed" }))).toMatchObject({
      message: "failed",
      tone: "critical",
      waiting: false,
    });
    expect(view(state({ status: "refunded" }))).toMatchObject({ message: "refunded", tone: "warning" });
    expect(view(state({ status: "delayed" }))).toMatchObject({ message: "delayed", tone: "warning" });
  });

  it("without access shows no keys, says they went by email, and offers a login where there is one", () => {
    const denied = state({ status: "delivered", access: "denied", products: [product] });
    expect(view(denied)).toMatchObject({ message: "emailed", products: [], offerLogin: false });
    expect(view(denied, true).offerLogin).toBe(true);
    expect(view(state({ status: "pending", access: "denied" }), true)).toMatchObject({
      message: "pending",
      offerLogin: false,
    });
  });

  it("keeps the last known state when requests start failing, and says so after a few", () => {
    const shown = view(state({ status: "pending" }, 1));
    expect(shown).toMatchObject({ visible: true, message: "pending", unreachable: false });
    expect(view(state({ status: "pending" }, 3)).unreachable).toBe(true);
  });
});

describe("when it asks again", () => {
  const pending = (waitingSeconds: number) => state({ status: "pending", waitingSeconds });

  it("asks fast in the first minute, slower up to the 20 minutes some products take, then each minute", () => {
    expect(nextRefreshMs(pending(5), 5_000)).toBe(2_000);
    expect(nextRefreshMs(pending(120), 5_000)).toBe(5_000);
    expect(nextRefreshMs(pending(15 * 60), 5_000)).toBe(15_000);
    expect(nextRefreshMs(pending(40 * 60), 5_000)).toBe(60_000);
    expect(nextRefreshMs(state({ status: "delayed" }), 5_000)).toBe(60_000);
  });

  it("stops at a final answer", () => {
    for (const status of ["delivered", "partial", "failed", "refunded", "not_digital"] as const)
      expect(nextRefreshMs(state({ status }), 1_000), status).toBeNull();
  });

  it("waits a few minutes for an order Shopify has not told the app about yet, then gives up", () => {
    const notFound = state({ status: "not_found", access: "denied" });
    expect(nextRefreshMs(notFound, 1_000)).toBe(2_000);
    expect(nextRefreshMs(notFound, 60_000)).toBe(5_000);
    expect(nextRefreshMs(notFound, NOT_FOUND_GIVE_UP_MS)).toBeNull();
  });

  it("backs off on failures and gives up after a few; never refreshes for hours", () => {
    expect([1, 2, 3, 4, 5].map((f) => nextRefreshMs(state({ status: "pending" }, f), 1_000))).toEqual([
      5_000, 10_000, 20_000, 40_000, 60_000,
    ]);
    expect(nextRefreshMs(state({ status: "pending" }, MAX_FAILURES), 1_000)).toBeNull();
    expect(nextRefreshMs(pending(5), STOP_REFRESHING_AFTER_MS)).toBeNull();
  });
});

describe("reading the backend's answer", () => {
  it("accepts the contract and refuses anything that could be mistaken for keys", () => {
    const good = answer({ status: "delivered", products: [product] });
    expect(readAnswer(JSON.parse(JSON.stringify(good)))).toEqual(good);
    expect(readAnswer(null)).toBeNull();
    expect(readAnswer({ ...good, status: "shipped" })).toBeNull();
    expect(readAnswer({ ...good, access: "maybe" })).toBeNull();
    expect(readAnswer({ ...good, products: [{ ...product, keys: [{ id: "k", type: "text" }] }] })).toBeNull();
    expect(
      readAnswer({ ...good, products: [{ ...product, keys: [{ id: "k", type: "image", value: "x" }] }] }),
    ).toBeNull();
  });
});
