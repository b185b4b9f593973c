// Adds tags to an order (tagsAdd). Adding a tag the order already has is a no-op on Shopify's side.
import type { AdminGateway } from "./gateway.server";
import { checkUserErrors, type ShopifyUserErrorEntry } from "./errors";

export const ADD_ORDER_TAGS_MUTATION = /* GraphQL */ `
  mutation AddOrderTags($id: ID!, $tags: [String!]!) {
    tagsAdd(id: $id, tags: $tags) {
      node {
        id
      }
      userErrors {
        field
        message
      }
    }
  }
`;

interface Payload {
  tagsAdd: { node: { id: string } | null; userErrors: ShopifyUserErrorEntry[] } | null;
}

export async function addOrderTags(
  gateway: AdminGateway,
  orderId: string,
  tags: readonly string[],
): Promise<void> {
  if (tags.length === 0) return;
  const data = await gateway.request<Payload>(ADD_ORDER_TAGS_MUTATION, { id: orderId, tags: [...tags] });
  checkUserErrors(data.tagsAdd?.userErrors, { shop: gateway.shop, operation: "AddOrderTags" });
}
