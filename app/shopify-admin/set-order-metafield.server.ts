// Writes one metafield on an order (e.g. the delivery status the customer extensions read) with
// metafieldsSet, which creates or overwrites it.
import type { AdminGateway } from "./gateway.server";
import { checkUserErrors, type ShopifyUserErrorEntry } from "./errors";
import { APP_NAMESPACE } from "./metafields";

export const SET_ORDER_METAFIELD_MUTATION = /* GraphQL */ `
  mutation SetOrderMetafield($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields {
        id
        namespace
        key
        type
        value
        compareDigest
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export interface SetOrderMetafieldInput {
  key: string;
  /** Defaults to "$app", the app-reserved namespace. */
  namespace?: string;
  /** Defaults to "json". */
  type?: string;
  /** A string is sent as is; anything else is JSON-encoded (for type "json"). */
  value: unknown;
}

export interface OrderMetafield {
  id: string;
  /** As stored: "$app" comes back as "app--<app id>". */
  namespace: string;
  key: string;
  type: string;
  value: string;
  compareDigest: string;
}

interface Payload {
  metafieldsSet: {
    metafields: OrderMetafield[] | null;
    userErrors: (ShopifyUserErrorEntry & { elementIndex?: number | null })[];
  } | null;
}

export async function setOrderMetafield(
  gateway: AdminGateway,
  orderId: string,
  input: SetOrderMetafieldInput,
): Promise<OrderMetafield> {
  const value = typeof input.value === "string" ? input.value : JSON.stringify(input.value);
  const data = await gateway.request<Payload>(SET_ORDER_METAFIELD_MUTATION, {
    metafields: [
      {
        ownerId: orderId,
        namespace: input.namespace ?? APP_NAMESPACE,
        key: input.key,
        type: input.type ?? "json",
        value,
      },
    ],
  });
  const context = { shop: gateway.shop, operation: "SetOrderMetafield" };
  checkUserErrors(data.metafieldsSet?.userErrors, context);
  const metafield = data.metafieldsSet?.metafields?.[0];
  if (!metafield) throw new Error(`metafieldsSet returned no metafield for ${orderId}`);
  return metafield;
}
