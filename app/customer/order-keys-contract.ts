// The contract between the customer UI extension (extensions/erysta-order-keys) and
// POST /api/customer/order-keys. Plain types and constants only: the extension bundles this file too,
// so it must not import anything.

export const ORDER_KEYS_PATH = "/api/customer/order-keys";

/** Where the extension runs: the checkout Thank you page or the customer account Order status page. */
export type CustomerSurface = "checkout" | "customer-account";
export const CUSTOMER_SURFACES: readonly CustomerSurface[] = ["checkout", "customer-account"];

export interface OrderKeysRequest {
  /** The order's gid as the page knows it (gid://shopify/Order/123 or gid://shopify/OrderIdentity/123). */
  orderId: string;
  /** The page's checkout token; proves the buyer when the session token names no customer. */
  checkoutToken?: string | null;
}

/**
 * What the customer may be told about the order's delivery.
 * - `not_found`: no delivery (yet): the orders/paid webhook may not have arrived, or the order has no
 *   Erysta products. The extension stays hidden and asks again for a short while.
 * - `not_digital`: the order has no Erysta products; nothing to show.
 * - `pending`: being placed or waiting for Erysta.
 * - `delayed`: the shop has to look at it (needs review, on hold) before keys can follow.
 * - `delivered` / `partial`: keys are stored (partial: some are missing).
 * - `failed` / `refunded`: no keys will come from this order without the shop's help.
 */
export type CustomerDeliveryStatus =
  "not_found" | "not_digital" | "pending" | "delayed" | "delivered" | "partial" | "failed" | "refunded";

/**
 * `granted`: the requester proved to be the buyer; `products` carries the keys.
 * `denied`: only the status is returned (the page may offer the buyer to log in).
 */
export type KeysAccess = "granted" | "denied";

export type CustomerKey =
  | { id: string; type: "text"; value: string }
  /** A short-lived signed URL of the image (QR code, voucher), served by /api/customer/key-image. */
  | { id: string; type: "image"; url: string };

export interface CustomerProductKeys {
  title: string;
  ordered: number;
  keys: CustomerKey[];
  /** Keys of this product not delivered (yet). */
  missing: number;
}

export interface OrderKeysResponse {
  status: CustomerDeliveryStatus;
  access: KeysAccess;
  /** While pending or delayed: seconds since the order was received (drives "taking longer" and polling). */
  waitingSeconds?: number;
  /** Only with access granted. */
  orderName?: string;
  /** Only with access granted; empty otherwise. */
  products: CustomerProductKeys[];
}

export interface OrderKeysError {
  error: "unauthorized" | "bad_request" | "method_not_allowed";
  message?: string;
}
