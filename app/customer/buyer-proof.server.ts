// Who may see an order's keys. The extension's session token is signed by Shopify with the app secret,
// so its shop (`dest`) and customer (`sub`) are facts; the order id the extension sends is not: any
// buyer of the shop can get a valid token for the shop and send someone else's order id (order ids are
// sequential, so guessable). An order id alone therefore never unlocks keys. One of two proofs must
// hold, both tied to that one order:
//
// 1. customer: the token's `sub` (gid://shopify/Customer/<id>) is the order's customer. Customer
//    account pages always carry it; the Thank you page carries it when the buyer is logged in.
// 2. checkout token: the request carries the order's checkout token, which the Thank you and Order
//    status pages expose to the extension (`shopify.checkoutToken`) and Shopify sends us in the
//    orders/paid payload (`checkout_token`). It is a random 128-bit value known to the buyer's browser,
//    Shopify and the shop's apps, never to another buyer. We keep only its SHA-256
//    (Delivery.checkoutTokenHash), so a database leak does not hand out proofs. This covers guest
//    checkouts, where the token names no customer.
//
// Neither proof → the route answers with the delivery status only, without keys or product names; on
// the Order status page the extension then offers the buyer to log in (`shopify.requireLogin()`).
// Considered and rejected: an HMAC(shop, order id, secret) access token handed to the page, since the
// Thank you page has no channel to receive it other than the order id itself; and trusting the order id
// when the token has no `sub`, which is the hole described above.
import { createHash, timingSafeEqual } from "node:crypto";

export type BuyerProof = "customer" | "checkout_token";

/** The stored form of a checkout token. */
export function checkoutTokenDigest(token: string): string {
  return createHash("sha256").update(`erysta:checkout-token:${token.trim()}`, "utf8").digest("hex");
}

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/;

/**
 * The customer a session token names: only the gid form counts ("gid://shopify/Customer/77" → "77").
 * A bare number is refused on purpose: admin session tokens, signed with the same secret, carry the
 * staff user's numeric id in `sub`.
 */
export function tokenCustomerId(sub: unknown): string | null {
  if (typeof sub !== "string") return null;
  const match = GID.exec(sub);
  return match?.[1] === "Customer" ? match[2]! : null;
}

/** The order's customer as stored from orders/paid (the REST numeric id, or a gid). */
function storedCustomerId(value: string | null): string | null {
  if (!value) return null;
  return /^\d+$/.test(value) ? value : tokenCustomerId(value);
}

/**
 * The numeric Shopify order id in what a page knows: `gid://shopify/Order/123` (Order status, Admin)
 * or `gid://shopify/OrderIdentity/123` (Thank you page), or the bare number. Anything else → null.
 */
export function orderNumericId(value: string): string | null {
  const trimmed = value.trim();
  if (/^\d{1,20}$/.test(trimmed)) return trimmed;
  const match = GID.exec(trimmed);
  if (!match || (match[1] !== "Order" && match[1] !== "OrderIdentity")) return null;
  return match[2]!.length <= 20 ? match[2]! : null;
}

export function proveBuyer(
  delivery: { customerId: string | null; checkoutTokenHash: string | null },
  tokenSubject: unknown,
  checkoutToken: string | null | undefined,
): BuyerProof | null {
  const customer = tokenCustomerId(tokenSubject);
  const orderCustomer = storedCustomerId(delivery.customerId);
  if (customer && orderCustomer && customer === orderCustomer) return "customer";

  if (checkoutToken && checkoutToken.trim() && delivery.checkoutTokenHash) {
    const given = Buffer.from(checkoutTokenDigest(checkoutToken), "hex");
    const stored = Buffer.from(delivery.checkoutTokenHash, "hex");
    if (given.length === stored.length && timingSafeEqual(given, stored)) return "checkout_token";
  }
  return null;
}
