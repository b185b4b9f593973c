import { describe, expect, it } from "vitest";
import {
  checkoutTokenDigest,
  orderNumericId,
  proveBuyer,
  tokenCustomerId,
} from "~/customer/buyer-proof.server";
import { customerStatusOf } from "~/customer/status";

describe("buyer proof", () => {
  const delivery = { customerId: "77", checkoutTokenHash: checkoutTokenDigest("tok-123") };

  it("accepts the order's customer from the token, or the order's checkout token, nothing else", () => {
    expect(proveBuyer(delivery, "gid://shopify/Customer/77", null)).toBe("customer");
    expect(proveBuyer(delivery, undefined, "tok-123")).toBe("checkout_token");
    expect(proveBuyer(delivery, "gid://shopify/Customer/78", "tok-124")).toBeNull();
    expect(proveBuyer(delivery, undefined, "")).toBeNull();
    expect(proveBuyer(delivery, undefined, undefined)).toBeNull();
    // A guest order (no customer) is never opened by some customer's token.
    expect(
      proveBuyer({ customerId: null, checkoutTokenHash: null }, "gid://shopify/Customer/77", "x"),
    ).toBeNull();
  });

  it("does not take an admin token's numeric user id, or another gid type, for a customer", () => {
    expect(tokenCustomerId("77")).toBeNull();
    expect(tokenCustomerId("gid://shopify/StaffMember/77")).toBeNull();
    expect(tokenCustomerId("gid://shopify/Customer/77")).toBe("77");
    expect(proveBuyer(delivery, "77", null)).toBeNull();
  });

  it("reads the order id the Thank you page (OrderIdentity) and the Order status page (Order) know", () => {
    expect(orderNumericId("gid://shopify/Order/1001")).toBe("1001");
    expect(orderNumericId("gid://shopify/OrderIdentity/1001")).toBe("1001");
    expect(orderNumericId(" 1001 ")).toBe("1001");
    expect(orderNumericId("gid://shopify/Product/1001")).toBeNull();
    expect(orderNumericId("1001; DROP TABLE")).toBeNull();
    expect(orderNumericId("")).toBeNull();
  });

  it("stores a digest, never the checkout token itself", () => {
    const digest = checkoutTokenDigest("tok-123");
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).not.toContain("tok-123");
    expect(checkoutTokenDigest(" tok-123 ")).toBe(digest);
  });
});

describe("what the customer is told", () => {
  it("maps every delivery state to an honest customer status", () => {
    expect(
      Object.fromEntries(
        (
          [
            "RECEIVED",
            "PLACING",
            "WAITING",
            "DELIVERING",
            "DELIVERED",
            "PARTIALLY_DELIVERED",
            "FAILED_TO_PLACE",
            "FAILED",
            "REFUNDED",
            "NEEDS_REVIEW",
            "ON_HOLD",
            "SKIPPED",
          ] as const
        ).map((s) => [s, customerStatusOf(s)]),
      ),
    ).toEqual({
      RECEIVED: "pending",
      PLACING: "pending",
      WAITING: "pending",
      DELIVERING: "delivered",
      DELIVERED: "delivered",
      PARTIALLY_DELIVERED: "partial",
      FAILED_TO_PLACE: "failed",
      FAILED: "failed",
      REFUNDED: "refunded",
      NEEDS_REVIEW: "delayed",
      ON_HOLD: "delayed",
      SKIPPED: "not_digital",
    });
  });

  it("shows keys as soon as they are stored, before the email went out", () => {
    const line = (quantity: number, deliveredQuantity: number) => ({ quantity, deliveredQuantity });
    expect(customerStatusOf("DELIVERING", [line(2, 2), line(1, 1)])).toBe("delivered");
    expect(customerStatusOf("DELIVERING", [line(2, 2), line(1, 0)])).toBe("partial");
  });
});
