// Pure rules of the Erysta integration: what an answer means, how lenient parsing is, how keys are typed.
import { describe, expect, it } from "vitest";
import { isRetryable } from "~/errors.server";
import { mergeItems, parseRetryAfter } from "~/erysta/client.server";
import {
  ErystaAmbiguousError,
  ErystaAuthError,
  ErystaRateLimitedError,
  ErystaRejectedError,
  ErystaUnavailableError,
  errorFromInvalidBody,
  errorFromStatus,
  errorFromTransport,
  rejectionReason,
} from "~/erysta/errors";
import { balanceDataSchema, classifyKeyType, orderKeysDataSchema } from "~/erysta/schemas";

describe("what an Erysta refusal means", () => {
  it.each([
    [400, "Product 69ae is out of stock (requested 2, available 0)", "out_of_stock"],
    [409, "Insufficient stock", "out_of_stock"],
    [422, "SOLD OUT", "out_of_stock"],
    [400, "Insufficient balance", "insufficient_funds"],
    [400, "Not enough funds to complete the order", "insufficient_funds"],
    [402, "Payment Required", "insufficient_funds"],
    [400, "Order total exceeds your credit limit", "insufficient_funds"],
    [404, "Product 000 not found", "unknown_product"],
    [400, "Invalid product id", "unknown_product"],
    [404, "Not Found", "unknown_product"],
    [400, "items must be a non-empty array", "invalid_request"],
    [422, "Validation failed", "invalid_request"],
    [409, "Conflict", "other"],
  ] as const)("place-order %i %j → %s", (status, message, reason) => {
    expect(rejectionReason("placeOrder", status, message)).toBe(reason);
    const error = errorFromStatus({ operation: "placeOrder", status, message, referenceId: "r" });
    expect(error).toBeInstanceOf(ErystaRejectedError);
    expect(isRetryable(error)).toBe(false);
  });

  it("an unknown order id on getOrderKeys is order_not_found", () => {
    expect(rejectionReason("getOrderKeys", 404, "Not Found")).toBe("order_not_found");
  });

  it.each([
    [401, "Unauthorized", "invalid_key"],
    [401, "Your IP is not allowed", "ip_not_allowed"],
    [403, "Forbidden: IP address 1.2.3.4 is not whitelisted", "ip_not_allowed"],
    [403, "Access denied: address not on allow-list", "ip_not_allowed"],
    [403, "Forbidden", "forbidden"],
  ] as const)("%i %j is an auth error (%s), final", (status, message, reason) => {
    const error = errorFromStatus({ operation: "getBalance", status, message });
    expect(error).toBeInstanceOf(ErystaAuthError);
    expect((error as ErystaAuthError).reason).toBe(reason);
    expect(isRetryable(error)).toBe(false);
  });

  it("429 is rate limited with the given wait, for every operation (nothing was processed)", () => {
    for (const operation of ["getBalance", "placeOrder", "getOrderKeys"] as const) {
      const error = errorFromStatus({
        operation,
        status: 429,
        message: "Too Many Requests",
        retryAfterMs: 7_000,
        referenceId: "r",
      });
      expect(error).toBeInstanceOf(ErystaRateLimitedError);
      expect(error.retryAfterMs).toBe(7_000);
      expect(isRetryable(error)).toBe(true);
    }
  });

  it("5xx: retryable for reads, ambiguous for place-order", () => {
    expect(errorFromStatus({ operation: "getOrderKeys", status: 500 })).toBeInstanceOf(
      ErystaUnavailableError,
    );
    const ambiguous = errorFromStatus({
      operation: "placeOrder",
      status: 504,
      referenceId: "shop-9",
      traceId: "req-1",
    });
    expect(ambiguous).toBeInstanceOf(ErystaAmbiguousError);
    expect(ambiguous).toMatchObject({ referenceId: "shop-9", traceId: "req-1", retryable: false });
    expect(ambiguous.message).toContain("req-1");
  });

  it("below HTTP: only a place-order that provably never left is retryable", () => {
    const place = (
      sent: "no" | "yes" | "unknown",
      failure: "network" | "timeout" | "connect_timeout" = "network",
    ) => errorFromTransport({ operation: "placeOrder", failure, sent, referenceId: "r" });
    expect(place("no")).toBeInstanceOf(ErystaUnavailableError);
    expect(place("no", "connect_timeout")).toBeInstanceOf(ErystaUnavailableError);
    expect(place("yes")).toMatchObject({ ambiguity: "connection_lost" });
    expect(place("yes", "timeout")).toMatchObject({ ambiguity: "timeout" });
    expect(place("unknown")).toBeInstanceOf(ErystaAmbiguousError);
    expect(errorFromTransport({ operation: "getOrderKeys", failure: "timeout", sent: "yes" })).toBeInstanceOf(
      ErystaUnavailableError,
    );
  });

  it("an unreadable 2xx is retryable for reads, ambiguous for place-order", () => {
    expect(isRetryable(errorFromInvalidBody({ operation: "getOrderKeys", status: 200, detail: "x" }))).toBe(
      true,
    );
    expect(
      errorFromInvalidBody({ operation: "placeOrder", status: 200, detail: "x", referenceId: "r" }),
    ).toBeInstanceOf(ErystaAmbiguousError);
  });
});

describe("lenient parsing", () => {
  it("needs only id, status, product ids and key values; tolerates missing, null and odd optional fields", () => {
    const parsed = orderKeysDataSchema.parse({
      id: 12345,
      status: "SOMETHING_NEW",
      products: [
        { id: "p1", title: null, keys: null },
        {
          id: "p2",
          quantity: "two",
          keys: [
            { value: "AAAAA-BBBBB-CCCCC" },
            { value: "  " },
            { value: "data:image/png;base64,iVBOR", type: "QR" },
          ],
        },
      ],
      total_debit: "12.50",
      balance: "not an object",
    });
    expect(parsed).toEqual({
      id: "12345",
      status: "SOMETHING_NEW",
      products: [
        { id: "p1", keys: [] },
        {
          id: "p2",
          keys: [
            { value: "AAAAA-BBBBB-CCCCC", type: "text" },
            { value: "data:image/png;base64,iVBOR", type: "image", rawType: "QR" },
          ],
        },
      ],
      totalDebit: 12.5,
    });
  });

  it("refuses what we cannot work without", () => {
    expect(orderKeysDataSchema.safeParse({ status: "COMPLETED", products: [] }).success).toBe(false);
    expect(orderKeysDataSchema.safeParse({ id: "A", products: [] }).success).toBe(false);
    expect(
      orderKeysDataSchema.safeParse({ id: "A", status: "COMPLETED", products: [{ keys: [] }] }).success,
    ).toBe(false);
    expect(
      orderKeysDataSchema.safeParse({
        id: "A",
        status: "COMPLETED",
        products: [{ id: "p", keys: [{ type: "text" }] }],
      }).success,
    ).toBe(false);
  });

  it("balance: credit_limit defaults to 0, numeric strings are accepted", () => {
    expect(balanceDataSchema.parse({ balance: "-20.5" })).toEqual({
      balance: -20.5,
      creditLimit: 0,
      spendingPower: -20.5,
    });
    expect(balanceDataSchema.parse({ balance: 5000, credit_limit: 10000 })).toEqual({
      balance: 5000,
      creditLimit: 10000,
      spendingPower: 15000,
    });
  });

  it("keys are images by their data:image value, text otherwise (activation URLs too)", () => {
    expect(classifyKeyType("data:image/png;base64,AAAA")).toBe("image");
    expect(classifyKeyType("DATA:IMAGE/JPEG;base64,AAAA")).toBe("image");
    expect(classifyKeyType("https://example.com/activate?code=1")).toBe("text");
    expect(classifyKeyType("data:text/plain,hello")).toBe("text");
  });
});

describe("request shaping", () => {
  it("merges lines by product id and refuses empty or invalid orders", () => {
    expect(
      mergeItems([
        { id: "a", quantity: 1 },
        { id: "b", quantity: 2 },
        { id: "a", quantity: 3 },
      ]),
    ).toEqual([
      { id: "a", quantity: 4 },
      { id: "b", quantity: 2 },
    ]);
    expect(() => mergeItems([])).toThrow(ErystaRejectedError);
    expect(() => mergeItems([{ id: "a", quantity: -1 }])).toThrow(ErystaRejectedError);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfter("30")).toBe(30_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(parseRetryAfter(inTenSeconds)).toBeGreaterThan(8_000);
  });
});
