// Everything the fulfillment flow needs to know about one order: who to email, in which language, the
// lines (digital or physical) and the fulfillment orders with what remains. (The risk check before
// placement asks for the risk alone: get-order-risk.server.ts.)
//
// Query cost: Shopify admits a query only when its bucket holds the *requested* cost, which sizes every
// connection by its `first` (https://shopify.dev/docs/api/usage/limits#cost-calculation), and refunds the
// difference to the actual cost afterwards. Pages sized for a key shop's orders (a few lines, one or two
// fulfillment orders) keep the requested cost near 180 instead of ~730 for pages of 100/5×50, so a flash
// sale's jobs are not throttled against each other while the actual cost (~20) stays the same. Longer
// lists are followed page by page with the continuation queries below, so nothing is silently cut off.
import type { AdminGateway } from "./gateway.server";
import { ShopifyNotFoundError } from "./errors";
import {
  collectPages,
  type Connection,
  type FulfillmentOrderAction,
  type FulfillmentOrderStatus,
  type OrderDisplayFulfillmentStatus,
} from "./types";

const LINE_ITEMS_PAGE = 20;
const FULFILLMENT_ORDERS_PAGE = 3;
const FULFILLMENT_ORDER_LINES_PAGE = 20;

const LINE_ITEM_FIELDS = /* GraphQL */ `
  fragment OrderForFulfillmentLineItem on LineItem {
    id
    quantity
    sku
    title
    requiresShipping
    variant {
      id
    }
  }
`;

const FULFILLMENT_ORDER_LINE_ITEM_FIELDS = /* GraphQL */ `
  fragment OrderForFulfillmentFulfillmentOrderLineItem on FulfillmentOrderLineItem {
    id
    remainingQuantity
    totalQuantity
    lineItem {
      id
    }
  }
`;

const FULFILLMENT_ORDER_FIELDS = /* GraphQL */ `
  fragment OrderForFulfillmentFulfillmentOrder on FulfillmentOrder {
    id
    status
    supportedActions {
      action
    }
    lineItems(first: ${FULFILLMENT_ORDER_LINES_PAGE}) {
      nodes {
        ...OrderForFulfillmentFulfillmentOrderLineItem
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${FULFILLMENT_ORDER_LINE_ITEM_FIELDS}
`;

export const ORDER_FOR_FULFILLMENT_QUERY = /* GraphQL */ `
  query OrderForFulfillment($id: ID!) {
    order(id: $id) {
      id
      name
      email
      tags
      displayFulfillmentStatus
      customerLocale
      statusPageUrl
      lineItems(first: ${LINE_ITEMS_PAGE}) {
        nodes {
          ...OrderForFulfillmentLineItem
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
      fulfillmentOrders(first: ${FULFILLMENT_ORDERS_PAGE}) {
        nodes {
          ...OrderForFulfillmentFulfillmentOrder
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
  ${LINE_ITEM_FIELDS}
  ${FULFILLMENT_ORDER_FIELDS}
`;

export const ORDER_LINE_ITEMS_PAGE_QUERY = /* GraphQL */ `
  query OrderForFulfillmentLineItemsPage($id: ID!, $after: String!) {
    order(id: $id) {
      lineItems(first: ${LINE_ITEMS_PAGE}, after: $after) {
        nodes {
          ...OrderForFulfillmentLineItem
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
  ${LINE_ITEM_FIELDS}
`;

export const ORDER_FULFILLMENT_ORDERS_PAGE_QUERY = /* GraphQL */ `
  query OrderForFulfillmentFulfillmentOrdersPage($id: ID!, $after: String!) {
    order(id: $id) {
      fulfillmentOrders(first: ${FULFILLMENT_ORDERS_PAGE}, after: $after) {
        nodes {
          ...OrderForFulfillmentFulfillmentOrder
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
  ${FULFILLMENT_ORDER_FIELDS}
`;

export const FULFILLMENT_ORDER_LINE_ITEMS_PAGE_QUERY = /* GraphQL */ `
  query OrderForFulfillmentFulfillmentOrderLinesPage($id: ID!, $after: String!) {
    fulfillmentOrder(id: $id) {
      lineItems(first: ${FULFILLMENT_ORDER_LINES_PAGE}, after: $after) {
        nodes {
          ...OrderForFulfillmentFulfillmentOrderLineItem
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
  ${FULFILLMENT_ORDER_LINE_ITEM_FIELDS}
`;

interface LineItemNode {
  id: string;
  quantity: number;
  sku: string | null;
  title: string;
  requiresShipping: boolean;
  variant: { id: string } | null;
}

interface FulfillmentOrderLineItemNode {
  id: string;
  remainingQuantity: number;
  totalQuantity: number;
  lineItem: { id: string };
}

interface FulfillmentOrderNode {
  id: string;
  status: FulfillmentOrderStatus;
  supportedActions: { action: FulfillmentOrderAction }[];
  lineItems: Connection<FulfillmentOrderLineItemNode>;
}

interface OrderNode {
  id: string;
  name: string;
  email: string | null;
  tags: string[];
  displayFulfillmentStatus: OrderDisplayFulfillmentStatus;
  customerLocale: string | null;
  statusPageUrl: string;
  lineItems: Connection<LineItemNode>;
  fulfillmentOrders: Connection<FulfillmentOrderNode>;
}

export interface OrderLineItem {
  id: string;
  quantity: number;
  sku: string | null;
  title: string;
  requiresShipping: boolean;
  /** null when the product was deleted after the order. */
  variantId: string | null;
}

export interface FulfillmentOrderLine {
  /** The FulfillmentOrderLineItem id, which fulfillmentCreate takes. */
  id: string;
  lineItemId: string;
  remainingQuantity: number;
  totalQuantity: number;
}

export interface FulfillmentOrderSummary {
  id: string;
  status: FulfillmentOrderStatus;
  supportedActions: FulfillmentOrderAction[];
  lineItems: FulfillmentOrderLine[];
}

export interface OrderForFulfillment {
  id: string;
  /** "#1001" */
  name: string;
  email: string | null;
  tags: string[];
  displayFulfillmentStatus: OrderDisplayFulfillmentStatus;
  /** e.g. "en", "fr-CA"; null when Shopify does not know. */
  customerLocale: string | null;
  statusPageUrl: string;
  lineItems: OrderLineItem[];
  fulfillmentOrders: FulfillmentOrderSummary[];
}

export async function getOrderForFulfillment(
  gateway: AdminGateway,
  orderId: string,
): Promise<OrderForFulfillment> {
  const data = await gateway.request<{ order: OrderNode | null }>(ORDER_FOR_FULFILLMENT_QUERY, {
    id: orderId,
  });
  const order = data.order;
  if (!order)
    throw new ShopifyNotFoundError(orderId, { shop: gateway.shop, operation: "OrderForFulfillment" });

  const lineItems = await collectPages(order.lineItems, async (after) => {
    const page = await gateway.request<{ order: Pick<OrderNode, "lineItems"> | null }>(
      ORDER_LINE_ITEMS_PAGE_QUERY,
      {
        id: orderId,
        after,
      },
    );
    if (!page.order) throw new ShopifyNotFoundError(orderId, { shop: gateway.shop });
    return page.order.lineItems;
  });

  const fulfillmentOrderNodes = await collectPages(order.fulfillmentOrders, async (after) => {
    const page = await gateway.request<{ order: Pick<OrderNode, "fulfillmentOrders"> | null }>(
      ORDER_FULFILLMENT_ORDERS_PAGE_QUERY,
      { id: orderId, after },
    );
    if (!page.order) throw new ShopifyNotFoundError(orderId, { shop: gateway.shop });
    return page.order.fulfillmentOrders;
  });

  const fulfillmentOrders: FulfillmentOrderSummary[] = [];
  for (const node of fulfillmentOrderNodes) {
    const lines = await collectPages(node.lineItems, async (after) => {
      const page = await gateway.request<{
        fulfillmentOrder: Pick<FulfillmentOrderNode, "lineItems"> | null;
      }>(FULFILLMENT_ORDER_LINE_ITEMS_PAGE_QUERY, { id: node.id, after });
      if (!page.fulfillmentOrder) throw new ShopifyNotFoundError(node.id, { shop: gateway.shop });
      return page.fulfillmentOrder.lineItems;
    });
    fulfillmentOrders.push({
      id: node.id,
      status: node.status,
      supportedActions: node.supportedActions.map((a) => a.action),
      lineItems: lines.map((l) => ({
        id: l.id,
        lineItemId: l.lineItem.id,
        remainingQuantity: l.remainingQuantity,
        totalQuantity: l.totalQuantity,
      })),
    });
  }

  return {
    id: order.id,
    name: order.name,
    email: order.email,
    tags: order.tags,
    displayFulfillmentStatus: order.displayFulfillmentStatus,
    customerLocale: order.customerLocale,
    statusPageUrl: order.statusPageUrl,
    lineItems: lineItems.map((l) => ({
      id: l.id,
      quantity: l.quantity,
      sku: l.sku,
      title: l.title,
      requiresShipping: l.requiresShipping,
      variantId: l.variant?.id ?? null,
    })),
    fulfillmentOrders,
  };
}
