// Creates a refund with refundCreate. In 2026-07 the @idempotent directive is required on refundCreate
// (optional since 2026-01, required since 2026-04): the same key returns the original refund instead of
// refunding twice, so a job that crashed after sending can safely send again with the same key.
// Derive the key from what is being refunded (e.g. delivery id + "refund"), never a fresh random value
// per attempt.
import type { AdminGateway } from "./gateway.server";
import { checkUserErrors, type ShopifyUserErrorEntry } from "./errors";
import type { MoneyBag, RefundLineItemRestockType } from "./types";

export const CREATE_REFUND_MUTATION = /* GraphQL */ `
  mutation CreateRefund($input: RefundInput!, $idempotencyKey: String!) {
    refundCreate(input: $input) @idempotent(key: $idempotencyKey) {
      refund {
        id
        createdAt
        totalRefundedSet {
          shopMoney {
            amount
            currencyCode
          }
          presentmentMoney {
            amount
            currencyCode
          }
        }
        refundLineItems(first: 100) {
          nodes {
            lineItem {
              id
            }
            quantity
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

/** RefundInput (the subset the app uses). */
export interface CreateRefundInput {
  orderId: string;
  /** The presentment currency; required when it differs from the shop currency. */
  currency?: string;
  note?: string;
  notify?: boolean;
  refundLineItems?: {
    lineItemId: string;
    quantity: number;
    restockType?: RefundLineItemRestockType;
    locationId?: string;
  }[];
  transactions?: { orderId: string; kind: "REFUND"; gateway: string; amount: string; parentId?: string }[];
}

export interface CreatedRefund {
  id: string;
  createdAt: string | null;
  totalRefunded: MoneyBag;
  refundLineItems: { lineItemId: string; quantity: number }[];
}

interface Payload {
  refundCreate: {
    refund: {
      id: string;
      createdAt: string | null;
      totalRefundedSet: MoneyBag;
      refundLineItems: { nodes: { lineItem: { id: string }; quantity: number }[] };
    } | null;
    userErrors: ShopifyUserErrorEntry[];
  } | null;
}

export async function createRefund(
  gateway: AdminGateway,
  input: CreateRefundInput,
  idempotencyKey: string,
): Promise<CreatedRefund> {
  if (!idempotencyKey.trim()) throw new Error("createRefund needs a non-blank idempotency key");
  const data = await gateway.request<Payload>(CREATE_REFUND_MUTATION, { input, idempotencyKey });
  checkUserErrors(data.refundCreate?.userErrors, { shop: gateway.shop, operation: "CreateRefund" });
  const refund = data.refundCreate?.refund;
  if (!refund) throw new Error(`refundCreate returned neither a refund nor userErrors for ${input.orderId}`);
  return {
    id: refund.id,
    createdAt: refund.createdAt,
    totalRefunded: refund.totalRefundedSet,
    refundLineItems: refund.refundLineItems.nodes.map((n) => ({
      lineItemId: n.lineItem.id,
      quantity: n.quantity,
    })),
  };
}
