// Inputs of the default templates: plain data, no Prisma or delivery-domain types.
export type { RenderedEmail, EmailAttachment } from "../types";

export interface KeyForEmail {
  type: "text" | "image";
  /** The key text, or for images `data:image/png;base64,...` (bare base64 PNG is accepted too). */
  value: string;
}

export interface ProductForEmail {
  title: string;
  quantityOrdered: number;
  keys: KeyForEmail[];
  /** Keys of this product not delivered (yet). */
  missingCount?: number;
}

export interface KeysEmailInput {
  /** The customer's locale, e.g. "en", "de-DE". Unknown languages fall back to English. */
  locale?: string | null;
  shopName: string;
  orderName: string;
  customerFirstName?: string | null;
  orderStatusUrl?: string | null;
  products: ProductForEmail[];
  /** Some keys are still missing: the email says which, and that the shop will follow up. */
  partial?: boolean;
  /** Shown as the address for questions (the message's Reply-To is set by the sender). */
  replyTo?: string | null;
}

export interface OnTheWayEmailInput {
  locale?: string | null;
  shopName: string;
  orderName: string;
  customerFirstName?: string | null;
  orderStatusUrl?: string | null;
  replyTo?: string | null;
}

export const ALERT_KINDS = [
  "failed_to_place",
  "needs_review",
  "late",
  "partial",
  "failed",
  "refunded",
  "unknown_status",
  "on_hold",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Causes with specific advice; inferred from `reason` when not given. */
export type AlertReasonCode =
  "insufficient_funds" | "out_of_stock" | "invalid_api_key" | "product_unavailable";

export interface MerchantAlertEmailInput {
  /** The merchant's locale (Shopify's shop or staff locale); English by default. */
  locale?: string | null;
  shopName: string;
  orderName: string;
  adminOrderUrl?: string | null;
  kind: AlertKind;
  reason: string;
  reasonCode?: AlertReasonCode;
  erystaOrderId?: string | null;
  traceId?: string | null;
  referenceId?: string | null;
}
