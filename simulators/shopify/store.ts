// The simulator's in-memory shops, catalogue and orders, and the business rules of the mutations the app
// uses (fulfillment orders, fulfillments, refunds with idempotency keys, metafields, tags). Plain data and
// synchronous methods: each GraphQL request runs to completion without interleaving.
import { createHash, randomBytes } from "node:crypto";
import type {
  CreateOrderInput,
  CreateProductInput,
  CreateShopInput,
  FulfillmentOrderSnapshot,
  OrderSnapshot,
  ProductSnapshot,
  ShopSnapshot,
  VariantSnapshot,
} from "./types";

export type GidType =
  | "Shop"
  | "Product"
  | "ProductVariant"
  | "InventoryItem"
  | "MediaImage"
  | "Order"
  | "LineItem"
  | "Customer"
  | "FulfillmentOrder"
  | "FulfillmentOrderLineItem"
  | "Fulfillment"
  | "FulfillmentLineItem"
  | "Refund"
  | "RefundLineItem"
  | "OrderTransaction"
  | "Metafield";

export function gid(type: GidType, id: number): string {
  return `gid://shopify/${type}/${id}`;
}

/** The numeric id of a GID of `type` (or of a bare number/numeric string); undefined otherwise. */
export function parseGid(value: unknown, type: GidType): number | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  if (typeof value !== "string") return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(\?.*)?$/.exec(value);
  if (!match || match[1] !== type) return undefined;
  return Number(match[2]);
}

export function gidType(value: string): string | undefined {
  return /^gid:\/\/shopify\/([A-Za-z]+)\/\d+/.exec(value)?.[1];
}

/** Cents → "19.99". */
export function money(cents: number): string {
  return (cents / 100).toFixed(2);
}

export function parseMoney(value: string | number): number {
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`Invalid amount: ${JSON.stringify(value)}`);
  return Math.round(n * 100);
}

export interface SimShop {
  id: number;
  domain: string;
  accessToken: string;
  revoked: boolean;
  name: string;
  email: string;
  currencyCode: string;
  createdAt: string;
  nextOrderNumber: number;
}

export interface SimProduct {
  id: number;
  shop: string;
  title: string;
  imageUrl: string | null;
  mediaId: number | null;
  variantIds: number[];
  createdAt: string;
}

export interface SimVariant {
  id: number;
  shop: string;
  productId: number;
  inventoryItemId: number;
  title: string;
  sku: string | null;
  priceCents: number;
  requiresShipping: boolean;
  createdAt: string;
}

export interface SimCustomer {
  id: number;
  shop: string;
  email: string | null;
  firstName: string;
  lastName: string;
  phone: string | null;
  locale: string;
}

export interface SimLineItem {
  id: number;
  variantId: number | null;
  productId: number | null;
  sku: string | null;
  title: string;
  variantTitle: string | null;
  quantity: number;
  priceCents: number;
  requiresShipping: boolean;
}

export interface SimFulfillmentOrderLine {
  id: number;
  lineItemId: number;
  totalQuantity: number;
  remainingQuantity: number;
}

export interface SimFulfillmentOrder {
  id: number;
  orderId: number;
  status: "OPEN" | "IN_PROGRESS" | "CLOSED" | "CANCELLED" | "ON_HOLD";
  lines: SimFulfillmentOrderLine[];
  createdAt: string;
  updatedAt: string;
}

export interface SimFulfillment {
  id: number;
  orderId: number;
  status: "SUCCESS";
  notifyCustomer: boolean;
  createdAt: string;
  fulfillmentOrderIds: number[];
  lines: { id: number; lineItemId: number; fulfillmentOrderLineItemId: number; quantity: number }[];
}

export interface SimTransaction {
  id: number;
  kind: "SALE" | "REFUND";
  gateway: string;
  amountCents: number;
  parentId: number | null;
  createdAt: string;
}

export interface SimRefund {
  id: number;
  orderId: number;
  createdAt: string;
  note: string | null;
  idempotencyKey: string | null;
  lines: { id: number; lineItemId: number; quantity: number; restockType: string; subtotalCents: number }[];
  transactionIds: number[];
  totalCents: number;
}

export interface SimMetafield {
  id: number;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

export interface SimOrder {
  id: number;
  shop: string;
  number: number;
  name: string;
  token: string;
  email: string | null;
  customerId: number | null;
  customerLocale: string | null;
  currencyCode: string;
  riskRecommendation: "ACCEPT" | "CANCEL" | "INVESTIGATE" | "NONE";
  tags: string[];
  createdAt: string;
  updatedAt: string;
  lineItems: SimLineItem[];
  fulfillmentOrderIds: number[];
  fulfillments: SimFulfillment[];
  refunds: SimRefund[];
  transactions: SimTransaction[];
  metafields: SimMetafield[];
}

export interface UserErrorData {
  field: string[] | null;
  message: string;
  code?: string | null;
  elementIndex?: number | null;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; userErrors: UserErrorData[] };

const MAX_TAG_LENGTH = 40;

export class SimStore {
  readonly shops = new Map<string, SimShop>();
  readonly products = new Map<number, SimProduct>();
  readonly variants = new Map<number, SimVariant>();
  readonly customers = new Map<number, SimCustomer>();
  readonly orders = new Map<number, SimOrder>();
  readonly fulfillmentOrders = new Map<number, SimFulfillmentOrder>();
  /** "<shop> <key>" → the refund created with that idempotency key and a fingerprint of its input. */
  readonly refundIdempotency = new Map<string, { fingerprint: string; refundId: number }>();
  private sequence = 1000;

  constructor(readonly appId: number) {}

  reset(): void {
    this.shops.clear();
    this.products.clear();
    this.variants.clear();
    this.customers.clear();
    this.orders.clear();
    this.fulfillmentOrders.clear();
    this.refundIdempotency.clear();
    this.sequence = 1000;
  }

  /** Ids are unique across types, like large Shopify ids (and easy to tell apart in logs). */
  nextId(): number {
    this.sequence += 1;
    return 5_000_000_000_000 + this.sequence;
  }

  // ---------------------------------------------------------------- shops and catalogue

  createShop(input: CreateShopInput): SimShop {
    const domain = input.domain.toLowerCase();
    if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(domain))
      throw new Error(`Not a myshopify.com domain: ${input.domain}`);
    if (!input.accessToken) throw new Error("accessToken is required");
    for (const other of this.shops.values()) {
      if (other.accessToken === input.accessToken && other.domain !== domain) {
        throw new Error(`accessToken already belongs to ${other.domain}`);
      }
    }
    const existing = this.shops.get(domain);
    const handle = domain.replace(/\.myshopify\.com$/, "");
    const shop: SimShop = {
      id: existing?.id ?? this.nextId(),
      domain,
      accessToken: input.accessToken,
      revoked: false,
      name: input.name ?? handle.replace(/-/g, " ").replace(/\b\w/g, (c) => c.toUpperCase()),
      email: input.email ?? `owner@${handle}.example`,
      currencyCode: input.currencyCode ?? "USD",
      createdAt: existing?.createdAt ?? new Date().toISOString(),
      nextOrderNumber: existing?.nextOrderNumber ?? 1001,
    };
    this.shops.set(domain, shop);
    return shop;
  }

  shopByToken(token: string): SimShop | undefined {
    for (const shop of this.shops.values()) if (shop.accessToken === token && !shop.revoked) return shop;
    return undefined;
  }

  requireShop(domain: string): SimShop {
    const shop = this.shops.get(domain.toLowerCase());
    if (!shop) throw new Error(`Unknown shop ${domain}: create it first`);
    return shop;
  }

  createProduct(input: CreateProductInput): SimProduct {
    const shop = this.requireShop(input.shop);
    if (!input.variants?.length) throw new Error("A product needs at least one variant");
    const now = new Date().toISOString();
    const product: SimProduct = {
      id: this.nextId(),
      shop: shop.domain,
      title: input.title,
      imageUrl: input.imageUrl ?? null,
      mediaId: input.imageUrl ? this.nextId() : null,
      variantIds: [],
      createdAt: now,
    };
    for (const v of input.variants) {
      const variant: SimVariant = {
        id: this.nextId(),
        shop: shop.domain,
        productId: product.id,
        inventoryItemId: this.nextId(),
        title: v.title ?? "Default Title",
        sku: v.sku ?? null,
        priceCents: parseMoney(v.price),
        requiresShipping: v.requiresShipping ?? false,
        createdAt: now,
      };
      this.variants.set(variant.id, variant);
      product.variantIds.push(variant.id);
    }
    this.products.set(product.id, product);
    return product;
  }

  // ---------------------------------------------------------------- orders

  createOrder(input: CreateOrderInput): SimOrder {
    const shop = this.requireShop(input.shop);
    if (!input.lines?.length) throw new Error("An order needs at least one line");
    const now = new Date().toISOString();
    const lineItems: SimLineItem[] = input.lines.map((line) => {
      const variantId = parseGid(line.variantId, "ProductVariant");
      const variant = variantId === undefined ? undefined : this.variants.get(variantId);
      if (!variant || variant.shop !== shop.domain)
        throw new Error(`Unknown variant ${line.variantId} in ${shop.domain}`);
      if (!Number.isInteger(line.quantity) || line.quantity < 1)
        throw new Error(`Invalid quantity ${line.quantity}`);
      const product = this.products.get(variant.productId)!;
      return {
        id: this.nextId(),
        variantId: variant.id,
        productId: product.id,
        sku: variant.sku,
        title: product.title,
        variantTitle: variant.title === "Default Title" ? null : variant.title,
        quantity: line.quantity,
        priceCents: variant.priceCents,
        requiresShipping: variant.requiresShipping,
      };
    });

    let customerId: number | null = null;
    const email = input.email === undefined ? (input.customer?.email ?? "customer@example.com") : input.email;
    if (input.customer !== null) {
      const customerEmail = input.customer?.email ?? email;
      const existing = [...this.customers.values()].find(
        (c) => c.shop === shop.domain && c.email && c.email === customerEmail,
      );
      const customer: SimCustomer = existing ?? {
        id: this.nextId(),
        shop: shop.domain,
        email: customerEmail ?? null,
        firstName: input.customer?.firstName ?? "Alex",
        lastName: input.customer?.lastName ?? "Buyer",
        phone: input.customer?.phone ?? null,
        locale: input.customerLocale ?? "en",
      };
      this.customers.set(customer.id, customer);
      customerId = customer.id;
    }

    const number = shop.nextOrderNumber++;
    const order: SimOrder = {
      id: this.nextId(),
      shop: shop.domain,
      number,
      name: `#${number}`,
      token: randomBytes(16).toString("hex"),
      email,
      customerId,
      customerLocale: input.customerLocale === undefined ? "en" : input.customerLocale,
      currencyCode: shop.currencyCode,
      riskRecommendation: input.riskRecommendation ?? "ACCEPT",
      tags: normalizeTags(input.tags ?? []),
      createdAt: now,
      updatedAt: now,
      lineItems,
      fulfillmentOrderIds: [],
      fulfillments: [],
      refunds: [],
      transactions: [],
      metafields: [],
    };
    order.transactions.push({
      id: this.nextId(),
      kind: "SALE",
      gateway: "bogus",
      amountCents: lineItems.reduce((sum, l) => sum + l.priceCents * l.quantity, 0),
      parentId: null,
      createdAt: now,
    });

    const groups =
      input.fulfillmentOrderGrouping === "by-shipping"
        ? [lineItems.filter((l) => !l.requiresShipping), lineItems.filter((l) => l.requiresShipping)]
        : input.fulfillmentOrderGrouping === "per-line"
          ? lineItems.map((l) => [l])
          : [lineItems];
    for (const group of groups) {
      if (group.length === 0) continue;
      const fo: SimFulfillmentOrder = {
        id: this.nextId(),
        orderId: order.id,
        status: "OPEN",
        lines: group.map((l) => ({
          id: this.nextId(),
          lineItemId: l.id,
          totalQuantity: l.quantity,
          remainingQuantity: l.quantity,
        })),
        createdAt: now,
        updatedAt: now,
      };
      this.fulfillmentOrders.set(fo.id, fo);
      order.fulfillmentOrderIds.push(fo.id);
    }
    this.orders.set(order.id, order);
    return order;
  }

  findOrder(shop: string, id: unknown): SimOrder | undefined {
    const orderId = parseGid(id, "Order");
    const order = orderId === undefined ? undefined : this.orders.get(orderId);
    return order && order.shop === shop ? order : undefined;
  }

  findFulfillmentOrder(shop: string, id: unknown): SimFulfillmentOrder | undefined {
    const foId = parseGid(id, "FulfillmentOrder");
    const fo = foId === undefined ? undefined : this.fulfillmentOrders.get(foId);
    return fo && this.orders.get(fo.orderId)?.shop === shop ? fo : undefined;
  }

  fulfillmentOrdersOf(order: SimOrder): SimFulfillmentOrder[] {
    return order.fulfillmentOrderIds.map((id) => this.fulfillmentOrders.get(id)!);
  }

  displayFulfillmentStatus(order: SimOrder): string {
    const fos = this.fulfillmentOrdersOf(order);
    const total = fos.reduce((sum, fo) => sum + fo.lines.reduce((s, l) => s + l.totalQuantity, 0), 0);
    const remaining = fos.reduce((sum, fo) => sum + fo.lines.reduce((s, l) => s + l.remainingQuantity, 0), 0);
    if (total > 0 && remaining === 0) return "FULFILLED";
    if (remaining < total) return "PARTIALLY_FULFILLED";
    return "UNFULFILLED";
  }

  refundedQuantity(order: SimOrder, lineItemId: number): number {
    return order.refunds.reduce(
      (sum, r) =>
        sum + r.lines.filter((l) => l.lineItemId === lineItemId).reduce((s, l) => s + l.quantity, 0),
      0,
    );
  }

  capturedCents(order: SimOrder): number {
    return order.transactions.filter((t) => t.kind === "SALE").reduce((sum, t) => sum + t.amountCents, 0);
  }

  refundedCents(order: SimOrder): number {
    return order.transactions.filter((t) => t.kind === "REFUND").reduce((sum, t) => sum + t.amountCents, 0);
  }

  financialStatus(order: SimOrder): "PAID" | "PARTIALLY_REFUNDED" | "REFUNDED" {
    const refunded = this.refundedCents(order);
    if (refunded === 0) return "PAID";
    return refunded >= this.capturedCents(order) ? "REFUNDED" : "PARTIALLY_REFUNDED";
  }

  statusPageUrl(order: SimOrder): string {
    const shop = this.requireShop(order.shop);
    return `https://${shop.domain}/${shop.id}/orders/${order.token}/authenticate?key=${order.token.slice(0, 12)}`;
  }

  // ---------------------------------------------------------------- mutations

  addTags(shop: string, id: unknown, tags: string[]): Outcome<SimOrder> {
    const order = this.findOrder(shop, id);
    if (!order) return { ok: false, userErrors: [{ field: ["id"], message: "Order does not exist" }] };
    const add = normalizeTags(tags);
    const tooLong = add.find((t) => t.length > MAX_TAG_LENGTH);
    if (tooLong)
      return {
        ok: false,
        userErrors: [
          {
            field: ["tags"],
            message: `Tag '${tooLong}' is too long (maximum is ${MAX_TAG_LENGTH} characters)`,
          },
        ],
      };
    order.tags = normalizeTags([...order.tags, ...add]);
    order.updatedAt = new Date().toISOString();
    return { ok: true, value: order };
  }

  removeTags(shop: string, id: unknown, tags: string[]): Outcome<SimOrder> {
    const order = this.findOrder(shop, id);
    if (!order) return { ok: false, userErrors: [{ field: ["id"], message: "Order does not exist" }] };
    const remove = new Set(normalizeTags(tags).map((t) => t.toLowerCase()));
    order.tags = order.tags.filter((t) => !remove.has(t.toLowerCase()));
    order.updatedAt = new Date().toISOString();
    return { ok: true, value: order };
  }

  /** The stored namespace: "$app" (or "$app:suffix") becomes "app--<appId>" (or "app--<appId>--suffix"). */
  resolveNamespace(namespace: string | null | undefined): string {
    const ns = namespace ?? "$app";
    if (ns === "$app") return `app--${this.appId}`;
    if (ns.startsWith("$app:")) return `app--${this.appId}--${ns.slice(5)}`;
    return ns;
  }

  setMetafields(
    shop: string,
    inputs: {
      ownerId: string;
      namespace?: string | null;
      key: string;
      type?: string | null;
      value: string;
      compareDigest?: string | null;
    }[],
  ): Outcome<{ metafield: SimMetafield; order: SimOrder }[]> {
    const errors: UserErrorData[] = [];
    if (inputs.length > 25)
      errors.push({
        field: ["metafields"],
        message: "Exceeded the maximum metafields input limit of 25.",
        code: "LESS_THAN_OR_EQUAL_TO",
        elementIndex: null,
      });
    const planned: { order: SimOrder; namespace: string; input: (typeof inputs)[number]; type: string }[] =
      [];
    inputs.forEach((input, i) => {
      const field = (name: string) => ["metafields", String(i), name];
      const order = this.findOrder(shop, input.ownerId);
      if (!order) {
        errors.push({
          field: field("ownerId"),
          message: "Owner does not exist.",
          code: "INVALID",
          elementIndex: i,
        });
        return;
      }
      const namespace = this.resolveNamespace(input.namespace);
      if (input.key.length < 2 || input.key.length > 64 || !/^[A-Za-z0-9_-]+$/.test(input.key)) {
        errors.push({
          field: field("key"),
          message:
            "Key must be 2-64 characters long and can only contain alphanumeric characters, hyphens, and underscores.",
          code: "INVALID",
          elementIndex: i,
        });
        return;
      }
      const existing = order.metafields.find((m) => m.namespace === namespace && m.key === input.key);
      const type = input.type ?? existing?.type;
      if (!type) {
        errors.push({ field: field("type"), message: "Type can't be blank", code: "BLANK", elementIndex: i });
        return;
      }
      if (type === "json") {
        try {
          JSON.parse(input.value);
        } catch {
          errors.push({
            field: field("value"),
            message: "Value is invalid JSON.",
            code: "INVALID_VALUE",
            elementIndex: i,
          });
          return;
        }
      }
      if (
        input.compareDigest !== undefined &&
        (input.compareDigest ?? null) !== (existing ? digest(existing.value) : null)
      ) {
        errors.push({
          field: field("compareDigest"),
          message:
            "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.",
          code: "STALE_OBJECT",
          elementIndex: i,
        });
        return;
      }
      planned.push({ order, namespace, input, type });
    });
    if (errors.length) return { ok: false, userErrors: errors };

    const now = new Date().toISOString();
    return {
      ok: true,
      value: planned.map(({ order, namespace, input, type }) => {
        let metafield = order.metafields.find((m) => m.namespace === namespace && m.key === input.key);
        if (metafield) {
          metafield.value = input.value;
          metafield.type = type;
          metafield.updatedAt = now;
        } else {
          metafield = {
            id: this.nextId(),
            namespace,
            key: input.key,
            type,
            value: input.value,
            createdAt: now,
            updatedAt: now,
          };
          order.metafields.push(metafield);
        }
        order.updatedAt = now;
        return { metafield, order };
      }),
    };
  }

  createFulfillment(
    shop: string,
    input: {
      lineItemsByFulfillmentOrder: {
        fulfillmentOrderId: string;
        fulfillmentOrderLineItems?: { id: string; quantity: number }[] | null;
      }[];
      notifyCustomer?: boolean | null;
    },
  ): Outcome<SimFulfillment> {
    const fail = (message: string): Outcome<SimFulfillment> => ({
      ok: false,
      userErrors: [{ field: ["fulfillment"], message }],
    });
    if (input.lineItemsByFulfillmentOrder.length === 0)
      return fail("Line items by fulfillment order can't be blank.");

    let order: SimOrder | undefined;
    const plan: { fo: SimFulfillmentOrder; line: SimFulfillmentOrderLine; quantity: number }[] = [];
    for (const group of input.lineItemsByFulfillmentOrder) {
      const fo = this.findFulfillmentOrder(shop, group.fulfillmentOrderId);
      if (!fo) return fail("Fulfillment order does not exist.");
      const owner = this.orders.get(fo.orderId)!;
      if (order && owner !== order) return fail("All fulfillment orders must belong to the same order.");
      order = owner;
      if (fo.status !== "OPEN" && fo.status !== "IN_PROGRESS") {
        return fail(`Fulfillment order ${fo.id} has an unfulfillable status= ${fo.status.toLowerCase()}.`);
      }
      const requested = group.fulfillmentOrderLineItems?.length
        ? group.fulfillmentOrderLineItems
        : fo.lines
            .filter((l) => l.remainingQuantity > 0)
            .map((l) => ({ id: gid("FulfillmentOrderLineItem", l.id), quantity: l.remainingQuantity }));
      for (const r of requested) {
        const lineId = parseGid(r.id, "FulfillmentOrderLineItem");
        const line = fo.lines.find((l) => l.id === lineId);
        const already = plan.filter((p) => p.line === line).reduce((s, p) => s + p.quantity, 0);
        if (!line || r.quantity <= 0 || r.quantity + already > line.remainingQuantity) {
          return fail("Invalid fulfillment order line item quantity requested.");
        }
        plan.push({ fo, line, quantity: r.quantity });
      }
    }
    if (!order || plan.length === 0) return fail("Invalid fulfillment order line item quantity requested.");

    const now = new Date().toISOString();
    const fulfillment: SimFulfillment = {
      id: this.nextId(),
      orderId: order.id,
      status: "SUCCESS",
      notifyCustomer: input.notifyCustomer ?? false,
      createdAt: now,
      fulfillmentOrderIds: [...new Set(plan.map((p) => p.fo.id))],
      lines: [],
    };
    for (const { fo, line, quantity } of plan) {
      line.remainingQuantity -= quantity;
      fo.updatedAt = now;
      fulfillment.lines.push({
        id: this.nextId(),
        lineItemId: line.lineItemId,
        fulfillmentOrderLineItemId: line.id,
        quantity,
      });
    }
    for (const fo of new Set(plan.map((p) => p.fo))) {
      fo.status = fo.lines.every((l) => l.remainingQuantity === 0) ? "CLOSED" : "IN_PROGRESS";
    }
    order.fulfillments.push(fulfillment);
    order.updatedAt = now;
    return { ok: true, value: fulfillment };
  }

  suggestRefund(
    order: SimOrder,
    lines: { lineItemId: string; quantity: number; restockType?: string | null }[],
  ) {
    const refundLines = lines.flatMap((l) => {
      const id = parseGid(l.lineItemId, "LineItem");
      const item = order.lineItems.find((li) => li.id === id);
      if (!item) return [];
      const quantity = Math.max(
        0,
        Math.min(l.quantity, item.quantity - this.refundedQuantity(order, item.id)),
      );
      return [
        {
          item,
          quantity,
          restockType: l.restockType ?? "NO_RESTOCK",
          subtotalCents: item.priceCents * quantity,
        },
      ];
    });
    const subtotalCents = refundLines.reduce((s, l) => s + l.subtotalCents, 0);
    const sale = order.transactions.find((t) => t.kind === "SALE") ?? null;
    const maximumRefundableCents = this.capturedCents(order) - this.refundedCents(order);
    const amountCents = Math.min(subtotalCents, maximumRefundableCents);
    return { refundLines, subtotalCents, amountCents, sale, maximumRefundableCents };
  }

  /**
   * refundCreate. `idempotencyKey` is required (2026-04+); the same key with the same input returns the
   * first refund, with a different input a userError, and never refunds twice.
   */
  createRefund(
    shop: string,
    input: {
      orderId: string;
      note?: string | null;
      notify?: boolean | null;
      currency?: string | null;
      refundLineItems?: { lineItemId: string; quantity: number; restockType?: string | null }[] | null;
      transactions?:
        { orderId: string; kind: string; gateway: string; amount: string; parentId?: string | null }[] | null;
    },
    idempotencyKey: string,
  ): Outcome<{ refund: SimRefund; order: SimOrder; replayed: boolean }> {
    const fingerprint = stableStringify(input);
    const keyId = `${shop} ${idempotencyKey}`;
    const previous = this.refundIdempotency.get(keyId);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        return {
          ok: false,
          userErrors: [
            {
              field: null,
              message: "The same idempotency key cannot be used with different operation parameters.",
            },
          ],
        };
      }
      const order = this.findOrder(shop, input.orderId)!;
      const refund = order.refunds.find((r) => r.id === previous.refundId)!;
      return { ok: true, value: { refund, order, replayed: true } };
    }

    const order = this.findOrder(shop, input.orderId);
    if (!order) return { ok: false, userErrors: [{ field: ["orderId"], message: "Order does not exist" }] };
    const errors: UserErrorData[] = [];
    const lines: SimRefund["lines"] = [];
    (input.refundLineItems ?? []).forEach((l, i) => {
      const id = parseGid(l.lineItemId, "LineItem");
      const item = order.lineItems.find((li) => li.id === id);
      if (!item) {
        errors.push({
          field: ["refundLineItems", String(i), "lineItemId"],
          message: "Line item does not exist",
        });
        return;
      }
      const refundable =
        item.quantity -
        this.refundedQuantity(order, item.id) -
        lines.filter((x) => x.lineItemId === item.id).reduce((s, x) => s + x.quantity, 0);
      if (l.quantity < 1 || l.quantity > refundable) {
        errors.push({
          field: ["refundLineItems", String(i), "quantity"],
          message: `Quantity cannot refund more items than were purchased (refundable: ${refundable})`,
        });
        return;
      }
      lines.push({
        id: this.nextId(),
        lineItemId: item.id,
        quantity: l.quantity,
        restockType: l.restockType ?? "NO_RESTOCK",
        subtotalCents: item.priceCents * l.quantity,
      });
    });
    const transactions: SimTransaction[] = [];
    let remaining = this.capturedCents(order) - this.refundedCents(order);
    (input.transactions ?? []).forEach((t, i) => {
      const field = (name: string) => ["transactions", String(i), name];
      if (t.kind !== "REFUND") {
        errors.push({ field: field("kind"), message: "Kind must be refund" });
        return;
      }
      let cents: number;
      try {
        cents = parseMoney(t.amount);
      } catch {
        errors.push({ field: field("amount"), message: "Amount is invalid" });
        return;
      }
      if (cents > remaining) {
        errors.push({
          field: field("amount"),
          message: `Amount can't be greater than the refundable amount (${money(remaining)})`,
        });
        return;
      }
      const parentId = t.parentId ? parseGid(t.parentId, "OrderTransaction") : null;
      if (t.parentId && !order.transactions.some((x) => x.id === parentId && x.kind === "SALE")) {
        errors.push({ field: field("parentId"), message: "Parent transaction does not exist" });
        return;
      }
      remaining -= cents;
      transactions.push({
        id: this.nextId(),
        kind: "REFUND",
        gateway: t.gateway,
        amountCents: cents,
        parentId: parentId ?? null,
        createdAt: new Date().toISOString(),
      });
    });
    if (input.currency && input.currency !== order.currencyCode) {
      errors.push({
        field: ["currency"],
        message: `Currency must be the order's presentment currency (${order.currencyCode})`,
      });
    }
    if (lines.length === 0 && transactions.length === 0) {
      errors.push({ field: null, message: "A refund needs line items or transactions" });
    }
    if (errors.length) return { ok: false, userErrors: errors };

    const now = new Date().toISOString();
    order.transactions.push(...transactions);
    const refund: SimRefund = {
      id: this.nextId(),
      orderId: order.id,
      createdAt: now,
      note: input.note ?? null,
      idempotencyKey,
      lines,
      transactionIds: transactions.map((t) => t.id),
      totalCents: transactions.reduce((s, t) => s + t.amountCents, 0),
    };
    order.refunds.push(refund);
    order.updatedAt = now;
    this.refundIdempotency.set(keyId, { fingerprint, refundId: refund.id });
    return { ok: true, value: { refund, order, replayed: false } };
  }

  // ---------------------------------------------------------------- snapshots for the control API

  shopSnapshot(shop: SimShop): ShopSnapshot {
    return {
      id: gid("Shop", shop.id),
      legacyId: shop.id,
      domain: shop.domain,
      name: shop.name,
      email: shop.email,
      currencyCode: shop.currencyCode,
      accessTokenRevoked: shop.revoked,
    };
  }

  variantSnapshot(variant: SimVariant): VariantSnapshot {
    const product = this.products.get(variant.productId)!;
    return {
      id: gid("ProductVariant", variant.id),
      legacyId: variant.id,
      productId: gid("Product", product.id),
      productTitle: product.title,
      title: variant.title,
      sku: variant.sku,
      price: money(variant.priceCents),
      requiresShipping: variant.requiresShipping,
    };
  }

  productSnapshot(product: SimProduct): ProductSnapshot {
    return {
      id: gid("Product", product.id),
      legacyId: product.id,
      title: product.title,
      imageUrl: product.imageUrl,
      variants: product.variantIds.map((id) => this.variantSnapshot(this.variants.get(id)!)),
    };
  }

  supportedActions(fo: SimFulfillmentOrder): string[] {
    switch (fo.status) {
      case "OPEN":
      case "IN_PROGRESS":
        return ["CREATE_FULFILLMENT", "REPORT_PROGRESS", "MOVE", "HOLD", "SPLIT"];
      case "ON_HOLD":
        return ["RELEASE_HOLD"];
      default:
        return [];
    }
  }

  fulfillmentOrderSnapshot(fo: SimFulfillmentOrder): FulfillmentOrderSnapshot {
    return {
      id: gid("FulfillmentOrder", fo.id),
      status: fo.status,
      supportedActions: this.supportedActions(fo),
      lineItems: fo.lines.map((l) => ({
        id: gid("FulfillmentOrderLineItem", l.id),
        lineItemId: gid("LineItem", l.lineItemId),
        totalQuantity: l.totalQuantity,
        remainingQuantity: l.remainingQuantity,
      })),
    };
  }

  orderSnapshot(order: SimOrder): OrderSnapshot {
    return {
      id: gid("Order", order.id),
      legacyId: order.id,
      shop: order.shop,
      name: order.name,
      email: order.email,
      customerLocale: order.customerLocale,
      currencyCode: order.currencyCode,
      financialStatus: this.financialStatus(order),
      displayFulfillmentStatus: this.displayFulfillmentStatus(order),
      riskRecommendation: order.riskRecommendation,
      total: money(this.capturedCents(order)),
      tags: [...order.tags],
      lineItems: order.lineItems.map((l) => ({
        id: gid("LineItem", l.id),
        legacyId: l.id,
        variantId: l.variantId ? gid("ProductVariant", l.variantId) : null,
        productId: l.productId ? gid("Product", l.productId) : null,
        sku: l.sku,
        title: l.title,
        quantity: l.quantity,
        price: money(l.priceCents),
        requiresShipping: l.requiresShipping,
        refundedQuantity: this.refundedQuantity(order, l.id),
      })),
      fulfillmentOrders: this.fulfillmentOrdersOf(order).map((fo) => this.fulfillmentOrderSnapshot(fo)),
      fulfillments: order.fulfillments.map((f) => ({
        id: gid("Fulfillment", f.id),
        status: f.status,
        notifyCustomer: f.notifyCustomer,
        createdAt: f.createdAt,
        lineItems: f.lines.map((l) => ({
          id: gid("FulfillmentLineItem", l.id),
          lineItemId: gid("LineItem", l.lineItemId),
          fulfillmentOrderLineItemId: gid("FulfillmentOrderLineItem", l.fulfillmentOrderLineItemId),
          quantity: l.quantity,
        })),
      })),
      refunds: order.refunds.map((r) => ({
        id: gid("Refund", r.id),
        createdAt: r.createdAt,
        note: r.note,
        idempotencyKey: r.idempotencyKey,
        total: money(r.totalCents),
        lineItems: r.lines.map((l) => ({
          lineItemId: gid("LineItem", l.lineItemId),
          quantity: l.quantity,
          restockType: l.restockType,
          subtotal: money(l.subtotalCents),
        })),
        transactions: r.transactionIds.map((id) => {
          const t = order.transactions.find((x) => x.id === id)!;
          return {
            id: gid("OrderTransaction", t.id),
            kind: t.kind,
            gateway: t.gateway,
            amount: money(t.amountCents),
            parentId: t.parentId ? gid("OrderTransaction", t.parentId) : null,
          };
        }),
      })),
      metafields: order.metafields.map((m) => ({
        id: gid("Metafield", m.id),
        namespace: m.namespace,
        key: m.key,
        type: m.type,
        value: m.value,
      })),
      statusPageUrl: this.statusPageUrl(order),
    };
  }
}

/** Tags as Shopify keeps them: trimmed, comma-separated entries split, no blanks, no case-insensitive duplicates. */
export function normalizeTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of tags.flatMap((t) => t.split(","))) {
    const tag = raw.trim();
    if (!tag || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    out.push(tag);
  }
  return out;
}

export function digest(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
