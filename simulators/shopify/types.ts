// The simulator's control API: request and response shapes, shared by the server and the typed client.

export type WebhookTopic =
  | "orders/paid"
  | "orders/create"
  | "orders/updated"
  | "orders/fulfilled"
  | "orders/cancelled"
  | "app/uninstalled"
  | "customers/data_request"
  | "customers/redact"
  | "shop/redact"
  | (string & {});

export interface CreateShopInput {
  /** e.g. "erysta-demo.myshopify.com" */
  domain: string;
  accessToken: string;
  name?: string;
  email?: string;
  currencyCode?: string;
}

export interface ShopSnapshot {
  id: string;
  legacyId: number;
  domain: string;
  name: string;
  email: string;
  currencyCode: string;
  accessTokenRevoked: boolean;
}

export interface CreateVariantInput {
  title?: string;
  sku?: string | null;
  /** Decimal string or number, e.g. "19.99". */
  price: string | number;
  requiresShipping?: boolean;
}

export interface CreateProductInput {
  shop: string;
  title: string;
  imageUrl?: string | null;
  variants: CreateVariantInput[];
}

export interface VariantSnapshot {
  id: string;
  legacyId: number;
  productId: string;
  productTitle: string;
  title: string;
  sku: string | null;
  price: string;
  requiresShipping: boolean;
}

export interface ProductSnapshot {
  id: string;
  legacyId: number;
  title: string;
  imageUrl: string | null;
  variants: VariantSnapshot[];
}

export interface CreateOrderInput {
  shop: string;
  lines: { variantId: string | number; quantity: number }[];
  email?: string | null;
  customer?: { firstName?: string; lastName?: string; email?: string; phone?: string | null } | null;
  /** e.g. "en", "de", "fr-CA". Default "en". */
  customerLocale?: string | null;
  riskRecommendation?: "ACCEPT" | "CANCEL" | "INVESTIGATE" | "NONE";
  tags?: string[];
  /**
   * How lines are grouped in fulfillment orders: "single" (default, like one location fulfilling
   * everything: digital and physical lines share one fulfillment order), "by-shipping" (digital and
   * physical lines apart) or "per-line" (one fulfillment order per line, e.g. several locations).
   */
  fulfillmentOrderGrouping?: "single" | "by-shipping" | "per-line";
  /** Send orders/paid right away: true for the simulator's app URL and secret, or where/how to send it. */
  sendPaidWebhook?: boolean | SendWebhookTarget;
}

export interface SendWebhookTarget {
  /** Full URL; default `${appUrl}/webhooks/<topic>`. */
  url?: string;
  /** Signing secret; default the simulator's apiSecret. */
  secret?: string;
  /** Sign with a wrong secret (negative tests). */
  invalidSignature?: boolean;
}

export interface LineItemSnapshot {
  id: string;
  legacyId: number;
  variantId: string | null;
  productId: string | null;
  sku: string | null;
  title: string;
  quantity: number;
  price: string;
  requiresShipping: boolean;
  refundedQuantity: number;
}

export interface FulfillmentOrderSnapshot {
  id: string;
  status: string;
  supportedActions: string[];
  lineItems: { id: string; lineItemId: string; totalQuantity: number; remainingQuantity: number }[];
}

export interface FulfillmentSnapshot {
  id: string;
  status: string;
  notifyCustomer: boolean;
  createdAt: string;
  lineItems: { id: string; lineItemId: string; fulfillmentOrderLineItemId: string; quantity: number }[];
}

export interface RefundSnapshot {
  id: string;
  createdAt: string;
  note: string | null;
  idempotencyKey: string | null;
  total: string;
  lineItems: { lineItemId: string; quantity: number; restockType: string; subtotal: string }[];
  transactions: { id: string; kind: string; gateway: string; amount: string; parentId: string | null }[];
}

export interface MetafieldSnapshot {
  id: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
}

export interface OrderSnapshot {
  id: string;
  legacyId: number;
  shop: string;
  name: string;
  email: string | null;
  customerLocale: string | null;
  currencyCode: string;
  financialStatus: string;
  displayFulfillmentStatus: string;
  riskRecommendation: string;
  total: string;
  tags: string[];
  lineItems: LineItemSnapshot[];
  fulfillmentOrders: FulfillmentOrderSnapshot[];
  fulfillments: FulfillmentSnapshot[];
  refunds: RefundSnapshot[];
  metafields: MetafieldSnapshot[];
  statusPageUrl: string;
}

export interface SendWebhookInput extends SendWebhookTarget {
  shop: string;
  topic: WebhookTopic;
  /** For orders/* topics: the order whose REST JSON is the payload. */
  orderId?: string | number;
  /** For customers/* topics: the customer (default: the customer of the shop's latest order). */
  customerEmail?: string;
  /** Send exactly this payload instead of the realistic one the simulator builds. */
  payload?: unknown;
  /** Reuse ids (default: fresh ones). */
  webhookId?: string;
  eventId?: string;
}

export interface WebhookDelivery {
  status: number;
  ok: boolean;
  durationMs: number;
  body?: string;
  error?: string;
}

export interface SentWebhook {
  webhookId: string;
  eventId: string;
  topic: string;
  shop: string;
  url: string;
  apiVersion: string;
  triggeredAt: string;
  /** The exact bytes signed and sent. */
  body: string;
  headers: Record<string, string>;
  deliveries: WebhookDelivery[];
}

export interface RedeliverWebhookInput {
  webhookId: string;
  /** How many more deliveries. Default 1. */
  times?: number;
  /** Send them all at once (default true), like Shopify's overlapping retries. */
  concurrent?: boolean;
}

export interface ThrottleInput {
  /** Answer the next N GraphQL requests with THROTTLED (without touching the real bucket). */
  throttleNext?: number;
  /** currentlyAvailable reported by those forced THROTTLED answers (default 0). */
  reportedAvailable?: number;
  /** Set the bucket of `shop` (or every shop) to this many points now. */
  currentlyAvailable?: number;
  shop?: string;
  maximumAvailable?: number;
  restoreRate?: number;
}

export interface ThrottleState {
  throttleNext: number;
  reportedAvailable: number;
  maximumAvailable: number;
  restoreRate: number;
  buckets: Record<string, number>;
}

export interface FailNextInput {
  /** HTTP status to answer with, e.g. 500, 502, 503, 429. */
  status: number;
  /** How many requests. Default 1. */
  requests?: number;
  /** Retry-After header (seconds) for 429/503. */
  retryAfterSeconds?: number;
}

export interface RequestLogEntry {
  seq: number;
  at: string;
  shop: string | null;
  httpStatus: number;
  operationName: string | null;
  operationType: string | null;
  rootFields: string[];
  /** false when the document failed parsing or validation against the real schema. */
  valid: boolean;
  throttled: boolean;
  requestedQueryCost: number | null;
  actualQueryCost: number | null;
  errors: string[];
  variables: Record<string, unknown> | null;
  idempotencyKey: string | null;
}
