// Asks Shopify what refunding some lines would cost (Order.suggestedRefund): amounts, taxes and the
// transactions to refund them against. `refundInputFromSuggestion` turns the answer into refundCreate input.
import type { AdminGateway } from "./gateway.server";
import { ShopifyNotFoundError } from "./errors";
import type { CreateRefundInput } from "./create-refund.server";
import type { MoneyBag, RefundLineItemRestockType } from "./types";

export const SUGGEST_REFUND_QUERY = /* GraphQL */ `
  query SuggestRefund($id: ID!, $refundLineItems: [RefundLineItemInput!]!) {
    order(id: $id) {
      id
      suggestedRefund(refundLineItems: $refundLineItems, refundShipping: false) {
        amountSet {
          ...SuggestRefundMoney
        }
        subtotalSet {
          ...SuggestRefundMoney
        }
        totalTaxSet {
          ...SuggestRefundMoney
        }
        refundLineItems {
          lineItem {
            id
          }
          quantity
          restockType
          subtotalSet {
            ...SuggestRefundMoney
          }
        }
        suggestedTransactions {
          gateway
          kind
          amountSet {
            ...SuggestRefundMoney
          }
          maximumRefundableSet {
            ...SuggestRefundMoney
          }
          parentTransaction {
            id
          }
        }
      }
    }
  }

  fragment SuggestRefundMoney on MoneyBag {
    shopMoney {
      amount
      currencyCode
    }
    presentmentMoney {
      amount
      currencyCode
    }
  }
`;

export interface RefundLineInput {
  lineItemId: string;
  quantity: number;
  /** Digital goods are not restocked: defaults to NO_RESTOCK. */
  restockType?: RefundLineItemRestockType;
}

export interface RefundSuggestion {
  orderId: string;
  amount: MoneyBag;
  subtotal: MoneyBag;
  totalTax: MoneyBag;
  refundLineItems: {
    lineItemId: string;
    quantity: number;
    restockType: RefundLineItemRestockType;
    subtotal: MoneyBag;
  }[];
  transactions: {
    gateway: string | null;
    kind: string;
    amount: MoneyBag;
    maximumRefundable: MoneyBag | null;
    parentTransactionId: string | null;
  }[];
}

interface Payload {
  order: {
    id: string;
    suggestedRefund: {
      amountSet: MoneyBag;
      subtotalSet: MoneyBag;
      totalTaxSet: MoneyBag;
      refundLineItems: {
        lineItem: { id: string };
        quantity: number;
        restockType: RefundLineItemRestockType;
        subtotalSet: MoneyBag;
      }[];
      suggestedTransactions: {
        gateway: string | null;
        kind: string;
        amountSet: MoneyBag;
        maximumRefundableSet: MoneyBag | null;
        parentTransaction: { id: string } | null;
      }[];
    } | null;
  } | null;
}

export async function suggestRefund(
  gateway: AdminGateway,
  orderId: string,
  lines: readonly RefundLineInput[],
): Promise<RefundSuggestion> {
  const data = await gateway.request<Payload>(SUGGEST_REFUND_QUERY, {
    id: orderId,
    refundLineItems: lines.map((l) => ({
      lineItemId: l.lineItemId,
      quantity: l.quantity,
      restockType: l.restockType ?? "NO_RESTOCK",
    })),
  });
  const suggestion = data.order?.suggestedRefund;
  if (!data.order || !suggestion) {
    throw new ShopifyNotFoundError(orderId, { shop: gateway.shop, operation: "SuggestRefund" });
  }
  return {
    orderId: data.order.id,
    amount: suggestion.amountSet,
    subtotal: suggestion.subtotalSet,
    totalTax: suggestion.totalTaxSet,
    refundLineItems: suggestion.refundLineItems.map((l) => ({
      lineItemId: l.lineItem.id,
      quantity: l.quantity,
      restockType: l.restockType,
      subtotal: l.subtotalSet,
    })),
    transactions: suggestion.suggestedTransactions.map((t) => ({
      gateway: t.gateway,
      kind: t.kind,
      amount: t.amountSet,
      maximumRefundable: t.maximumRefundableSet,
      parentTransactionId: t.parentTransaction?.id ?? null,
    })),
  };
}

/**
 * refundCreate input that refunds exactly what Shopify suggested: the lines (not restocked) and the money,
 * in the customer's (presentment) currency, against the original payment transactions.
 */
export function refundInputFromSuggestion(
  suggestion: RefundSuggestion,
  options: { note?: string; notify?: boolean } = {},
): CreateRefundInput {
  const currency = suggestion.amount.presentmentMoney.currencyCode;
  return {
    orderId: suggestion.orderId,
    currency,
    note: options.note,
    notify: options.notify ?? false,
    refundLineItems: suggestion.refundLineItems.map((l) => ({
      lineItemId: l.lineItemId,
      quantity: l.quantity,
      restockType: l.restockType,
    })),
    transactions: suggestion.transactions
      .filter((t) => Number(t.amount.presentmentMoney.amount) > 0)
      .map((t) => {
        if (!t.gateway)
          throw new Error(`Suggested refund transaction of ${suggestion.orderId} has no gateway`);
        return {
          orderId: suggestion.orderId,
          kind: "REFUND" as const,
          gateway: t.gateway,
          amount: t.amount.presentmentMoney.amount,
          parentId: t.parentTransactionId ?? undefined,
        };
      }),
  };
}
