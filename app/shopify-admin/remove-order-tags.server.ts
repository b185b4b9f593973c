// Removes tags from an order (tagsRemove). Removing a tag the order does not have is a no-op.
import type { AdminGateway } from "./gateway.server";
import { checkUserErrors, type ShopifyUserErrorEntry } from "./errors";

export const REMOVE_ORDER_TAGS_MUTATION = /* GraphQL */ `
  mutation RemoveOrderTags($id: ID!, $tags: [String!]!) {
    tagsRemove(id: $id, tags: $tags) {
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
  tagsRemove: { node: { id: string } | null; userErrors: ShopifyUserErrorEntry[] } | null;
}

export async function removeOrderTags(
  gateway: AdminGateway,
  orderId: string,
  tags: readonly string[],
): Promise<void> {
  if (tags.length === 0) return;
  const data = await gateway.request<Payload>(REMOVE_ORDER_TAGS_MUTATION, { id: orderId, tags: [...tags] });
  checkUserErrors(data.tagsRemove?.userErrors, { shop: gateway.shop, operation: "RemoveOrderTags" });
}
