// The pure rules of fulfillment: state machine, poll schedule, line mapping, fulfillment plan, metafield.
import { describe, expect, it } from "vitest";
import { mapOrderLines, mergeByProduct } from "~/fulfillment/mapping";
import { delayAfterFailureMs, nextPollDelayMs } from "~/fulfillment/schedule";
import {
  metafieldSummary,
  METAFIELD_MAX_BYTES,
  planDigitalFulfillment,
} from "~/fulfillment/shopify-sync.server";
import { orderTagFor, transition } from "~/fulfillment/status";

const P1 = "69ae19b4397b2e44c02853f5";
const P2 = "69ae19b4397b2e44c02853f6";

describe("delivery state machine", () => {
  it("walks the happy path", () => {
    expect(transition("RECEIVED", "start_placing")).toBe("PLACING");
    expect(transition("PLACING", "placed")).toBe("WAITING");
    expect(transition("WAITING", "keys_arrived")).toBe("DELIVERING");
    expect(transition("DELIVERING", "customer_notified")).toBe("DELIVERED");
  });

  it("never lets a placement start twice without the merchant", () => {
    for (const from of [
      "PLACING",
      "WAITING",
      "DELIVERING",
      "DELIVERED",
      "NEEDS_REVIEW",
      "FAILED_TO_PLACE",
    ] as const) {
      expect(transition(from, "start_placing")).toBeNull();
    }
    expect(transition("NEEDS_REVIEW", "retry_placement")).toBe("RECEIVED");
    expect(transition("FAILED_TO_PLACE", "retry_placement")).toBe("RECEIVED");
    expect(transition("DELIVERED", "retry_placement")).toBeNull();
  });

  it("routes unknown outcomes to review and refusals to failed-to-place", () => {
    expect(transition("PLACING", "place_ambiguous")).toBe("NEEDS_REVIEW");
    expect(transition("PLACING", "place_rejected")).toBe("FAILED_TO_PLACE");
    expect(transition("PLACING", "place_postponed")).toBe("RECEIVED");
    expect(transition("WAITING", "gave_up")).toBe("NEEDS_REVIEW");
    expect(transition("WAITING", "erysta_failed")).toBe("FAILED");
    expect(transition("WAITING", "erysta_refunded")).toBe("REFUNDED");
  });

  it("tags the Shopify order by outcome", () => {
    expect(orderTagFor("DELIVERED")).toBe("erysta-delivered");
    expect(orderTagFor("PARTIALLY_DELIVERED")).toBe("erysta-partial");
    expect(orderTagFor("FAILED_TO_PLACE")).toBe("erysta-failed");
    expect(orderTagFor("NEEDS_REVIEW")).toBe("erysta-review");
    expect(orderTagFor("WAITING")).toBeNull();
  });
});

describe("poll schedule", () => {
  const schedule = {
    firstDelayMs: 1_000,
    backoffFactor: 1.6,
    maxIntervalMs: 30_000,
    slowAfterMs: 240_000,
    slowIntervalMs: 45_000,
  };
  /** Polls until the one that finds keys ready `readyAfterMs` after placement. */
  const pollsUntil = (readyAfterMs: number, s: typeof schedule) => {
    let waited = 0;
    let polls = 0;
    while (waited < readyAfterMs) waited += nextPollDelayMs(polls++, s, waited);
    return polls;
  };
  const fixed30s = { ...schedule, firstDelayMs: 30_000, backoffFactor: 1, slowIntervalMs: 30_000 };

  it("looks fast first, then backs off to Erysta's recommended 30 s", () => {
    const delays = Array.from({ length: 12 }, (_, i) => nextPollDelayMs(i, schedule));
    expect(delays[0]).toBe(1_000);
    expect(delays[1]).toBe(1_600);
    expect(delays.every((d, i) => i === 0 || d >= delays[i - 1]!)).toBe(true);
    expect(delays.at(-1)).toBe(30_000);
    expect(nextPollDelayMs(12, schedule, 239_999)).toBe(30_000);
    expect(nextPollDelayMs(12, schedule, 240_000)).toBe(45_000);
  });

  it("finds a fast order within a second or two, and a 15–20 minute one with no more calls than a 30 s poller", () => {
    expect(pollsUntil(1_000, schedule)).toBe(1);
    expect(pollsUntil(3_000, schedule)).toBe(3);
    for (let readyAfter = 15 * 60_000; readyAfter <= 20 * 60_000; readyAfter += 7_000)
      expect(pollsUntil(readyAfter, schedule)).toBeLessThanOrEqual(pollsUntil(readyAfter, fixed30s));
    // A minutes-long order keeps the 30 s rhythm (the slow one starts after 4 minutes).
    expect(pollsUntil(190_000, schedule) - pollsUntil(130_000, schedule)).toBe(2);
  });

  it("honours Retry-After when it is longer than the schedule", () => {
    expect(delayAfterFailureMs(0, schedule, 0, 7_000)).toBe(7_000);
    expect(delayAfterFailureMs(20, schedule, 60_000, 7_000)).toBe(30_000);
    expect(delayAfterFailureMs(20, schedule, 300_000, 7_000)).toBe(45_000);
  });
});

describe("order line mapping", () => {
  const lines = [
    {
      lineItemId: "1",
      variantGid: "gid://shopify/ProductVariant/11",
      sku: null,
      title: "Key A",
      quantity: 2,
    },
    {
      lineItemId: "2",
      variantGid: "gid://shopify/ProductVariant/22",
      sku: P2,
      title: "Key B by SKU",
      quantity: 1,
    },
    {
      lineItemId: "3",
      variantGid: "gid://shopify/ProductVariant/33",
      sku: "TSHIRT-M",
      title: "T-shirt",
      quantity: 1,
    },
    {
      lineItemId: "4",
      variantGid: "gid://shopify/ProductVariant/44",
      sku: null,
      title: "Key A again",
      quantity: 3,
    },
  ];
  const mappings = new Map([
    ["gid://shopify/ProductVariant/11", P1],
    ["gid://shopify/ProductVariant/44", P1],
  ]);

  it("maps by variant, and by SKU only when the shop enables it; physical lines are left alone", () => {
    expect(mapOrderLines(lines, mappings, { mapBySku: false }).map((l) => l.lineItemId)).toEqual(["1", "4"]);
    expect(
      mapOrderLines(lines, mappings, { mapBySku: true }).map((l) => [l.lineItemId, l.erystaProductId]),
    ).toEqual([
      ["1", P1],
      ["2", P2],
      ["4", P1],
    ]);
  });

  it("merges lines of the same Erysta product into one item", () => {
    expect(mergeByProduct(mapOrderLines(lines, mappings, { mapBySku: true }))).toEqual([
      { id: P1, quantity: 5 },
      { id: P2, quantity: 1 },
    ]);
  });
});

describe("digital fulfillment plan", () => {
  const order = {
    fulfillmentOrders: [
      {
        id: "gid://shopify/FulfillmentOrder/1",
        status: "OPEN" as const,
        supportedActions: ["CREATE_FULFILLMENT" as const],
        lineItems: [
          {
            id: "fol-digital",
            lineItemId: "gid://shopify/LineItem/1",
            remainingQuantity: 3,
            totalQuantity: 3,
          },
          { id: "fol-shirt", lineItemId: "gid://shopify/LineItem/3", remainingQuantity: 1, totalQuantity: 1 },
        ],
      },
    ],
  };

  it("fulfills exactly the delivered quantity of digital lines and never a physical line", () => {
    const plan = planDigitalFulfillment(order, [{ shopifyLineItemId: "1", deliveredQuantity: 2 }]);
    expect(plan).toEqual([
      {
        fulfillmentOrderId: "gid://shopify/FulfillmentOrder/1",
        fulfillmentOrderLineItems: [{ id: "fol-digital", quantity: 2 }],
      },
    ]);
  });

  it("plans nothing more once the delivered units are fulfilled (idempotent re-runs)", () => {
    const fulfilled = structuredClone(order);
    fulfilled.fulfillmentOrders[0]!.lineItems[0]!.remainingQuantity = 1;
    expect(planDigitalFulfillment(fulfilled, [{ shopifyLineItemId: "1", deliveredQuantity: 2 }])).toEqual([]);
  });

  it("skips fulfillment orders that do not allow fulfilling", () => {
    const held = structuredClone(order);
    held.fulfillmentOrders[0]!.supportedActions = [] as never[];
    expect(planDigitalFulfillment(held, [{ shopifyLineItemId: "1", deliveredQuantity: 3 }])).toEqual([]);
  });
});

describe("order metafield summary", () => {
  const line = { id: "l1", title: "Key A", quantity: 2, deliveredQuantity: 2, erystaProductId: P1 };
  const key = (i: number, type: "TEXT" | "IMAGE", value: string) => ({
    id: `k${i}`,
    lineId: "l1",
    erystaProductId: P1,
    productTitle: null,
    position: i,
    type,
    value,
  });
  const delivery = {
    status: "DELIVERED",
    erystaOrderId: "SE757MKE",
    keysStoredAt: new Date("2026-01-01T00:00:00Z"),
  };

  it("lists text keys and references image keys instead of embedding them", () => {
    const summary = metafieldSummary(
      delivery,
      [line],
      [key(0, "TEXT", "AAAAA-BBBBB"), key(1, "IMAGE", "data:image/png;base64,iVBOR")],
    );
    expect((summary.lines[0] as { keys?: unknown }).keys).toEqual([
      { type: "text", value: "AAAAA-BBBBB" },
      { type: "image", ref: "key:k1" },
    ]);
    expect(JSON.stringify(summary)).not.toContain("iVBOR");
  });

  it("stays within the size budget by dropping text values when there are too many keys", () => {
    const many = Array.from({ length: 3000 }, (_, i) => key(i, "TEXT", `KEY-${"X".repeat(30)}-${i}`));
    const summary = metafieldSummary(delivery, [{ ...line, quantity: 3000, deliveredQuantity: 3000 }], many);
    expect(Buffer.byteLength(JSON.stringify(summary))).toBeLessThanOrEqual(METAFIELD_MAX_BYTES);
    expect(summary).toHaveProperty("note");
  });
});
