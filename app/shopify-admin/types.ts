// Small types shared by the operations, named after the Admin API schema (2026-07).

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  nodes: T[];
  pageInfo: PageInfo;
}

/** MoneyV2: `amount` is a decimal string, exactly as Shopify sends it. */
export interface Money {
  amount: string;
  currencyCode: string;
}

export interface MoneyBag {
  shopMoney: Money;
  presentmentMoney: Money;
}

export type OrderDisplayFulfillmentStatus =
  | "FULFILLED"
  | "IN_PROGRESS"
  | "ON_HOLD"
  | "OPEN"
  | "PARTIALLY_FULFILLED"
  | "PENDING_FULFILLMENT"
  | "REQUEST_DECLINED"
  | "RESTOCKED"
  | "SCHEDULED"
  | "UNFULFILLED";

export type OrderRiskRecommendation = "ACCEPT" | "CANCEL" | "INVESTIGATE" | "NONE";

export type FulfillmentOrderStatus =
  "CANCELLED" | "CLOSED" | "INCOMPLETE" | "IN_PROGRESS" | "ON_HOLD" | "OPEN" | "SCHEDULED";

export type FulfillmentOrderAction =
  | "CANCEL_FULFILLMENT_ORDER"
  | "CREATE_FULFILLMENT"
  | "EXTERNAL"
  | "HOLD"
  | "MARK_AS_OPEN"
  | "MERGE"
  | "MOVE"
  | "RELEASE_HOLD"
  | "REPORT_PROGRESS"
  | "REQUEST_CANCELLATION"
  | "REQUEST_FULFILLMENT"
  | "SPLIT";

export type RefundLineItemRestockType = "CANCEL" | "LEGACY_RESTOCK" | "NO_RESTOCK" | "RETURN";

/** Follows `after` cursors until the connection ends; `fetchPage(after)` returns one page. */
export async function collectPages<T>(
  first: Connection<T>,
  fetchPage: (after: string) => Promise<Connection<T>>,
): Promise<T[]> {
  const items = [...first.nodes];
  let pageInfo = first.pageInfo;
  while (pageInfo.hasNextPage && pageInfo.endCursor) {
    const page = await fetchPage(pageInfo.endCursor);
    items.push(...page.nodes);
    pageInfo = page.pageInfo;
  }
  return items;
}
