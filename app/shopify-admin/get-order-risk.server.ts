// Shopify's risk recommendation for one order, read just before placement. Its own tiny query (requested
// cost 3) rather than a field of OrderForFulfillment: during a flash sale every placement asks, and a
// large query would be throttled against the shop's other jobs, leaving the check unanswered.
import type { AdminGateway } from "./gateway.server";
import { ShopifyNotFoundError } from "./errors";
import type { OrderRiskRecommendation } from "./types";

export const ORDER_RISK_QUERY = /* GraphQL */ `
  query OrderRisk($id: ID!) {
    order(id: $id) {
      id
      risk {
        recommendation
      }
    }
  }
`;

/** Order.risk.recommendation (OrderRiskSummary): ACCEPT, INVESTIGATE, CANCEL or NONE. */
export async function getOrderRisk(gateway: AdminGateway, orderId: string): Promise<OrderRiskRecommendation> {
  const data = await gateway.request<{ order: { risk: { recommendation: OrderRiskRecommendation } } | null }>(
    ORDER_RISK_QUERY,
    { id: orderId },
  );
  if (!data.order) throw new ShopifyNotFoundError(orderId, { shop: gateway.shop, operation: "OrderRisk" });
  return data.order.risk.recommendation;
}
