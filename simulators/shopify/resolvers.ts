// GraphQL views of the store, executed by graphql-js over Shopify's real schema. Each view is a plain
// object: a property answers a field, a function answers a field with arguments. A field the view does
// not define is answered with a loud "simulator does not implement Type.field" error, never a silent null.
import { getDirectiveValues, GraphQLError, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";
import {
  digest,
  gid,
  gidType,
  money,
  parseGid,
  type SimFulfillment,
  type SimFulfillmentOrder,
  type SimLineItem,
  type SimMetafield,
  type SimOrder,
  type SimProduct,
  type SimRefund,
  type SimShop,
  type SimStore,
  type SimTransaction,
  type SimVariant,
  type UserErrorData,
} from "./store";

export interface ResolverContext {
  store: SimStore;
  shop: SimShop;
  schema: GraphQLSchema;
  /** Set by mutations that read the @idempotent directive, for the request log. */
  idempotencyKey?: string | null;
}

type Args = Record<string, unknown>;
type View = Record<string, unknown>;

export class NotImplementedError extends GraphQLError {
  constructor(what: string) {
    super(`simulator does not implement ${what}`, { extensions: { code: "SIMULATOR_NOT_IMPLEMENTED" } });
  }
}

/** Reads the field from the view; a missing field is an error naming it. */
export const simulatorFieldResolver: GraphQLFieldResolver<unknown, ResolverContext> = (
  source,
  args,
  context,
  info,
) => {
  if (source === null || typeof source !== "object" || !(info.fieldName in source)) {
    throw new NotImplementedError(`${info.parentType.name}.${info.fieldName}`);
  }
  const value = (source as View)[info.fieldName];
  return typeof value === "function" ? value.call(source, args, context, info) : value;
};

// ------------------------------------------------------------------ connections

const MAX_PAGE_SIZE = 250;

function encodeCursor(id: number): string {
  return Buffer.from(JSON.stringify({ last_id: id })).toString("base64url");
}

function decodeCursor(cursor: unknown): number | undefined {
  if (typeof cursor !== "string") return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { last_id?: unknown };
    return typeof value.last_id === "number" ? value.last_id : undefined;
  } catch {
    return undefined;
  }
}

function connection<T extends { id: number }>(items: T[], args: Args, view: (item: T) => View): View {
  const first = args.first as number | null | undefined;
  const last = args.last as number | null | undefined;
  if (first == null && last == null) throw new GraphQLError("you must provide one of first or last");
  for (const [name, size] of [
    ["first", first],
    ["last", last],
  ] as const) {
    if (size != null && (size < 0 || size > MAX_PAGE_SIZE)) {
      throw new GraphQLError(`The value of ${name} must be between 0 and ${MAX_PAGE_SIZE}`, {
        extensions: { code: "BAD_REQUEST" },
      });
    }
  }
  let list = args.reverse ? [...items].reverse() : [...items];
  const total = list;
  if (args.after != null) {
    const id = decodeCursor(args.after);
    const index = list.findIndex((i) => i.id === id);
    if (id === undefined) throw new GraphQLError(`Invalid cursor for current pagination sort.`);
    list = list.slice(index + 1);
  }
  if (args.before != null) {
    const id = decodeCursor(args.before);
    const index = list.findIndex((i) => i.id === id);
    if (id === undefined) throw new GraphQLError(`Invalid cursor for current pagination sort.`);
    if (index >= 0) list = list.slice(0, index);
  }
  const afterCut = list;
  if (first != null) list = list.slice(0, first);
  if (last != null) list = list.slice(Math.max(0, list.length - last));
  const startIndex = total.indexOf(list[0] as T);
  const nodes = list.map(view);
  const edges = list.map((item, i) => ({ cursor: encodeCursor(item.id), node: nodes[i] }));
  return {
    nodes,
    edges,
    pageInfo: {
      hasNextPage: first != null ? afterCut.length > list.length : false,
      hasPreviousPage: list.length > 0 ? startIndex > 0 : false,
      startCursor: list.length ? encodeCursor(list[0]!.id) : null,
      endCursor: list.length ? encodeCursor(list[list.length - 1]!.id) : null,
    },
  };
}

function limitList<T>(items: T[], args: Args): T[] {
  const first = args.first as number | null | undefined;
  return first == null ? items : items.slice(0, first);
}

// ------------------------------------------------------------------ views

function moneyV2(cents: number, currencyCode: string): View {
  return { amount: money(cents), currencyCode };
}

function moneyBag(cents: number, currencyCode: string): View {
  return { shopMoney: moneyV2(cents, currencyCode), presentmentMoney: moneyV2(cents, currencyCode) };
}

function userErrors(errors: UserErrorData[]): View[] {
  return errors.map((e) => ({
    field: e.field,
    message: e.message,
    code: e.code ?? null,
    elementIndex: e.elementIndex ?? null,
  }));
}

export function shopView(store: SimStore, shop: SimShop): View {
  return {
    __typename: "Shop",
    id: gid("Shop", shop.id),
    name: shop.name,
    email: shop.email,
    contactEmail: shop.email,
    myshopifyDomain: shop.domain,
    currencyCode: shop.currencyCode,
    url: `https://${shop.domain}`,
  };
}

function productView(store: SimStore, product: SimProduct): View {
  return {
    __typename: "Product",
    id: gid("Product", product.id),
    legacyResourceId: String(product.id),
    title: product.title,
    handle: product.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, ""),
    status: "ACTIVE",
    createdAt: product.createdAt,
    featuredMedia:
      product.imageUrl && product.mediaId
        ? {
            __typename: "MediaImage",
            id: gid("MediaImage", product.mediaId),
            alt: product.title,
            mediaContentType: "IMAGE",
            status: "READY",
            preview: { status: "READY", image: { url: product.imageUrl, altText: product.title } },
          }
        : null,
    variants: (args: Args) =>
      connection(
        product.variantIds.map((id) => store.variants.get(id)!),
        args,
        (v) => variantView(store, v),
      ),
  };
}

function variantView(store: SimStore, variant: SimVariant): View {
  const product = store.products.get(variant.productId)!;
  return {
    __typename: "ProductVariant",
    id: gid("ProductVariant", variant.id),
    legacyResourceId: String(variant.id),
    title: variant.title,
    displayName: `${product.title} - ${variant.title}`,
    sku: variant.sku,
    price: money(variant.priceCents),
    createdAt: variant.createdAt,
    inventoryItem: {
      __typename: "InventoryItem",
      id: gid("InventoryItem", variant.inventoryItemId),
      sku: variant.sku,
      requiresShipping: variant.requiresShipping,
      tracked: false,
    },
    product: productView(store, product),
  };
}

function lineItemView(store: SimStore, order: SimOrder, line: SimLineItem): View {
  const variant = line.variantId ? store.variants.get(line.variantId) : undefined;
  const product = line.productId ? store.products.get(line.productId) : undefined;
  const refunded = store.refundedQuantity(order, line.id);
  const unfulfilled = store
    .fulfillmentOrdersOf(order)
    .flatMap((fo) => fo.lines)
    .filter((l) => l.lineItemId === line.id)
    .reduce((s, l) => s + l.remainingQuantity, 0);
  return {
    __typename: "LineItem",
    id: gid("LineItem", line.id),
    name: line.variantTitle ? `${line.title} - ${line.variantTitle}` : line.title,
    title: line.title,
    variantTitle: line.variantTitle,
    quantity: line.quantity,
    currentQuantity: line.quantity - refunded,
    refundableQuantity: line.quantity - refunded,
    unfulfilledQuantity: unfulfilled,
    sku: line.sku,
    requiresShipping: line.requiresShipping,
    isGiftCard: false,
    originalUnitPriceSet: moneyBag(line.priceCents, order.currencyCode),
    variant: variant ? variantView(store, variant) : null,
    product: product ? productView(store, product) : null,
  };
}

function fulfillmentOrderView(store: SimStore, fo: SimFulfillmentOrder): View {
  const order = store.orders.get(fo.orderId)!;
  return {
    __typename: "FulfillmentOrder",
    id: gid("FulfillmentOrder", fo.id),
    status: fo.status,
    requestStatus: "UNSUBMITTED",
    createdAt: fo.createdAt,
    updatedAt: fo.updatedAt,
    orderId: gid("Order", order.id),
    orderName: order.name,
    orderProcessedAt: order.createdAt,
    supportedActions: store.supportedActions(fo).map((action) => ({ action, externalUrl: null })),
    fulfillmentHolds: [],
    order: () => orderView(store, order),
    lineItems: (args: Args) =>
      connection(fo.lines, args, (l) => {
        const line = order.lineItems.find((li) => li.id === l.lineItemId)!;
        const variant = line.variantId ? store.variants.get(line.variantId) : undefined;
        return {
          __typename: "FulfillmentOrderLineItem",
          id: gid("FulfillmentOrderLineItem", l.id),
          totalQuantity: l.totalQuantity,
          remainingQuantity: l.remainingQuantity,
          sku: line.sku,
          productTitle: line.title,
          variantTitle: line.variantTitle,
          requiresShipping: line.requiresShipping,
          lineItem: lineItemView(store, order, line),
          variant: variant ? variantView(store, variant) : null,
        };
      }),
  };
}

function fulfillmentView(store: SimStore, order: SimOrder, f: SimFulfillment): View {
  const index = order.fulfillments.indexOf(f) + 1;
  return {
    __typename: "Fulfillment",
    id: gid("Fulfillment", f.id),
    legacyResourceId: String(f.id),
    name: `${order.name}.${index}`,
    status: f.status,
    displayStatus: "FULFILLED",
    createdAt: f.createdAt,
    updatedAt: f.createdAt,
    requiresShipping: f.lines.some(
      (l) => order.lineItems.find((li) => li.id === l.lineItemId)?.requiresShipping,
    ),
    totalQuantity: f.lines.reduce((s, l) => s + l.quantity, 0),
    trackingInfo: () => [],
    order: () => orderView(store, order),
    fulfillmentLineItems: (args: Args) =>
      connection(f.lines, args, (l) => {
        const line = order.lineItems.find((li) => li.id === l.lineItemId)!;
        return {
          __typename: "FulfillmentLineItem",
          id: gid("FulfillmentLineItem", l.id),
          quantity: l.quantity,
          lineItem: lineItemView(store, order, line),
          originalTotalSet: moneyBag(line.priceCents * l.quantity, order.currencyCode),
          discountedTotalSet: moneyBag(line.priceCents * l.quantity, order.currencyCode),
        };
      }),
  };
}

function transactionView(store: SimStore, order: SimOrder, t: SimTransaction): View {
  return {
    __typename: "OrderTransaction",
    id: gid("OrderTransaction", t.id),
    kind: t.kind,
    status: "SUCCESS",
    gateway: t.gateway,
    formattedGateway: t.gateway === "bogus" ? "Bogus" : t.gateway,
    createdAt: t.createdAt,
    processedAt: t.createdAt,
    amountSet: moneyBag(t.amountCents, order.currencyCode),
    parentTransaction: () => {
      const parent = t.parentId ? order.transactions.find((x) => x.id === t.parentId) : undefined;
      return parent ? transactionView(store, order, parent) : null;
    },
  };
}

function refundView(store: SimStore, order: SimOrder, r: SimRefund): View {
  return {
    __typename: "Refund",
    id: gid("Refund", r.id),
    legacyResourceId: String(r.id),
    createdAt: r.createdAt,
    updatedAt: r.createdAt,
    processedAt: r.createdAt,
    note: r.note,
    totalRefundedSet: moneyBag(r.totalCents, order.currencyCode),
    order: () => orderView(store, order),
    refundLineItems: (args: Args) =>
      connection(r.lines, args, (l) => {
        const line = order.lineItems.find((li) => li.id === l.lineItemId)!;
        return refundLineItemView(store, order, line, l.quantity, l.restockType, gid("RefundLineItem", l.id));
      }),
    transactions: (args: Args) =>
      connection(
        r.transactionIds.map((id) => order.transactions.find((t) => t.id === id)!),
        args,
        (t) => transactionView(store, order, t),
      ),
  };
}

function refundLineItemView(
  store: SimStore,
  order: SimOrder,
  line: SimLineItem,
  quantity: number,
  restockType: string,
  id: string | null,
): View {
  return {
    __typename: "RefundLineItem",
    id,
    lineItem: lineItemView(store, order, line),
    quantity,
    restockType,
    restocked: false,
    location: null,
    priceSet: moneyBag(line.priceCents, order.currencyCode),
    subtotalSet: moneyBag(line.priceCents * quantity, order.currencyCode),
    totalTaxSet: moneyBag(0, order.currencyCode),
  };
}

function metafieldView(m: SimMetafield, ownerType: string): View {
  return {
    __typename: "Metafield",
    id: gid("Metafield", m.id),
    namespace: m.namespace,
    key: m.key,
    type: m.type,
    value: m.value,
    jsonValue: () => (m.type === "json" ? JSON.parse(m.value) : m.value),
    compareDigest: () => digest(m.value),
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    ownerType,
  };
}

export function orderView(store: SimStore, order: SimOrder): View {
  const currency = order.currencyCode;
  return {
    __typename: "Order",
    id: gid("Order", order.id),
    legacyResourceId: String(order.id),
    name: order.name,
    email: order.email,
    tags: [...order.tags],
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    processedAt: order.createdAt,
    closed: false,
    cancelledAt: null,
    currencyCode: currency,
    presentmentCurrencyCode: currency,
    customerLocale: order.customerLocale,
    displayFulfillmentStatus: store.displayFulfillmentStatus(order),
    displayFinancialStatus: store.financialStatus(order),
    statusPageUrl: () => store.statusPageUrl(order),
    risk: { recommendation: order.riskRecommendation, assessments: [] },
    totalPriceSet: moneyBag(store.capturedCents(order), currency),
    lineItems: (args: Args) => connection(order.lineItems, args, (l) => lineItemView(store, order, l)),
    fulfillmentOrders: (args: Args) =>
      connection(store.fulfillmentOrdersOf(order), args, (fo) => fulfillmentOrderView(store, fo)),
    fulfillments: (args: Args) =>
      limitList(order.fulfillments, args).map((f) => fulfillmentView(store, order, f)),
    refunds: (args: Args) => limitList(order.refunds, args).map((r) => refundView(store, order, r)),
    transactions: (args: Args) =>
      limitList(order.transactions, args).map((t) => transactionView(store, order, t)),
    metafield: (args: Args) => {
      const namespace = store.resolveNamespace(args.namespace as string | null | undefined);
      const m = order.metafields.find((x) => x.namespace === namespace && x.key === args.key);
      return m ? metafieldView(m, "ORDER") : null;
    },
    metafields: (args: Args) => {
      const namespace = args.namespace == null ? undefined : store.resolveNamespace(args.namespace as string);
      const keys = args.keys as string[] | null | undefined;
      const list = order.metafields.filter(
        (m) =>
          (namespace === undefined || m.namespace === namespace) &&
          (!keys || keys.includes(`${m.namespace}.${m.key}`)),
      );
      return connection(list, args, (m) => metafieldView(m, "ORDER"));
    },
    suggestedRefund: (args: Args) => {
      if (args.suggestFullRefund) {
        throw new NotImplementedError("Order.suggestedRefund(suggestFullRefund: true)");
      }
      const s = store.suggestRefund(
        order,
        (args.refundLineItems as { lineItemId: string; quantity: number; restockType?: string }[]) ?? [],
      );
      const sale = s.sale;
      return {
        __typename: "SuggestedRefund",
        amountSet: moneyBag(s.amountCents, currency),
        subtotalSet: moneyBag(s.subtotalCents, currency),
        discountedSubtotalSet: moneyBag(s.subtotalCents, currency),
        totalTaxSet: moneyBag(0, currency),
        totalCartDiscountAmountSet: moneyBag(0, currency),
        totalDutiesSet: moneyBag(0, currency),
        maximumRefundableSet: moneyBag(s.maximumRefundableCents, currency),
        refundDuties: [],
        suggestedRefundMethods: [],
        shipping: {
          amountSet: moneyBag(0, currency),
          maximumRefundableSet: moneyBag(0, currency),
          taxSet: moneyBag(0, currency),
        },
        refundLineItems: s.refundLines.map((l) =>
          refundLineItemView(store, order, l.item, l.quantity, l.restockType, null),
        ),
        suggestedTransactions:
          sale && s.amountCents > 0
            ? [
                {
                  __typename: "SuggestedOrderTransaction",
                  kind: "SUGGESTED_REFUND",
                  gateway: sale.gateway,
                  formattedGateway: sale.gateway === "bogus" ? "Bogus" : sale.gateway,
                  accountNumber: null,
                  amountSet: moneyBag(s.amountCents, currency),
                  maximumRefundableSet: moneyBag(s.maximumRefundableCents, currency),
                  parentTransaction: transactionView(store, order, sale),
                },
              ]
            : [],
      };
    },
  };
}

// ------------------------------------------------------------------ roots

function findNode(store: SimStore, shop: SimShop, id: unknown): View | null {
  if (typeof id !== "string") return null;
  switch (gidType(id)) {
    case "Order": {
      const order = store.findOrder(shop.domain, id);
      return order ? orderView(store, order) : null;
    }
    case "FulfillmentOrder": {
      const fo = store.findFulfillmentOrder(shop.domain, id);
      return fo ? fulfillmentOrderView(store, fo) : null;
    }
    case "ProductVariant": {
      const variant = store.variants.get(parseGid(id, "ProductVariant") ?? -1);
      return variant && variant.shop === shop.domain ? variantView(store, variant) : null;
    }
    case "Product": {
      const product = store.products.get(parseGid(id, "Product") ?? -1);
      return product && product.shop === shop.domain ? productView(store, product) : null;
    }
    case "Shop":
      return parseGid(id, "Shop") === shop.id ? shopView(store, shop) : null;
    default:
      throw new NotImplementedError(`node(id:) for ${gidType(id) ?? "this id"}`);
  }
}

/** Shopify search syntax, the subset the simulator understands: `field:value` terms and free text. */
function matchesVariantQuery(
  store: SimStore,
  variant: SimVariant,
  query: string | null | undefined,
): boolean {
  if (!query?.trim()) return true;
  const product = store.products.get(variant.productId)!;
  const terms = query.match(/(?:[^\s"]+:"[^"]*"|"[^"]*"|\S+)/g) ?? [];
  return terms.every((term) => {
    if (/^(AND|OR)$/i.test(term)) return true;
    const m = /^([a-z_]+):(.*)$/.exec(term);
    const unquote = (s: string) => s.replace(/^"|"$/g, "").toLowerCase();
    if (m) {
      const [, field, raw] = m;
      const value = unquote(raw!);
      const prefix = value.endsWith("*") ? value.slice(0, -1) : undefined;
      const eq = (actual: string | null | undefined) =>
        actual != null &&
        (prefix !== undefined ? actual.toLowerCase().startsWith(prefix) : actual.toLowerCase() === value);
      switch (field) {
        case "sku":
          return eq(variant.sku);
        case "title":
          return eq(variant.title) || eq(product.title);
        case "product_title":
          return eq(product.title);
        case "product_id":
          return String(product.id) === value;
        case "id":
          return String(variant.id) === value;
        case "requires_shipping":
          return String(variant.requiresShipping) === value;
        default:
          throw new NotImplementedError(`productVariants(query:) filter "${field}"`);
      }
    }
    const text = unquote(term);
    return [product.title, variant.title, variant.sku ?? ""].some((s) => s.toLowerCase().includes(text));
  });
}

export function queryRoot(ctx: ResolverContext): View {
  const { store, shop } = ctx;
  return {
    shop: () => shopView(store, shop),
    order: (args: Args) => {
      const order = store.findOrder(shop.domain, args.id);
      return order ? orderView(store, order) : null;
    },
    fulfillmentOrder: (args: Args) => {
      const fo = store.findFulfillmentOrder(shop.domain, args.id);
      return fo ? fulfillmentOrderView(store, fo) : null;
    },
    productVariant: (args: Args) => findNode(store, shop, args.id),
    product: (args: Args) => findNode(store, shop, args.id),
    productVariants: (args: Args) => {
      if (args.sortKey != null && args.sortKey !== "ID")
        throw new NotImplementedError(`productVariants(sortKey: ${String(args.sortKey)})`);
      const variants = [...store.variants.values()]
        .filter((v) => v.shop === shop.domain)
        .filter((v) => matchesVariantQuery(store, v, args.query as string | null))
        .sort((a, b) => a.id - b.id);
      return connection(variants, args, (v) => variantView(store, v));
    },
    node: (args: Args) => findNode(store, shop, args.id),
    nodes: (args: Args) => (args.ids as string[]).map((id) => findNode(store, shop, id)),
  };
}

function idempotencyKey(
  ctx: ResolverContext,
  info: Parameters<GraphQLFieldResolver<unknown, ResolverContext>>[3],
): string | null {
  const directive = ctx.schema.getDirective("idempotent");
  if (!directive) return null;
  const values = getDirectiveValues(directive, info.fieldNodes[0]!, info.variableValues);
  const key = values?.key;
  return typeof key === "string" ? key : null;
}

export function mutationRoot(ctx: ResolverContext): View {
  const { store, shop } = ctx;
  return {
    metafieldsSet: (args: Args) => {
      const result = store.setMetafields(
        shop.domain,
        args.metafields as Parameters<SimStore["setMetafields"]>[1],
      );
      if (!result.ok) return { metafields: null, userErrors: userErrors(result.userErrors) };
      return {
        metafields: result.value.map(({ metafield }) => metafieldView(metafield, "ORDER")),
        userErrors: [],
      };
    },
    tagsAdd: (args: Args) => {
      const result = store.addTags(shop.domain, args.id, args.tags as string[]);
      return result.ok
        ? { node: orderView(store, result.value), userErrors: [] }
        : { node: null, userErrors: userErrors(result.userErrors) };
    },
    tagsRemove: (args: Args) => {
      const result = store.removeTags(shop.domain, args.id, args.tags as string[]);
      return result.ok
        ? { node: orderView(store, result.value), userErrors: [] }
        : { node: null, userErrors: userErrors(result.userErrors) };
    },
    fulfillmentCreate: (args: Args) => {
      const input = args.fulfillment as Parameters<SimStore["createFulfillment"]>[1] & {
        trackingInfo?: unknown;
        originAddress?: unknown;
      };
      const result = store.createFulfillment(shop.domain, input);
      if (!result.ok) return { fulfillment: null, userErrors: userErrors(result.userErrors) };
      const order = store.orders.get(result.value.orderId)!;
      return { fulfillment: fulfillmentView(store, order, result.value), userErrors: [] };
    },
    refundCreate: (
      args: Args,
      _context: unknown,
      info: Parameters<GraphQLFieldResolver<unknown, ResolverContext>>[3],
    ) => {
      const key = idempotencyKey(ctx, info);
      ctx.idempotencyKey = key;
      if (key === null || !key.trim()) {
        throw new GraphQLError(
          "The @idempotent directive is required for this mutation (refundCreate, API version 2026-04 and later).",
          { extensions: { code: "BAD_REQUEST" } },
        );
      }
      const result = store.createRefund(
        shop.domain,
        args.input as Parameters<SimStore["createRefund"]>[1],
        key,
      );
      if (!result.ok) return { refund: null, order: null, userErrors: userErrors(result.userErrors) };
      return {
        refund: refundView(store, result.value.order, result.value.refund),
        order: orderView(store, result.value.order),
        userErrors: [],
      };
    },
  };
}
