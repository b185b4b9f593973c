// Fulfills some lines of an order with fulfillmentCreate (fulfillmentCreateV2 is deprecated in 2026-07).
// Only the listed fulfillment-order line items and quantities are fulfilled, so digital lines can be
// fulfilled while the physical lines of the same fulfillment order stay open for the merchant.
//
// Tolerated userError: a fulfillment order that is already closed ("Fulfillment order <id> has an
// unfulfillable status= closed.") means an earlier attempt (or the merchant) already fulfilled it. The
// result then says `alreadyFulfilled` instead of throwing, so a re-run of the sync job is harmless.
// Any other userError (e.g. more quantity than remains) throws ShopifyUserError: re-read the order and
// plan again with `planFulfillment`.
import type { AdminGateway } from "./gateway.server";
import { checkUserErrors, type ShopifyUserErrorEntry } from "./errors";
import type { OrderForFulfillment } from "./get-order-for-fulfillment.server";

export const CREATE_FULFILLMENT_MUTATION = /* GraphQL */ `
  mutation CreateFulfillment($fulfillment: FulfillmentInput!) {
    fulfillmentCreate(fulfillment: $fulfillment) {
      fulfillment {
        id
        status
        fulfillmentLineItems(first: 100) {
          nodes {
            id
            quantity
            lineItem {
              id
            }
          }
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export interface FulfillmentOrderLineItemsInput {
  fulfillmentOrderId: string;
  fulfillmentOrderLineItems: { id: string; quantity: number }[];
}

export interface CreateFulfillmentInput {
  lineItemsByFulfillmentOrder: FulfillmentOrderLineItemsInput[];
  /** Whether Shopify emails the customer its shipping confirmation. */
  notifyCustomer: boolean;
}

export type CreateFulfillmentResult =
  | {
      alreadyFulfilled: false;
      fulfillment: { id: string; status: string; lineItems: { lineItemId: string; quantity: number }[] };
    }
  | { alreadyFulfilled: true; userErrors: ShopifyUserErrorEntry[] };

interface Payload {
  fulfillmentCreate: {
    fulfillment: {
      id: string;
      status: string;
      fulfillmentLineItems: { nodes: { id: string; quantity: number | null; lineItem: { id: string } }[] };
    } | null;
    userErrors: ShopifyUserErrorEntry[];
  } | null;
}

const CLOSED_FULFILLMENT_ORDER = /has an unfulfillable status= ?closed/i;

export function isAlreadyFulfilledError(error: ShopifyUserErrorEntry): boolean {
  return CLOSED_FULFILLMENT_ORDER.test(error.message);
}

export async function createFulfillment(
  gateway: AdminGateway,
  input: CreateFulfillmentInput,
): Promise<CreateFulfillmentResult> {
  const data = await gateway.request<Payload>(CREATE_FULFILLMENT_MUTATION, {
    fulfillment: {
      lineItemsByFulfillmentOrder: input.lineItemsByFulfillmentOrder,
      notifyCustomer: input.notifyCustomer,
    },
  });
  const tolerated = checkUserErrors(data.fulfillmentCreate?.userErrors, {
    shop: gateway.shop,
    operation: "CreateFulfillment",
    tolerate: isAlreadyFulfilledError,
  });
  if (tolerated.length > 0) return { alreadyFulfilled: true, userErrors: tolerated };
  const fulfillment = data.fulfillmentCreate?.fulfillment;
  if (!fulfillment) throw new Error("fulfillmentCreate returned neither a fulfillment nor userErrors");
  return {
    alreadyFulfilled: false,
    fulfillment: {
      id: fulfillment.id,
      status: fulfillment.status,
      lineItems: fulfillment.fulfillmentLineItems.nodes.map((n) => ({
        lineItemId: n.lineItem.id,
        quantity: n.quantity ?? 0,
      })),
    },
  };
}

/**
 * Which fulfillment-order line items to fulfill so that the given order lines (e.g. the digital ones)
 * are fulfilled with what remains of them, and nothing else. Skips fulfillment orders that cannot be
 * fulfilled by the app (no CREATE_FULFILLMENT action, e.g. closed or on hold). Empty when nothing is left.
 */
export function planFulfillment(
  order: Pick<OrderForFulfillment, "fulfillmentOrders">,
  lineItemIds: Iterable<string>,
): FulfillmentOrderLineItemsInput[] {
  const wanted = new Set(lineItemIds);
  const plan: FulfillmentOrderLineItemsInput[] = [];
  for (const fo of order.fulfillmentOrders) {
    if (!fo.supportedActions.includes("CREATE_FULFILLMENT")) continue;
    const lines = fo.lineItems
      .filter((l) => wanted.has(l.lineItemId) && l.remainingQuantity > 0)
      .map((l) => ({ id: l.id, quantity: l.remainingQuantity }));
    if (lines.length > 0) plan.push({ fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: lines });
  }
  return plan;
}
